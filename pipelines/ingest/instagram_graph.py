"""Instagram Graph API responses landed as JSON: /{ig-user-id}/media lists and /{media-id}/insights.

Media timestamps are UTC ("2019-05-02T11:42:01+0000"). Insights give one value per metric; the
media id is the first part of each metric's id. `impressions` and `plays` were removed in April 2025
in favour of `views`; both generations are kept, and missing data (an empty list) stays missing.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from pipelines.ingest.base import FormatError, Hints, ParseResult, quarantine_frame
from pipelines.ingest.schemas import CONTENT, from_rows
from pipelines.ingest.tabular import load_json

FORMAT = "instagram_graph_api"
INSIGHT_COLUMNS = {
    "views": "views", "reach": "reach", "likes": "likes", "comments": "comments", "shares": "shares",
    "saved": "saves", "follows": "follows", "impressions": "impressions", "plays": "plays",
    "ig_reels_avg_watch_time": "avg_watch_time_seconds", "profile_visits": "profile_views",
}


def _shape(doc) -> str | None:
    data = doc.get("data") if isinstance(doc, dict) else None
    if not isinstance(data, list) or not data or not isinstance(data[0], dict):
        return None
    if "permalink" in data[0] or "media_type" in data[0] or "like_count" in data[0]:
        return "media"
    if "name" in data[0] and "values" in data[0]:
        return "insights"
    return None


def sniff(data: bytes, name: str, hints: Hints | None = None) -> float:
    """A Graph API page: {"data": [...]} of media objects or insight metrics."""
    head = data[:65536]
    if not head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"{") or b'"data"' not in head:
        return 0.0
    if not (b'"permalink"' in head or b'"media_type"' in head or b'"values"' in head):
        return 0.0
    try:
        return 0.85 if _shape(json.loads(data.decode("utf-8-sig", errors="replace"))) else 0.0
    except json.JSONDecodeError:
        return 0.0


def _ts(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.strptime(text.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S%z").astimezone(UTC).replace(tzinfo=None)


def parse(data: bytes, name: str, hints: Hints | None = None) -> ParseResult:
    """Media become content snapshots; an insights response becomes one snapshot of its media."""
    doc = load_json(data)
    shape = _shape(doc)
    if shape is None:
        raise FormatError('expected a Graph API response {"data": [...]} of media or insights')
    export_date = hints.export_date if hints else None
    rows, quarantine = [], []
    if shape == "media":
        for i, m in enumerate(doc["data"]):
            loc = f"/data/{i}"
            try:
                if not isinstance(m, dict) or not m.get("id"):
                    raise ValueError("media has no id")
                rows.append({
                    "locator": loc, "source_format": FORMAT, "platform": "instagram", "native_id": str(m["id"]),
                    "url": m.get("permalink"), "account": m.get("username"), "title": m.get("caption"),
                    "post_type": (m.get("media_product_type") or m.get("media_type") or "").lower() or None,
                    "posted_at_utc": _ts(m.get("timestamp")), "observed_on": export_date,
                    "likes": m.get("like_count"), "comments": m.get("comments_count"),
                    "raw_json": json.dumps(m, ensure_ascii=False),
                })
            except (ValueError, TypeError) as exc:
                quarantine.append((loc, json.dumps(m, ensure_ascii=False)[:10000], f"unreadable media: {exc}"))
    else:
        row: dict = {"locator": "/data", "source_format": FORMAT, "platform": "instagram", "observed_on": export_date,
                     "raw_json": json.dumps(doc, ensure_ascii=False)}
        for i, metric in enumerate(doc["data"]):
            if not isinstance(metric, dict):
                quarantine.append((f"/data/{i}", json.dumps(metric)[:10000], "a metric must be an object"))
                continue
            media_id = str(metric.get("id", "")).split("/insights", 1)[0] or None
            row["native_id"] = row.get("native_id") or media_id
            column = INSIGHT_COLUMNS.get(metric.get("name"))
            values = metric.get("values") or []
            if column and values and isinstance(values[0], dict) and values[0].get("value") is not None:
                value = values[0]["value"]
                row[column] = value / 1000 if column == "avg_watch_time_seconds" else value
        if not row.get("native_id"):
            raise FormatError("insights response names no media id (each metric's 'id' starts with it)")
        rows.append(row)
    return ParseResult(FORMAT, {CONTENT: from_rows(CONTENT, rows)}, quarantine_frame(quarantine),
                       [f"{shape}: {len(rows)} rows"])
