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
# Query parameters that carry a credential: Meta's `paging.next` links and every request URL hold access_token.
SECRET_NAMES = ("access_token", "refresh_token", "token", "sign", "client_secret", "app_secret", "partner_key",
                "appsecret_proof", "fb_exchange_token")
SECRET_PARAMS = re.compile(r"(?:(?<![A-Za-z0-9_])|(?<=%3F)|(?<=%26))(" + "|".join(SECRET_NAMES) + r")(=|%3D)((?:(?!%26)[^&\s\"'<>#])+)",
                           re.IGNORECASE)
SECRET_JSON = re.compile(r'("(?:' + "|".join(SECRET_NAMES) + r')"\s*:\s*")[^"]*(")', re.IGNORECASE)
BEARER = re.compile(r"(?i)\b(bearer|oauth)\s+[A-Za-z0-9\-._~+/]{8,}=*")


class ApiError(RuntimeError):
    """An API call failed in a way retrying will not fix; the message names the service and the cause."""


class TokenError(ApiError):
    """The token is missing, expired or lacks permission."""


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """A URL or message with every token-like parameter, bearer token and given secret value replaced by ***."""
    for value in secrets:
        if value and len(value) >= 4:
            text = text.replace(value, "***")
    text = SECRET_PARAMS.sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)
    text = SECRET_JSON.sub(lambda m: f"{m.group(1)}***{m.group(2)}", text)
    return BEARER.sub(lambda m: f"{m.group(1)} ***", text)


def redact_json(value, secrets: tuple[str, ...] = ()):
    """A JSON document with redact() applied to every string in it (keys kept): what an API page lands as."""
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, dict):
        return {k: ("***" if isinstance(k, str) and k.lower() in SECRET_NAMES and isinstance(v, str) and v else
                    redact_json(v, secrets)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_json(v, secrets) for v in value]
    return value


class _RedactingFilter(logging.Filter):
    """httpx logs every request URL at INFO, access_token included: the record is redacted before any handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        return True


for _name in ("httpx", "httpcore"):
    if not any(isinstance(f, _RedactingFilter) for f in logging.getLogger(_name).filters):
        logging.getLogger(_name).addFilter(_RedactingFilter())


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
        """The JSON body of a successful call, tokens in it redacted; retries what can be retried, raises
        ApiError/TokenError otherwise (their messages never hold a token)."""
        secrets = _secrets_of(kwargs)
        try:
            return redact_json(self._request(method, url, secrets, **kwargs), secrets)
        except ApiError as exc:
            clean = redact(str(exc), secrets)
            if clean == str(exc):
                raise
            raise type(exc)(clean) from None

    def _request(self, method: str, url: str, secrets: tuple[str, ...], **kwargs) -> dict:
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


def _secrets_of(kwargs: dict) -> tuple[str, ...]:
    """The credential values one request carries (token parameters, Authorization header), to scrub from what
    it returns or raises."""
    found = []
    params = kwargs.get("params") or {}
    for key, value in (params.items() if isinstance(params, dict) else params):
        if str(key).lower() in SECRET_NAMES and value:
            found.append(str(value))
    for key, value in (kwargs.get("headers") or {}).items():
        if str(key).lower() == "authorization" and value:
            found.append(str(value).split(" ", 1)[-1])
    return tuple(sorted(set(found), key=len, reverse=True))


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
