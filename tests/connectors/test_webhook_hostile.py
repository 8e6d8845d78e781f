"""The webhook receiver as an attacker meets it: odd bytes, deep or non-object bodies, slow clients, tenant
probing and the access log. No client input gets a 500, nothing it refuses reaches the landing folder."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import socket
import stat
import time
from pathlib import Path

import httpx
import pytest

from pipelines.connectors.webhook import (
    MAX_DEPTH,
    WebhookApp,
    json_object_problem,
    server_config,
    signature_ok,
)
from pipelines.settings import Settings
from tests.conftest import webhook_payloads
from tests.connectors.servers import Running

SECRET = "app-secret"
URL = "/webhooks/whatsapp/toko-a"


@pytest.fixture
def receiver(settings: Settings, monkeypatch):
    monkeypatch.setenv("GAUNG_WHATSAPP_VERIFY_TOKEN", "verify-me")
    monkeypatch.setenv("GAUNG_WHATSAPP_APP_SECRET", SECRET)
    server = Running(WebhookApp(Settings(), body_timeout=0.5),
                     lambda app, host, port: server_config(app, host, port, header_timeout=0.5, log_level="error"))
    yield server
    server.stop()


def sign(body: bytes) -> str:
    return "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


def landed(settings: Settings) -> list[Path]:
    folder = settings.landing_dir("toko-a")
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def raw_request(server: Running, data: bytes, wait: float = 3.0) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=wait) as sock:
        sock.sendall(data)
        out = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                return out
            if not chunk:
                return out
            out += chunk


def test_non_ascii_verify_token_and_signature_get_403(receiver, settings) -> None:
    url = receiver.url + URL
    for query, status in ((b"hub.mode=subscribe&hub.verify_token=t%C3%B6k%C3%A9n&hub.challenge=1", b"403"),
                          (b"hub.mode=subscribe&hub.verify_token=%FF%FE&hub.challenge=1", b"403"),
                          # raw bytes in the request line are malformed HTTP: uvicorn answers 400 itself
                          ("hub.mode=subscribe&hub.verify_token=verify-mé&hub.challenge=1".encode(), b"400")):
        reply = raw_request(receiver, b"GET " + URL.encode() + b"?" + query + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert reply.startswith(b"HTTP/1.1 " + status), reply[:60]
    body = json.dumps(webhook_payloads("message.json")["text"]).encode()
    for signature in (b"sha256=\xff\xfe\xe9", "sha256=é".encode(), b"\xc3\xa9" * 40):
        r = httpx.post(url, content=body, headers={"X-Hub-Signature-256": signature})
        assert r.status_code == 403
    assert signature_ok(SECRET, body, sign(body)) and not signature_ok(SECRET, body, "sha256=é")
    assert landed(settings) == []


@pytest.mark.parametrize(("body", "reason"), [
    (b'{"entry": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested too deeply"),
    (b'{"entry": ' + b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1) + b"}", "nested too deeply"),
    (b"[1, 2, 3]", "not a JSON object"),
    (b'"just a string"', "not a JSON object"),
    (b"null", "not a JSON object"),
    (b"\xff\xfe{}", "not JSON"),
    (b'{"a": 1', "not JSON"),
])
def test_signed_bodies_that_are_no_json_object_get_400_and_never_land(receiver, settings, body, reason) -> None:
    r = httpx.post(receiver.url + URL, content=body, headers={"X-Hub-Signature-256": sign(body)})
    assert r.status_code == 400 and reason in r.text
    assert landed(settings) == []


def test_the_deepest_real_payload_is_well_within_the_limit() -> None:
    for payload in webhook_payloads("message.json").values():
        assert json_object_problem(json.dumps(payload).encode()) is None


def test_unsigned_posts_answer_the_same_for_known_and_unknown_tenants(receiver) -> None:
    body = json.dumps(webhook_payloads("message.json")["text"]).encode()
    answers = []
    for tenant in ("toko-a", "no-such-shop"):
        url = f"{receiver.url}/webhooks/whatsapp/{tenant}"
        unsigned = httpx.post(url, content=body)
        wrong = httpx.post(url, content=body, headers={"X-Hub-Signature-256": "sha256=" + "0" * 64})
        answers.append([(unsigned.status_code, unsigned.text), (wrong.status_code, wrong.text)])
    assert answers[0] == answers[1] == [(401, "missing X-Hub-Signature-256"), (403, "signature does not match")]
    # a caller with the app secret may learn the tenant is unknown
    signed = httpx.post(f"{receiver.url}/webhooks/whatsapp/no-such-shop", content=body, headers={"X-Hub-Signature-256": sign(body)})
    assert signed.status_code == 404


@pytest.mark.slow  # waits out the receiver's timeouts (6 s)
def test_slow_headers_are_cut_off_and_a_slow_body_gets_408(receiver, settings) -> None:
    start = time.monotonic()
    reply = raw_request(receiver, b"POST " + URL.encode() + b" HTTP/1.1\r\nHost: x\r\n", wait=5)
    assert reply == b"" and time.monotonic() - start < 4  # closed by the server, not by our timeout
    reply = raw_request(receiver, b"POST " + URL.encode() + b" HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"a\"", wait=5)
    assert reply.startswith(b"HTTP/1.1 408")
    big = raw_request(receiver, b"POST " + URL.encode() + b" HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n"
                      b"Connection: close\r\n\r\n{}")
    assert big.startswith(b"HTTP/1.1 413")
    assert landed(settings) == []


def test_no_answer_to_client_input_is_a_500(receiver) -> None:
    url = receiver.url + URL
    statuses = [
        httpx.get(url, params={"hub.mode": "\u0000", "hub.verify_token": "\ud7ff" * 10, "hub.challenge": "x"}).status_code,
        httpx.put(url, content=b"x").status_code,
        httpx.post(url, content=b"x" * 10, headers={"X-Hub-Signature-256": "sha256=" + "zz" * 32}).status_code,
        httpx.post(url, content=b"", headers={"X-Hub-Signature-256": sign(b"")}).status_code,
        httpx.get(receiver.url + "/webhooks/whatsapp/%FF%00").status_code,
    ]
    reply = raw_request(receiver, b"GET /webhooks/whatsapp/toko-a?%%%=%FF&&==& HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    statuses.append(int(reply.split()[1]))
    assert all(s < 500 for s in statuses), statuses


def test_the_access_log_never_holds_the_verify_token(receiver, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    ok = httpx.get(receiver.url + URL, params={"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "42"})
    assert ok.text == "42"
    time.sleep(0.1)
    # what the server logs (the test's own client, httpx, logs its URL: that is the caller's side)
    lines = [r.getMessage() for r in caplog.records if r.name.startswith(("gaung", "uvicorn"))]
    assert any(URL in line and "200" in line for line in lines)  # the request is logged, by path
    assert not any("verify-me" in line or "hub.verify_token" in line for line in lines)
    assert receiver.server.config.access_log is False


def test_a_landed_payload_is_readable_by_its_owner_only(receiver, settings) -> None:
    body = json.dumps(webhook_payloads("message.json")["text"]).encode()
    os.umask(0o022)  # even under a permissive umask
    assert httpx.post(receiver.url + URL, content=body, headers={"X-Hub-Signature-256": sign(body)}).status_code == 200
    [path] = landed(settings)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def _call(app: WebhookApp, method: str, path: str, query: bytes, headers: list, body: bytes) -> int:
    """One request straight through the ASGI app; the status it answers."""
    import asyncio

    sent: list[dict] = []
    chunks = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive():
        return chunks.pop(0) if chunks else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "query_string": query, "headers": headers}
    asyncio.run(app(scope, receive, send))
    return sent[0]["status"]


def test_any_bytes_a_client_sends_get_an_answer_below_500(settings: Settings, monkeypatch) -> None:
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hsettings
    from hypothesis import strategies as st

    monkeypatch.setenv("GAUNG_WHATSAPP_VERIFY_TOKEN", "verify-me")
    monkeypatch.setenv("GAUNG_WHATSAPP_APP_SECRET", SECRET)
    app = WebhookApp(Settings())

    @hsettings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(method=st.sampled_from(["GET", "POST", "PUT"]),
           tenant=st.sampled_from(["toko-a", "toko-b", "nope", "x" * 70]),
           query=st.binary(max_size=200) | st.just(b"hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=\xff"),
           signature=st.binary(max_size=80), sign_it=st.booleans(),
           body=st.binary(max_size=300) | st.recursive(st.none() | st.integers() | st.text(max_size=5),
                                                       lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=3), c, max_size=3),
                                                       max_leaves=20).map(lambda v: json.dumps(v).encode()))
    def check(method, tenant, query, signature, sign_it, body) -> None:
        headers = [(b"x-hub-signature-256", sign(body).encode() if sign_it else signature)]
        status = _call(app, method, f"/webhooks/whatsapp/{tenant}", query, headers, body)
        assert status < 500, status
        if status == 200 and method == "POST":
            assert isinstance(json.loads(body), dict)

    check()
    for path in landed(settings):
        assert isinstance(json.loads(path.read_bytes()), dict)  # nothing the next ingest must reject
