"""WhatsApp Cloud API webhook receiver: a small ASGI app served by `gaung webhook serve` (uvicorn, h11).

GET /webhooks/whatsapp/<tenant> answers Meta's verification handshake (hub.mode, hub.verify_token,
hub.challenge) against GAUNG_WHATSAPP_VERIFY_TOKEN. Every POST must carry X-Hub-Signature-256, the
HMAC-SHA256 of the raw body with GAUNG_WHATSAPP_APP_SECRET: missing is refused with 401, wrong with
403, before the tenant is looked at, so an unsigned caller learns nothing about which tenants exist. A
signed body must be a JSON object no deeper than MAX_DEPTH (else 400), so the landing folder never holds
a file the next ingest must reject. An accepted payload is written, exactly as received, to its own file
(owner-only) under the tenant's landing folder and flushed to disk before the 200, so nothing is lost
while ingestion is down; the next `gaung ingest` of that folder loads it.

Client input never gets a 500: bytes are compared as bytes (a non-ASCII token or signature is a 403),
bodies are bounded in size and time (413, 408), and a connection that does not finish its headers within
the header timeout is closed. The access log is the app's own and names the path only, never the query
(hub.verify_token); uvicorn's access log is off.

Why not Starlette: it would parse the same few headers and the query string for us, but the receiver's
risks are in its own rules (bytes vs text comparison, order of checks, nesting, timeouts), which a
framework does not decide; uvicorn already refuses malformed HTTP with 400, and Starlette is not among
the base dependencies (it comes only with the Airflow extra).
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
MAX_DEPTH = 64          # Meta's payloads nest 7 deep; the ingest refuses far deeper documents
HEADER_TIMEOUT = 10.0   # seconds for a connection to send a whole request line and headers
BODY_TIMEOUT = 30.0     # seconds for the body once the headers are in


def signature_ok(secret: str, body: bytes, header: bytes | str) -> bool:
    """Whether 'sha256=<hex>' is the HMAC-SHA256 of the body under the app secret (constant time, as bytes:
    a header with any byte at all is an answer, never an error)."""
    expected = b"sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest().encode()
    given = header.encode("utf-8", "surrogateescape") if isinstance(header, str) else header
    return hmac.compare_digest(expected, given.strip())


def json_object_problem(body: bytes) -> str | None:
    """Why a signed body cannot be landed (not JSON, not an object, nested too deep), or None."""
    try:
        doc = json.loads(body)
    except RecursionError:
        return f"body is nested too deeply (more than {MAX_DEPTH} levels)"
    except ValueError:  # JSONDecodeError and UnicodeDecodeError
        return "body is not JSON"
    if not isinstance(doc, dict):
        return "body is not a JSON object"
    stack = [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"body is nested too deeply (more than {MAX_DEPTH} levels)"
        children = value.values() if isinstance(value, dict) else value
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return None


def write_payload(landing: Path, body: bytes) -> Path:
    """The payload in its own owner-only file, written to a hidden temporary name, fsynced, then renamed."""
    now = datetime.now(UTC)
    folder = landing / "whatsapp" / "webhooks" / f"{now:%Y-%m-%d}"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = f"{time.time_ns()}-{hashlib.sha256(body).hexdigest()[:12]}.json"
    tmp = folder / f".{name}.tmp"
    with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as fh:
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

    def __init__(self, settings: Settings | None = None, *, body_timeout: float = BODY_TIMEOUT):
        self.settings = settings or Settings()
        self.body_timeout = body_timeout
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
        status = await self._handle(scope, receive, send)
        # The access log names the path only: the query holds hub.verify_token.
        log.info("%s %s %s", scope.get("method"), scope.get("path"), status if status else "(client gone)")

    async def _handle(self, scope, receive, send) -> int | None:
        match = PATH.match(scope["path"])
        if not match:
            return await _respond(send, 404, "unknown path; use /webhooks/whatsapp/<tenant-id>")
        tenant_id = match.group(1)
        if scope["method"] == "GET":
            return await self._verify(scope, send, tenant_id)
        if scope["method"] != "POST":
            return await _respond(send, 405, "use GET for verification or POST for events")
        headers = dict(scope.get("headers", []))  # names are lower-case bytes in ASGI
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > MAX_BODY:
            return await _respond(send, 413, "payload too large")
        try:
            body = await asyncio.wait_for(_read_body(receive), self.body_timeout)
        except TimeoutError:
            return await _respond(send, 408, "the body did not arrive in time")
        except _Disconnected:
            return None
        if body is None:
            return await _respond(send, 413, "payload too large")
        secret = self.settings.whatsapp_app_secret
        if not secret:
            log.error("GAUNG_WHATSAPP_APP_SECRET is not set: payloads cannot be checked and are refused")
            return await _respond(send, 503, "receiver not configured: set GAUNG_WHATSAPP_APP_SECRET")
        signature = headers.get(b"x-hub-signature-256")
        if not signature:
            return await _respond(send, 401, "missing X-Hub-Signature-256")
        if not signature_ok(secret, body, signature):
            log.warning("payload with a wrong signature refused")
            return await _respond(send, 403, "signature does not match")
        # Only a caller holding the app secret gets this far: telling it a tenant is unknown reveals nothing.
        if not self._known(tenant_id):
            return await _respond(send, 404, "unknown tenant; use /webhooks/whatsapp/<tenant-id>")
        problem = json_object_problem(body)
        if problem:
            log.warning("%s: signed payload refused: %s", tenant_id, problem)
            return await _respond(send, 400, problem)
        try:
            await asyncio.to_thread(write_payload, self.settings.landing_dir(tenant_id), body)
        except OSError as exc:
            log.error("%s: payload could not be stored (%s); Meta will retry", tenant_id, exc.strerror or exc)
            return await _respond(send, 503, "payload could not be stored; retry later")
        return await _respond(send, 200, "EVENT_RECEIVED")

    async def _verify(self, scope, send, tenant_id: str) -> int:
        # latin-1 both ways maps every byte to itself: the values come back as the exact bytes sent
        query = urllib.parse.parse_qs(scope.get("query_string", b"").decode("latin-1"), encoding="latin-1")
        mode, token, challenge = (query.get(k, [""])[0].encode("latin-1")
                                  for k in ("hub.mode", "hub.verify_token", "hub.challenge"))
        expected = self.settings.whatsapp_verify_token
        if not expected:
            return await _respond(send, 403, "verification not configured: set GAUNG_WHATSAPP_VERIFY_TOKEN")
        if mode != b"subscribe" or not hmac.compare_digest(token, expected.encode()):
            return await _respond(send, 403, "verification failed")
        if not self._known(tenant_id):
            return await _respond(send, 404, "unknown tenant; use /webhooks/whatsapp/<tenant-id>")
        return await _respond(send, 200, challenge)


class _Disconnected(Exception):
    """The client went away before its body was complete."""


async def _read_body(receive) -> bytes | None:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


async def _respond(send, status: int, text: str | bytes) -> int:
    body = text if isinstance(text, bytes) else text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
                            (b"x-content-type-options", b"nosniff")]})
    await send({"type": "http.response.body", "body": body})
    return status


def _header_timed_protocol(header_timeout: float):
    """uvicorn's h11 protocol with a header timeout: uvicorn times out idle keep-alive connections, but not
    one that opens and trickles its request line and headers (slowloris); this one closes it."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class HeaderTimedH11(H11Protocol):
        _header_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self.conn.their_state is h11.IDLE:
                self._arm()      # waiting for (the rest of) a request's headers
            else:
                self._disarm()   # headers complete: the app's body timeout takes over

        def connection_lost(self, exc) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            if self._header_timer is None:
                self._header_timer = self.loop.call_later(header_timeout, self._expired)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _expired(self) -> None:
            self._header_timer = None
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                self.transport.close()

    return HeaderTimedH11


def server_config(app, host: str = "127.0.0.1", port: int = 8088, *, header_timeout: float = HEADER_TIMEOUT,
                  log_level: str = "info"):
    """The uvicorn configuration the receiver runs under: h11 with a header timeout, no uvicorn access log."""
    import uvicorn

    return uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=False, lifespan="off",
                          http=_header_timed_protocol(header_timeout), timeout_keep_alive=5,
                          limit_concurrency=2000, backlog=2048)


def serve(host: str = "127.0.0.1", port: int = 8088) -> None:
    """Run the receiver with uvicorn until interrupted."""
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    uvicorn.Server(server_config(WebhookApp(), host, port)).run()
