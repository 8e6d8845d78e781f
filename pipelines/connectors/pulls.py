"""Incremental pulls from Instagram Graph API, TikTok Display API v2 and Shopee Open Platform v2.

Each page is landed as a file in the tenant's landing folder (landing/<tenant>/api/<source>/<day>/) and
the pull state is saved after every page: an interrupted pull resumes at the next page, and a finished
one remembers the newest item so the next pull stops where this one began.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from pipelines.connectors.http import ApiClient, ApiError
from pipelines.connectors.io import find_secret, get_state, land, save_state, secret

MEDIA_FIELDS = "id,caption,comments_count,like_count,media_type,media_product_type,permalink,timestamp,username"
# Since April 2025 Graph API answers `views`; `impressions` and `plays` were removed.
INSIGHT_METRICS = ["views", "reach", "likes", "comments", "shares", "saved", "total_interactions", "follows"]
REEL_METRICS = ["views", "reach", "likes", "comments", "shares", "saved", "total_interactions", "ig_reels_avg_watch_time"]
LEGACY_METRICS = ["impressions", "reach", "likes", "comments", "shares", "saved"]
TIKTOK_FIELDS = "id,create_time,title,video_description,share_url,duration,like_count,comment_count,share_count,view_count"
SHOPEE_PATH = "/api/v2/product/get_comment"
# Credentials each API source needs (GAUNG_<NAME>[__<TENANT>], or the Airflow connection named).
CREDENTIALS: dict[str, tuple[tuple[str, str | None], ...]] = {
    "instagram": (("INSTAGRAM_TOKEN", "gaung_instagram"),),
    "tiktok": (("TIKTOK_TOKEN", "gaung_tiktok"),),
    "shopee": (("SHOPEE_PARTNER_ID", None), ("SHOPEE_PARTNER_KEY", None), ("SHOPEE_ACCESS_TOKEN", "gaung_shopee")),
}
# Ids each API source needs in tenants.toml ([tenants.<id>.api]).
TENANT_IDS = {"instagram": "instagram_user_id", "shopee": "shopee_shop_id"}


@dataclass
class PullResult:
    source: str
    pages: int = 0
    items: int = 0
    files: list[Path] = field(default_factory=list)


def _resume(con, tenant_id: str, source: str) -> tuple[str | None, str | None, str | None]:
    watermark, cursor = get_state(con, tenant_id, source)
    if cursor:
        state = json.loads(cursor)
        return watermark, state.get("after"), state.get("newest")
    return watermark, None, None


def _checkpoint(con, tenant_id, source, watermark, after, newest, now) -> None:
    save_state(con, tenant_id, source, watermark=watermark, pages=1, now=now,
               cursor=json.dumps({"after": after, "newest": newest}) if after is not None else None)


def _scan_epochs(items: list[dict], key: str, watermark: str | None, newest: str | None) -> tuple[int, bool, str | None]:
    """(new items, whether the watermark was reached, newest epoch so far) for a page sorted newest first."""
    fresh, reached = 0, False
    for item in items:
        created = int(item.get(key) or 0)
        newest = str(max(int(newest or 0), created)) if created or newest else newest
        if watermark and created <= int(watermark):
            reached = True
        else:
            fresh += 1
    return fresh, reached, newest


def _final_epoch(watermark: str | None, newest: str | None) -> str | None:
    return str(max(int(watermark or 0), int(newest or 0))) if (watermark or newest) else None


def pull_instagram(client: ApiClient, con: duckdb.DuckDBPyConnection, tenant_id: str, user_id: str, token: str,
                   landing: Path, now: datetime, insights_days: int = 30) -> PullResult:
    """Media pages newest first until the watermark; insights for media younger than insights_days."""
    source, out = "instagram", PullResult("instagram")
    watermark, after, newest = _resume(con, tenant_id, source)
    folder = landing / "api" / source
    cutoff = (now - timedelta(days=insights_days)).strftime("%Y-%m-%dT%H:%M:%S+0000")
    while True:
        params = {"fields": MEDIA_FIELDS, "limit": 50, "access_token": token} | ({"after": after} if after else {})
        page = client.request("GET", f"/{user_id}/media", params=params)
        media = page.get("data")
        if not isinstance(media, list):
            raise ApiError("Instagram: /media answered without a 'data' list")
        out.files.append(land(folder, "instagram-media", page, now))
        out.pages += 1
        reached_known = False
        for m in media:
            stamp = str(m.get("timestamp") or "")
            newest = max(newest or "", stamp) or None
            if watermark and stamp and stamp <= watermark and stamp < cutoff:
                reached_known = True
                continue
            out.items += 1
            if stamp >= cutoff and m.get("id"):
                out.files.append(land(folder, "instagram-insights", _insights(client, m, token), now))
        paging = page.get("paging") or {}
        after = (paging.get("cursors") or {}).get("after") if paging.get("next") and not reached_known else None
        _checkpoint(con, tenant_id, source, watermark, after, newest, now)
        if after is None:
            break
    save_state(con, tenant_id, source, watermark=max(watermark or "", newest or "") or None, cursor=None, pages=0, now=now)
    return out


def _insights(client: ApiClient, media: dict, token: str) -> dict:
    metrics = REEL_METRICS if str(media.get("media_product_type", "")).upper() == "REELS" else INSIGHT_METRICS
    try:
        return client.request("GET", f"/{media['id']}/insights", params={"metric": ",".join(metrics), "access_token": token})
    except ApiError as exc:
        if "metric" not in str(exc).lower():
            raise
        # An API version from before April 2025 does not know `views`: ask for the metrics it had.
        return client.request("GET", f"/{media['id']}/insights", params={"metric": ",".join(LEGACY_METRICS), "access_token": token})


def _pull_epoch_pages(con: duckdb.DuckDBPyConnection, tenant_id: str, source: str, kind: str, landing: Path,
                      now: datetime, fetch_page: Callable[[str | None], tuple[dict, list, str | None]]) -> PullResult:
    """Pages sorted newest first, each item stamped with an epoch `create_time`, until the watermark: every page
    landed and checkpointed, the watermark moved at the end. fetch_page(cursor) returns (the whole page, its
    items, the cursor of the next page or None); `kind` names the landed files ('tiktok-videos')."""
    out = PullResult(source)
    watermark, after, newest = _resume(con, tenant_id, source)
    folder = landing / "api" / source
    while True:
        page, items, following = fetch_page(after)
        out.files.append(land(folder, f"{source}-{kind}", page, now))
        out.pages += 1
        fresh, reached_known, newest = _scan_epochs(items, "create_time", watermark, newest)
        out.items += fresh
        after = following if not reached_known else None
        _checkpoint(con, tenant_id, source, watermark, after, newest, now)
        if after is None:
            break
    save_state(con, tenant_id, source, watermark=_final_epoch(watermark, newest), cursor=None, pages=0, now=now)
    return out


def _listed(part: dict, key: str, complaint: str) -> list:
    """The list a page holds under `key`, or ApiError(complaint) when the API answered without one."""
    items = part.get(key)
    if not isinstance(items, list):
        raise ApiError(complaint)
    return items


def pull_tiktok(client: ApiClient, con: duckdb.DuckDBPyConnection, tenant_id: str, token: str, landing: Path,
                now: datetime) -> PullResult:
    """The account's videos newest first (cursor pagination) until the watermark."""
    def fetch_page(after: str | None) -> tuple[dict, list, str | None]:
        body = {"max_count": 20} | ({"cursor": int(after)} if after else {})
        page = client.request("POST", "/v2/video/list/", params={"fields": TIKTOK_FIELDS}, json=body,
                              headers={"Authorization": f"Bearer {token}"})
        err = page.get("error") or {}
        if err.get("code") not in (None, "ok"):
            raise ApiError(f"TikTok: {err.get('code')}: {err.get('message')}")
        data = page.get("data") or {}
        videos = _listed(data, "videos", "TikTok: /v2/video/list/ answered without data.videos")
        return page, videos, str(data.get("cursor")) if data.get("has_more") else None

    return _pull_epoch_pages(con, tenant_id, "tiktok", "videos", landing, now, fetch_page)


