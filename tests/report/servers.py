"""A fake WhatsApp Cloud API (Graph API media upload and messages) and a minimal SMTP server, on loopback."""

from __future__ import annotations

import email
import json
import socketserver
import threading
from collections import defaultdict


class FakeGraph:
    """POST /{phone_id}/media and /{phone_id}/messages; faults maps 'media'/'messages' to statuses to answer first."""

    def __init__(self, token: str = "good-token"):
        self.token = token
        self.faults: dict[str, list[int]] = defaultdict(list)
        self.hits: list[str] = []
        self.uploads: list[bytes] = []
        self.messages: list[dict] = []

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        kind = scope["path"].rstrip("/").rsplit("/", 1)[-1]
        self.hits.append(kind)
        if self.faults[kind]:
            status = self.faults[kind].pop(0)
            extra = [(b"retry-after", b"0")] if status == 429 else []
            return await self._send(send, status, {"error": {"message": "try later", "code": status}}, extra)
        if headers.get("authorization") != f"Bearer {self.token}":
            return await self._send(send, 401, {"error": {"message": "Error validating access token: Session has expired",
                                                          "type": "OAuthException", "code": 190}})
        if kind == "media":
            self.uploads.append(body)
            return await self._send(send, 200, {"id": f"media-{len(self.uploads)}"})
        if kind == "messages":
            self.messages.append(json.loads(body))
            return await self._send(send, 200, {"messaging_product": "whatsapp",
                                                "messages": [{"id": f"wamid.{len(self.messages)}"}]})
        return await self._send(send, 404, {"error": {"message": "no such path"}})

    @staticmethod
    async def _send(send, status, doc, extra=()):
        body = json.dumps(doc).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                *extra]})
        await send({"type": "http.response.body", "body": body})


class SmtpServer:
    """Just enough SMTP (EHLO, MAIL, RCPT, DATA, QUIT) on 127.0.0.1 to receive messages; `busy` answers 421 first."""

    def __init__(self, busy: int = 0):
        self.received: list[email.message.Message] = []
        self.busy = busy
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                def say(line: str) -> None:
                    self.wfile.write((line + "\r\n").encode())

                if outer.busy:
                    outer.busy -= 1
                    say("421 busy, try later")
                    return
                say("220 localhost test SMTP")
                while True:
                    line = self.rfile.readline().decode(errors="replace").strip()
                    if not line:
                        return
                    verb = line.split(" ", 1)[0].upper()
                    if verb in ("EHLO", "HELO"):
                        say("250-localhost")
                        say("250 8BITMIME")
                    elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                        say("250 OK")
                    elif verb == "DATA":
                        say("354 go ahead")
                        data = b""
                        while True:
                            chunk = self.rfile.readline()
                            if chunk in (b".\r\n", b".\n", b""):
                                break
                            data += chunk[1:] if chunk.startswith(b"..") else chunk
                        outer.received.append(email.message_from_bytes(data))
                        say("250 queued")
                    elif verb == "QUIT":
                        say("221 bye")
                        return
                    else:
                        say("502 not implemented")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
