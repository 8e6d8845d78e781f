"""Instagram Graph API responses landed as JSON: /{ig-user-id}/media lists and /{media-id}/insights,
one response page per file or a list of pages (what people save when they follow `paging.next`).

Media timestamps are UTC ("2019-05-02T11:42:01+0000"). Insights give one value per metric; the
media id is the first part of each metric's id. `impressions` and `plays` were removed in April 2025
in favour of `views`; both generations are kept, and missing data (an empty list) stays missing.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from pipelines.ingest.base import FormatError, Hints, ParseResult, quarantine_frame
from pipelines.ingest.readers import load_json
from pipelines.ingest.schemas import CONTENT, from_rows
from pipelines.messages import Reason

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


def _pages(doc) -> list[dict] | None:
    """The response pages of a file: one page, or a list of pages of which at least one holds media or
    insights (the last page of a pagination is often empty)."""
    pages = doc if isinstance(doc, list) else [doc]
    if not all(isinstance(p, dict) and isinstance(p.get("data"), list) for p in pages):
        return None
    return pages if any(_shape(p) for p in pages) else None


def sniff(data: bytes, name: str, hints: Hints | None = None) -> float:
    """A Graph API page {"data": [...]} of media objects or insight metrics, or a list of such pages."""
    head = data[:65536]
    if head.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] not in (b"{", b"[") or b'"data"' not in head:
        return 0.0
    if not (b'"permalink"' in head or b'"media_type"' in head or b'"values"' in head):
        return 0.0
    try:
        return 0.85 if _pages(json.loads(data.decode("utf-8-sig", errors="replace"))) else 0.0
    except json.JSONDecodeError:
        return 0.0


def _ts(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.strptime(text.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S%z").astimezone(UTC).replace(tzinfo=None)


def _media_rows(page: dict, at: str, export_date) -> tuple[list[dict], list]:
    rows, quarantine = [], []
    for i, m in enumerate(page["data"]):
        loc = f"{at}/data/{i}"
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
            quarantine.append((loc, json.dumps(m, ensure_ascii=False)[:10000], Reason("reason_unreadable_media", error=str(exc))))
    return rows, quarantine


def _insights_row(page: dict, at: str, export_date) -> tuple[dict, list]:
    row: dict = {"locator": f"{at}/data", "source_format": FORMAT, "platform": "instagram", "observed_on": export_date,
                 "raw_json": json.dumps(page, ensure_ascii=False)}
    quarantine = []
    for i, metric in enumerate(page["data"]):
        if not isinstance(metric, dict):
            quarantine.append((f"{at}/data/{i}", json.dumps(metric)[:10000], Reason("reason_metric_not_object")))
            continue
        media_id = str(metric.get("id", "")).split("/insights", 1)[0] or None
        row["native_id"] = row.get("native_id") or media_id
        column = INSIGHT_COLUMNS.get(metric.get("name"))
        values = metric.get("values") or []
        if column and values and isinstance(values[0], dict) and values[0].get("value") is not None:
            value = values[0]["value"]
            row[column] = value / 1000 if column == "avg_watch_time_seconds" else value
    return row, quarantine


def parse(data: bytes, name: str, hints: Hints | None = None) -> ParseResult:
    """Media become content snapshots; an insights response becomes one snapshot of its media. In a list of
    pages, every page is read and locators start with the page's index (/2/data/0)."""
    doc = load_json(data)
    pages = _pages(doc)
    if pages is None:
        raise FormatError.of("file_not_graph_api_response")
    export_date = hints.export_date if hints else None
    rows, quarantine, shapes = [], [], []
    for p, page in enumerate(pages):
        at = f"/{p}" if isinstance(doc, list) else ""
        shape = _shape(page)
        if shape == "media":
            found, bad = _media_rows(page, at, export_date)
            rows += found
        elif shape == "insights":
            row, bad = _insights_row(page, at, export_date)
            if row.get("native_id"):
                rows.append(row)
            elif not at:
                raise FormatError.of("file_insights_without_media_id")
            else:
                bad.append((f"{at}/data", json.dumps(page, ensure_ascii=False)[:10000],
                            Reason("reason_insights_no_media_id")))
        else:
            bad = [(at, json.dumps(page, ensure_ascii=False)[:10000], Reason("reason_page_empty"))
                   ] if page["data"] else []
        quarantine += bad
        if shape and shape not in shapes:
            shapes.append(shape)
    pages_read = f" from {len(pages)} pages" if isinstance(doc, list) else ""
    return ParseResult(FORMAT, {CONTENT: from_rows(CONTENT, rows)}, quarantine_frame(quarantine),
                       [f"{' and '.join(shapes)}: {len(rows)} rows{pages_read}"])