def shopee_sign(partner_id: int, path: str, timestamp: int, access_token: str, shop_id: int, partner_key: str) -> str:
    """Shopee Open Platform v2 shop-level signature: HMAC-SHA256 of partner_id, path, timestamp, token, shop_id."""
    base = f"{partner_id}{path}{timestamp}{access_token}{shop_id}"
    return hmac.new(partner_key.encode(), base.encode(), hashlib.sha256).hexdigest()


def pull_shopee(client: ApiClient, con: duckdb.DuckDBPyConnection, tenant_id: str, *, partner_id: int,
                partner_key: str, access_token: str, shop_id: int, landing: Path, now: datetime,
                clock=time.time) -> PullResult:
    """Product comments (newest first, cursor pagination) until the watermark; every request signed."""
    def fetch_page(after: str | None) -> tuple[dict, list, str | None]:
        ts = int(clock())
        params = {"partner_id": partner_id, "timestamp": ts, "access_token": access_token, "shop_id": shop_id,
                  "sign": shopee_sign(partner_id, SHOPEE_PATH, ts, access_token, shop_id, partner_key),
                  "page_size": 100, "cursor": after or ""}
        page = client.request("GET", SHOPEE_PATH, params=params)
        if page.get("error"):
            raise ApiError(f"Shopee: {page.get('error')}: {page.get('message')}")
        resp = page.get("response") or {}
        comments = _listed(resp, "item_comment_list", "Shopee: get_comment answered without response.item_comment_list")
        return page, comments, str(resp.get("next_cursor")) if resp.get("more") else None

    return _pull_epoch_pages(con, tenant_id, "shopee", "comments", landing, now, fetch_page)


