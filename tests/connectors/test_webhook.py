"""The webhook receiver over real HTTP on loopback: handshake, signatures, durable landing, a burst of 1,000."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from pathlib import Path

import httpx
import pytest

from pipelines.connectors.webhook import WebhookApp, server_config
from pipelines.run import ingest_stage
from pipelines.settings import Settings
from pipelines.tenants import get_tenant
from tests.conftest import webhook_payloads
from tests.connectors.servers import Running

SECRET = "app-secret"


@pytest.fixture
def receiver(settings: Settings, monkeypatch):
    monkeypatch.setenv("GAUNG_WHATSAPP_VERIFY_TOKEN", "verify-me")
    monkeypatch.setenv("GAUNG_WHATSAPP_APP_SECRET", SECRET)
    server = Running(WebhookApp(Settings(), body_timeout=0.5),
                     lambda app, host, port: server_config(app, host, port, header_timeout=0.5, log_level="error"))
    yield server.url
    server.stop()


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def landed(settings: Settings, tenant: str = "toko-a") -> list[Path]:
    return sorted((settings.landing_dir(tenant) / "whatsapp" / "webhooks").rglob("*.json"))


def test_verification_handshake(receiver) -> None:
    ok = httpx.get(f"{receiver}/webhooks/whatsapp/toko-a",
                   params={"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "1158201444"})
    assert (ok.status_code, ok.text) == (200, "1158201444")
    bad = httpx.get(f"{receiver}/webhooks/whatsapp/toko-a",
                    params={"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "1"})
    assert bad.status_code == 403
    # the token is checked first: only a caller who holds it learns whether a tenant exists
    assert httpx.get(f"{receiver}/webhooks/whatsapp/not-a-tenant").status_code == 403
    assert httpx.get(f"{receiver}/webhooks/whatsapp/not-a-tenant",
                     params={"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "1"}).status_code == 404
    assert httpx.get(f"{receiver}/webhooks/whatsapp/../etc").status_code == 404


def test_signed_payload_lands_exactly_as_sent(receiver, settings) -> None:
    body = json.dumps(webhook_payloads("message.json")["text"]).encode()
    r = httpx.post(f"{receiver}/webhooks/whatsapp/toko-a", content=body, headers={"X-Hub-Signature-256": sign(body)})
    assert (r.status_code, r.text) == (200, "EVENT_RECEIVED")
    files = landed(settings)
    assert len(files) == 1 and files[0].read_bytes() == body


def test_unsigned_and_tampered_payloads_are_refused(receiver, settings) -> None:
    body = json.dumps(webhook_payloads("message.json")["text"]).encode()
    assert httpx.post(f"{receiver}/webhooks/whatsapp/toko-a", content=body).status_code == 401
    tampered = body.replace(b"Body Text", b"Bad Text")
    assert httpx.post(f"{receiver}/webhooks/whatsapp/toko-a", content=tampered,
                      headers={"X-Hub-Signature-256": sign(body)}).status_code == 403
    assert httpx.post(f"{receiver}/webhooks/whatsapp/toko-a", content=body,
                      headers={"X-Hub-Signature-256": sign(body, "other")}).status_code == 403
    assert landed(settings) == []


@pytest.mark.slow  # 1,000 requests
def test_a_burst_of_1000_payloads_loses_none(receiver, settings) -> None:
    template = webhook_payloads("message.json")["text"]
    bodies = [json.dumps(template).replace("wamid.xyzxyz", f"wamid.burst{i:04d}").encode() for i in range(1000)]

    async def fire() -> list[int]:
        limits = httpx.Limits(max_connections=50)
        async with httpx.AsyncClient(limits=limits, timeout=30) as c:
            sem = asyncio.Semaphore(50)

            async def one(body: bytes) -> int:
                async with sem:
                    r = await c.post(f"{receiver}/webhooks/whatsapp/toko-a", content=body,
                                     headers={"X-Hub-Signature-256": sign(body)})
                    return r.status_code

            return await asyncio.gather(*(one(b) for b in bodies))

    statuses = asyncio.run(fire())
    assert statuses == [200] * 1000
    assert len(landed(settings)) == 1000
    tenant = get_tenant(settings.tenants_path, "toko-a")
    outcomes, counts = ingest_stage(tenant, [settings.landing_dir("toko-a")], fmt=None, settings=settings,
                                    now=__import__("datetime").datetime.now(__import__("datetime").UTC))
    assert sum(o.status == "loaded" for o in outcomes) == 1000
    assert counts["staging.stg_whatsapp__messages"] == 1000
