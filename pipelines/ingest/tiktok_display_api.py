"""TikTok Display API v2 /v2/video/list/ responses landed by `gaung pull` (or saved by hand):
{"data": {"videos": [{id, create_time, title, video_description, share_url, duration, like_count,
comment_count, share_count, view_count}], "cursor", "has_more"}, "error": {...}}."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from pipelines.ingest.base import FormatError, Hints, ParseResult, quarantine_frame
from pipelines.ingest.readers import load_json
from pipelines.ingest.schemas import CONTENT, from_rows
from pipelines.messages import Reason

FORMAT = "tiktok_display_api"


def sniff(data: bytes, name: str, hints: Hints | None = None) -> float:
    """A JSON object with data.videos carrying share_url or view_count."""
    head = data[:65536]
    if not head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"{") or b'"videos"' not in head:
        return 0.0
    return 0.9 if b'"share_url"' in head or b'"view_count"' in head else 0.0


def parse(data: bytes, name: str, hints: Hints | None = None) -> ParseResult:
    """One content snapshot per video, as of the pull."""
    doc = load_json(data)
    videos = ((doc.get("data") or {}).get("videos") if isinstance(doc, dict) else None)
    if not isinstance(videos, list):
        raise FormatError.of("file_tiktok_video_list")
    rows, quarantine = [], []
    for i, v in enumerate(videos):
        loc = f"/data/videos/{i}"
        try:
            if not isinstance(v, dict) or not v.get("id"):
                raise ValueError("video has no id")
            created = v.get("create_time")
            rows.append({
                "locator": loc, "source_format": FORMAT, "platform": "tiktok", "native_id": str(v["id"]),
                "url": (v.get("share_url") or "").split("?")[0] or None,
                "title": v.get("title") or v.get("video_description") or None, "post_type": "video",
                "posted_at_utc": datetime.fromtimestamp(int(created), tz=UTC).replace(tzinfo=None) if created else None,
                "observed_on": hints.export_date if hints else None, "views": v.get("view_count"),
                "likes": v.get("like_count"), "comments": v.get("comment_count"), "shares": v.get("share_count"),
                "duration_seconds": v.get("duration"), "raw_json": json.dumps(v, ensure_ascii=False),
            })
        except (ValueError, TypeError) as exc:
            quarantine.append((loc, json.dumps(v, ensure_ascii=False)[:10000], Reason("reason_unreadable_video", error=str(exc))))
    return ParseResult(FORMAT, {CONTENT: from_rows(CONTENT, rows)}, quarantine_frame(quarantine), [f"{len(rows)} videos"])
