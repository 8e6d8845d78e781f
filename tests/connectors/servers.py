"""Local servers on loopback for connector tests: uvicorn in a thread, and a scriptable fake API."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import socket
import threading
import time
import urllib.parse
from collections import defaultdict

import uvicorn


class Running:
    """An ASGI app served on 127.0.0.1 at a free port until stop()."""

    def __init__(self, app, config=None):
        """config(app, host, port) gives the uvicorn.Config to serve under (default: a plain one)."""
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        sock.close()
        if config is None:
            config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="error",
                                    lifespan="off", limit_concurrency=2000, backlog=2048)
        else:
            config = config(app, "127.0.0.1", self.port)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("test server did not start")
            time.sleep(0.02)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


class FakeApi:
    """Graph API /media and /insights, TikTok /v2/video/list/ and Shopee get_comment, with faults on demand.

    faults maps a path prefix to a list of actions consumed one per request: an int status (429 sends
    Retry-After: 0), "slow" (answer after 1 s), "garbage" (not JSON), or "ok".
    """

    def __init__(self, pages: int = 3, per_page: int = 2, token: str = "good-token", partner_key: str = "pkey"):
        self.pages, self.per_page, self.token, self.partner_key = pages, per_page, token, partner_key
        self.faults: dict[str, list] = defaultdict(list)
        self.hits: list[str] = []
        self.reject_views = False
        self.metric_requests: list[list[str]] = []

    def media(self, i: int) -> dict:
        return {"id": f"1790000000000{i:04d}", "caption": f"post {i} #kopi", "comments_count": i, "like_count": 10 * i,
                "media_type": "VIDEO", "media_product_type": "REELS" if i % 2 else "FEED",
                "permalink": f"https://www.instagram.com/reel/CODE{i:04d}/", "username": "kopisenja",
                "timestamp": f"2026-11-{20 - i:02d}T10:00:00+0000"}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return
        path = scope["path"]
        query = urllib.parse.parse_qs(scope["query_string"].decode())
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.hits.append(path)
        for prefix, actions in self.faults.items():
            if path.startswith(prefix) and actions:
                action = actions.pop(0)
                if action == "slow":
                    await asyncio.sleep(1.0)
                elif action == "garbage":
                    return await self._send(send, 200, b"<html>oops</html>")
                elif isinstance(action, int):
                    extra = [(b"retry-after", b"0")] if action == 429 else []
                    return await self._send(send, action, json.dumps({"error": {"message": "fault", "code": action}}).encode(), extra)
        if path.startswith("/v2/video/list/"):
            return await self._tiktok(send, headers, body)
        if path.startswith("/api/v2/product/get_comment"):
            return await self._shopee(send, query)
        token = query.get("access_token", [""])[0]
        if token != self.token:
            return await self._send(send, 400, json.dumps({"error": {"message": "Error validating access token: Session has expired",
                                                                       "type": "OAuthException", "code": 190}}).encode())
        if path.endswith("/media"):
            start = int(query.get("after", ["0"])[0])
            items = [self.media(i) for i in range(start, min(start + self.per_page, self.pages * self.per_page))]
            paging = {"cursors": {"before": str(start), "after": str(start + self.per_page)}}
            if start + self.per_page < self.pages * self.per_page:
                # as Meta writes it: the next page's full URL, the caller's access token in its query
                paging["next"] = (f"https://graph.example/v23.0/178414/media?access_token={token}"
                                  f"&limit={self.per_page}&after={start + self.per_page}")
            return await self._send(send, 200, json.dumps({"data": items, "paging": paging}).encode(),
                                    [(b"x-app-usage", b'{"call_count": 12, "total_time": 5, "total_cputime": 3}')])
        if path.endswith("/insights"):
            media_id = path.strip("/").split("/")[0]
            metrics = query.get("metric", [""])[0].split(",")
            self.metric_requests.append(metrics)
            if self.reject_views and "views" in metrics:
                return await self._send(send, 400, json.dumps({"error": {"message": "(#100) metric[0] must be one of the following values: impressions, reach", "code": 100}}).encode())
            data = [{"name": m, "period": "lifetime", "values": [{"value": 7}], "id": f"{media_id}/insights/{m}/lifetime"} for m in metrics]
            return await self._send(send, 200, json.dumps({"data": data}).encode())
        return await self._send(send, 404, b'{"error": {"message": "no such path"}}')

    async def _tiktok(self, send, headers, body):
        if headers.get("authorization") != f"Bearer {self.token}":
            return await self._send(send, 401, json.dumps({"error": {"code": "access_token_invalid", "message": "expired"}}).encode())
        cursor = json.loads(body or b"{}").get("cursor", 0)
        n = self.pages * self.per_page
        videos = [{"id": f"73000000000000{i:05d}", "create_time": 1_790_000_000 - i * 3600, "title": f"video {i}",
                   "share_url": f"https://www.tiktok.com/@k/video/73000000000000{i:05d}?x=1", "duration": 15,
                   "like_count": i, "comment_count": 1, "share_count": 2, "view_count": 100 + i}
                  for i in range(cursor, min(cursor + self.per_page, n))]
        data = {"videos": videos, "cursor": cursor + self.per_page, "has_more": cursor + self.per_page < n}
        return await self._send(send, 200, json.dumps({"data": data, "error": {"code": "ok", "message": ""}}).encode())

    async def _shopee(self, send, query):
        q = {k: v[0] for k, v in query.items()}
        base = f"{q['partner_id']}/api/v2/product/get_comment{q['timestamp']}{q['access_token']}{q['shop_id']}"
        if not hmac.compare_digest(q.get("sign", ""), hmac.new(self.partner_key.encode(), base.encode(), hashlib.sha256).hexdigest()):
            return await self._send(send, 403, json.dumps({"error": "error_sign", "message": "wrong sign"}).encode())
        if q["access_token"] != self.token:
            return await self._send(send, 403, json.dumps({"error": "error_auth", "message": "invalid access_token"}).encode())
        start = int(q.get("cursor") or 0)
        n = self.pages * self.per_page
        comments = [{"comment_id": 5000 + i, "comment": f"Kemasan:rapi.\nenak kak {i}", "buyer_username": f"b*****{i}",
                     "item_id": 77, "model_id": 1, "create_time": 1_790_000_000 - i * 60, "rating_star": 5,
                     "comment_reply": {"reply": "makasih", "hidden": False, "create_time": 1_790_000_100}}
                    for i in range(start, min(start + self.per_page, n))]
        resp = {"item_comment_list": comments, "more": start + self.per_page < n, "next_cursor": str(start + self.per_page)}
        return await self._send(send, 200, json.dumps({"error": "", "message": "", "response": resp}).encode())

    @staticmethod
    async def _send(send, status, body: bytes, extra=()):
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *extra]})
        await send({"type": "http.response.body", "body": body})
