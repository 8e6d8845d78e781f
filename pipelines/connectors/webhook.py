"""WhatsApp Cloud API webhook receiver: a small ASGI app served by `gaung webhook serve`.

GET /webhooks/whatsapp/<tenant> answers Meta's verification handshake (hub.mode, hub.verify_token,
hub.challenge) against GAUNG_WHATSAPP_VERIFY_TOKEN. Every POST must carry X-Hub-Signature-256, the
HMAC-SHA256 of the raw body with GAUNG_WHATSAPP_APP_SECRET: missing is refused with 401, wrong with
403. An accepted payload is written, exactly as received, to its own file under the tenant's landing
folder and flushed to disk before the 200, so nothing is lost while ingestion is down; the next
`gaung ingest` of that folder loads it.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
import re
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

from pipelines.settings import Settings
from pipelines.tenants import TenantError, load_tenants

log = logging.getLogger("gaung.webhook")
PATH = re.compile(r"^/webhooks/whatsapp/([a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)/?$")
MAX_BODY = 5 * 1024 * 1024


def signature_ok(secret: str, body: bytes, header: str) -> bool:
    """Whether 'sha256=<hex>' is the HMAC-SHA256 of the body under the app secret (constant time)."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.strip())


def write_payload(landing: Path, body: bytes) -> Path:
    """The payload in its own file, written to a hidden temporary name, fsynced, then renamed."""
    now = datetime.now(UTC)
    folder = landing / "whatsapp" / "webhooks" / f"{now:%Y-%m-%d}"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{time.time_ns()}-{hashlib.sha256(body).hexdigest()[:12]}.json"
    tmp = folder / f".{name}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(body)
        fh.flush()
        os.fsync(fh.fileno())
    target = folder / name
    tmp.replace(target)
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return target


class WebhookApp:
    """The ASGI application; settings are read once, tenants.toml again when it changes."""

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings()
        self._tenants: tuple[float, set[str]] = (-1.0, set())

    def _known(self, tenant_id: str) -> bool:
        path = self.settings.tenants_path
        try:
            mtime = path.stat().st_mtime
        except OSError:
            return False
        if mtime != self._tenants[0]:
            try:
                self._tenants = (mtime, set(load_tenants(path)))
            except TenantError as exc:
                log.error("tenants.toml unreadable: %s", exc)
                return False
        return tenant_id in self._tenants[1]

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        match = PATH.match(scope["path"])
        if not match or not self._known(match.group(1)):
            return await _respond(send, 404, "unknown tenant or path; use /webhooks/whatsapp/<tenant-id>")
        tenant_id = match.group(1)
        if scope["method"] == "GET":
            return await self._verify(scope, send)
        if scope["method"] != "POST":
            return await _respond(send, 405, "use GET for verification or POST for events")
        body = await _read_body(receive)
        if body is None:
            return await _respond(send, 413, "payload too large")
        secret = self.settings.whatsapp_app_secret
        if not secret:
            log.error("GAUNG_WHATSAPP_APP_SECRET is not set: refusing unsigned-checkable payloads")
            return await _respond(send, 500, "receiver not configured: set GAUNG_WHATSAPP_APP_SECRET")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        signature = headers.get("x-hub-signature-256")
        if not signature:
            return await _respond(send, 401, "missing X-Hub-Signature-256")
        if not signature_ok(secret, body, signature):
            log.warning("%s: payload with a wrong signature refused", tenant_id)
            return await _respond(send, 403, "signature does not match")
        try:
            json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return await _respond(send, 400, "body is not JSON")
        await asyncio.to_thread(write_payload, self.settings.landing_dir(tenant_id), body)
        return await _respond(send, 200, "EVENT_RECEIVED")

    async def _verify(self, scope, send) -> None:
        query = urllib.parse.parse_qs(scope.get("query_string", b"").decode())
        mode, token = query.get("hub.mode", [""])[0], query.get("hub.verify_token", [""])[0]
        challenge = query.get("hub.challenge", [""])[0]
        expected = self.settings.whatsapp_verify_token
        if not expected:
            return await _respond(send, 403, "verification not configured: set GAUNG_WHATSAPP_VERIFY_TOKEN")
        if mode == "subscribe" and hmac.compare_digest(token, expected):
            return await _respond(send, 200, challenge)
        return await _respond(send, 403, "verification failed")


async def _read_body(receive) -> bytes | None:
    chunks, size = [], 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


async def _respond(send, status: int, text: str) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def serve(host: str = "127.0.0.1", port: int = 8088) -> None:
    """Run the receiver with uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(WebhookApp(), host=host, port=port, log_level="info")
