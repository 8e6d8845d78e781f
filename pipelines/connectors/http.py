"""One small HTTP client layer for every platform API: timeouts, retries with jittered exponential
backoff on 5xx and network errors, 429 with Retry-After, Meta's usage headers, and errors that say
what to do without ever printing a token."""

from __future__ import annotations

import email.utils
import json
import logging
import random
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime

import httpx

log = logging.getLogger("gaung.connectors")
SECRET_PARAMS = re.compile(r"(access_token|token|sign|client_secret|partner_key)=([^&\s]+)", re.IGNORECASE)


class ApiError(RuntimeError):
    """An API call failed in a way retrying will not fix; the message names the service and the cause."""


class TokenError(ApiError):
    """The token is missing, expired or lacks permission."""


def redact(text: str) -> str:
    """A URL or message with every token-like parameter replaced by ***."""
    return SECRET_PARAMS.sub(lambda m: f"{m.group(1)}=***", text)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, (when - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def meta_usage_pct(response: httpx.Response) -> float:
    """The highest usage percentage Meta reports in X-App-Usage / X-Business-Use-Case-Usage (0 if none)."""
    highest = 0.0
    for header in ("X-App-Usage", "X-Ad-Account-Usage", "X-Business-Use-Case-Usage"):
        raw = response.headers.get(header)
        if not raw:
            continue
        try:
            doc = json.loads(raw)
        except json.JSONDecodeError:
            continue
        items = [doc] if isinstance(doc, dict) and "call_count" in doc else [
            u for v in (doc.values() if isinstance(doc, dict) else []) for u in (v if isinstance(v, list) else [v])]
        for usage in items:
            if isinstance(usage, dict):
                for key in ("call_count", "total_time", "total_cputime", "acc_id_util_pct"):
                    if isinstance(usage.get(key), int | float):
                        highest = max(highest, float(usage[key]))
    return highest


class ApiClient:
    """Retrying JSON client for one service (`name` appears in errors)."""

    def __init__(self, name: str, base_url: str, *, timeout: float = 30.0, max_attempts: int = 5,
                 backoff: float = 1.0, max_backoff: float = 60.0, sleep: Callable[[float], None] = time.sleep,
                 token_hint: str = "", transport: httpx.BaseTransport | None = None, usage_throttle_pct: float = 90.0):
        self.name = name
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.sleep = sleep
        self.token_hint = token_hint
        self.usage_throttle_pct = usage_throttle_pct
        self.http = httpx.Client(base_url=base_url, timeout=timeout, transport=transport,
                                 headers={"User-Agent": "gaung/0.1 (+https://github.com/gaung)"})
        self.calls = 0

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _wait(self, attempt: int, floor: float | None = None) -> None:
        delay = min(self.max_backoff, self.backoff * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0)
        self.sleep(max(delay, floor or 0.0))

    def request(self, method: str, url: str, **kwargs) -> dict:
        """The JSON body of a successful call; retries what can be retried, raises ApiError/TokenError otherwise."""
        last = ""
        for attempt in range(1, self.max_attempts + 1):
            self.calls += 1
            try:
                response = self.http.request(method, url, **kwargs)
            except httpx.TransportError as exc:  # timeouts, refused and reset connections
                last = f"{type(exc).__name__}"
                log.warning("%s: %s on attempt %d, retrying", self.name, last, attempt)
                self._wait(attempt)
                continue
            where = redact(str(response.request.url))
            if response.status_code == 429:
                last = "rate limited (429)"
                self._wait(attempt, floor=_retry_after(response))
                continue
            if response.status_code >= 500:
                last = f"server error {response.status_code}"
                self._wait(attempt, floor=_retry_after(response))
                continue
            body = self._json(response, where)
            if response.status_code in (401, 403) or _token_problem(body):
                raise TokenError(
                    f"{self.name}: the access token was refused ({response.status_code}: {_message(body)}). "
                    f"It may have expired or lack permissions; renew it and set {self.token_hint or 'the token variable'}.")
            if response.status_code >= 400:
                raise ApiError(f"{self.name}: {method} {where} failed with {response.status_code}: {_message(body)}")
            usage = meta_usage_pct(response)
            if usage >= self.usage_throttle_pct:
                log.warning("%s: usage at %.0f%% of the rate limit, pausing", self.name, usage)
                self.sleep(min(self.max_backoff, 60.0))
            return body
        raise ApiError(f"{self.name}: gave up after {self.max_attempts} attempts ({last}); try again later")

    def _json(self, response: httpx.Response, where: str) -> dict:
        try:
            body = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ApiError(f"{self.name}: {where} answered {response.status_code} with a body that is not JSON "
                           f"({response.text[:120]!r})") from None
        if not isinstance(body, dict):
            raise ApiError(f"{self.name}: {where} answered with JSON that is not an object")
        return body


def _message(body: dict) -> str:
    err = body.get("error")
    if isinstance(err, dict):
        return str(err.get("message") or err.get("code") or err)
    return str(body.get("message") or err or "no message")


def _token_problem(body: dict) -> bool:
    """Meta answers expired tokens with error code 190; TikTok with access_token_invalid; Shopee with error_auth."""
    err = body.get("error")
    if isinstance(err, dict):
        return err.get("code") in (190, 102, "access_token_invalid", "scope_not_authorized")
    return isinstance(err, str) and err.startswith(("error_auth", "error_permission", "invalid_access_token"))