def configured_sources(tenant, environ=None) -> list[str]:
    """The API sources this tenant can be pulled from now: its ids in tenants.toml and every credential set."""
    return [source for source, needs in CREDENTIALS.items()
            if (source not in TENANT_IDS or tenant.api.get(TENANT_IDS[source]))
            and all(find_secret(name, tenant.id, airflow_conn=conn, environ=environ) for name, conn in needs)]


def _credentials(tenant, source: str) -> dict[str, str]:
    """The source's credentials for this tenant (CREDENTIALS), or a TokenError naming the one to set."""
    return {name: secret(name, tenant.id, airflow_conn=conn) for name, conn in CREDENTIALS[source]}


def pull_tenant(tenant, con: duckdb.DuckDBPyConnection, *, landing: Path, sources: list[str], urls: dict[str, str],
                now: datetime | None = None, transport=None, sleep=time.sleep) -> list[PullResult]:
    """Every requested source the tenant is configured for; credentials from the environment."""
    now = now or datetime.now(UTC)
    results = []
    api = tenant.api
    for source in sources:
        if source == "instagram":
            user_id = str(api.get("instagram_user_id") or "")
            if not user_id:
                raise ApiError(f"{tenant.id}: set api.instagram_user_id in tenants.toml to pull from Instagram")
            token = _credentials(tenant, source)["INSTAGRAM_TOKEN"]
            with ApiClient("Instagram", urls["instagram"], sleep=sleep, transport=transport,
                           token_hint="GAUNG_INSTAGRAM_TOKEN") as client:
                results.append(pull_instagram(client, con, tenant.id, user_id, token, landing, now))
        elif source == "tiktok":
            token = _credentials(tenant, source)["TIKTOK_TOKEN"]
            with ApiClient("TikTok", urls["tiktok"], sleep=sleep, transport=transport, token_hint="GAUNG_TIKTOK_TOKEN") as client:
                results.append(pull_tiktok(client, con, tenant.id, token, landing, now))
        elif source == "shopee":
            shop_id = api.get("shopee_shop_id")
            if not shop_id:
                raise ApiError(f"{tenant.id}: set api.shopee_shop_id in tenants.toml to pull from Shopee")
            creds = _credentials(tenant, source)
            with ApiClient("Shopee", urls["shopee"], sleep=sleep, transport=transport,
                           token_hint="GAUNG_SHOPEE_ACCESS_TOKEN") as client:
                results.append(pull_shopee(
                    client, con, tenant.id, partner_id=int(creds["SHOPEE_PARTNER_ID"]),
                    partner_key=creds["SHOPEE_PARTNER_KEY"], access_token=creds["SHOPEE_ACCESS_TOKEN"],
                    shop_id=int(shop_id), landing=landing, now=now))
        else:
            raise ApiError(f"unknown source {source!r}; use instagram, tiktok or shopee")
    return results
