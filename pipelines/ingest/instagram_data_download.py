"""Instagram "Download your information" JSON: posts, the account's comments, past insights.

Meta writes each UTF-8 byte as its own \\u00XX escape, so every string and key is re-encoded as
latin-1 and decoded as UTF-8 (kept as is when that fails). `string_map_data` keys are translated to
the account's language ("Comment"/"Komentar", "Time"/"Waktu"...). Timestamps are epoch seconds.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from pipelines.ingest.base import FormatError, Hints, ParseResult, quarantine_frame
from pipelines.ingest.readers import fix_meta_text, load_json
from pipelines.ingest.schemas import COMMENTS, CONTENT, from_rows
from pipelines.messages import Reason

FORMAT = "instagram_data_download"

_KEYS = {
    "comment": ["comment", "komentar", "kommentar", "comentario", "commentaire"],
    "owner": ["media owner", "pemilik media", "medieägare", "propietario del contenido"],
    "time": ["time", "waktu", "tid", "hora", "heure"],
    "reached": ["accounts reached", "akun yang dijangkau", "akun terjangkau", "nådda konton", "cuentas alcanzadas"],
    "impressions": ["impressions", "impresi", "intryck", "impresiones"],
    "likes": ["likes", "suka", "gilla-markeringar", "me gusta"],
    "comments": ["comments", "komentar", "kommentarer", "comentarios"],
    "shares": ["shares", "dibagikan", "delningar", "veces compartido"],
    "saves": ["saves", "disimpan", "sparade", "guardados"],
    "follows": ["follows", "mengikuti", "följningar", "seguimientos"],
    "profile_views": ["profile visits", "kunjungan profil", "profilbesök", "visitas al perfil"],
    # Meta's Indonesian UI says "Tayangan" for Views (which replaced Impressions and Plays); "Impresi" is impressions.
    "views": ["views", "tayangan", "tayangan video", "visningar", "visualizaciones"],
}


def _key(mapping: dict, field: str):
    lower = {str(k).strip().casefold(): v for k, v in mapping.items()}
    for alias in _KEYS[field]:
        if alias in lower:
            return lower[alias]
    return None


def _count(entry) -> int | None:
    value = entry.get("value") if isinstance(entry, dict) else entry
    if value is None:
        return None
    text = re.sub(r"[,.\s]", "", str(value))
    count = int(text) if re.fullmatch(r"-?\d+", text) else None
    return count if count is not None and abs(count) < 2**63 else None  # BIGINT in the warehouse


def _epoch(value) -> datetime | None:
    if value in (None, "", 0):
        return None
    return datetime.fromtimestamp(int(value), tz=UTC).replace(tzinfo=None)


_INSIGHT_METRICS = ("reached", "impressions", "likes", "shares", "saves", "follows", "profile_views", "views")


def _items(doc) -> list | None:
    if isinstance(doc, list):
        return doc
    return next((v for v in doc.values() if isinstance(v, list)), None) if isinstance(doc, dict) else None


def _kind(doc, name: str = "") -> str | None:
    """posts, comments or insights, from the file's place in the export and the shape of its entries.

    Comments and past insights both hold string_map_data, and in Indonesian both have a "Komentar" key
    (the comment's text, or the post's comment count): past insights are told apart by their folder
    (past_instagram_insights/), their top-level key (organic_insights_posts), media_map_data, or metric
    keys without a media owner."""
    items = _items(doc)
    if not items or not isinstance(items[0], dict):
        return None
    first = items[0]
    if "media" in first and isinstance(first["media"], list):
        return "posts"
    entries = [item for item in items[:20] if isinstance(item, dict) and isinstance(item.get("string_map_data"), dict)]
    if not entries:
        return None
    smd = {k: v for item in entries for k, v in item["string_map_data"].items()}
    path = name.replace("\\", "/").casefold()
    metrics = sum(_key(smd, f) is not None for f in _INSIGHT_METRICS)
    counted = metrics + (_key(smd, "comments") is not None)
    insights_place = ("past_instagram_insights/" in path or any("media_map_data" in item for item in entries)
                      or (isinstance(doc, dict) and any("insights" in str(k).casefold() for k in doc)))
    if counted and (insights_place or (metrics and _key(smd, "owner") is None)):
        return "insights"
    if _key(smd, "comment") is not None:
        return "comments"
    return "insights" if metrics else None


def _timestamp(smd: dict):
    """The first non-zero timestamp of string_map_data ("Creation Timestamp" in any language)."""
    return next((v["timestamp"] for v in smd.values() if isinstance(v, dict) and v.get("timestamp")), None)


def sniff(data: bytes, name: str, hints: Hints | None = None) -> float:
    """JSON shaped like posts_1.json, post_comments_1.json or past insights posts.json."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \r\n\t")
    if head[:1] not in (b"[", b"{") or not (b'"media"' in data[:65536] or b'"string_map_data"' in data[:65536]):
        return 0.0
    try:
        return 0.9 if _kind(json.loads(data.decode("utf-8-sig", errors="replace")), name) else 0.0
    except json.JSONDecodeError:
        return 0.0


def parse(data: bytes, name: str, hints: Hints | None = None) -> ParseResult:
    """Posts and insights become content snapshots; the account's comments become comments."""
    doc = fix_meta_text(load_json(data))
    kind = _kind(doc, name)
    if kind is None:
        raise FormatError.of("file_not_instagram_download")
    items = _items(doc)
    export_date = hints.export_date if hints else None
    content, comments, quarantine = [], [], []
    for i, item in enumerate(items):
        loc = f"/{i}"
        raw = json.dumps(item, ensure_ascii=False)
        try:
            if not isinstance(item, dict):
                raise ValueError("an entry must be an object")
            if kind == "posts":
                media = [m for m in item.get("media") or [] if isinstance(m, dict)]
                created = item.get("creation_timestamp") or (media[0].get("creation_timestamp") if media else None)
                if not created:
                    raise ValueError("post has no creation_timestamp")
                title = item.get("title") or (media[0].get("title") if media else None)
                content.append({
                    "locator": loc, "source_format": FORMAT, "platform": "instagram", "native_id": f"dyi:{int(created)}",
                    "title": title or None, "post_type": "carousel" if len(media) > 1 else "post",
                    "posted_at_utc": _epoch(created), "observed_on": export_date, "raw_json": raw,
                })
            elif kind == "comments":
                smd = item["string_map_data"]
                text = (_key(smd, "comment") or {}).get("value")
                if not text:
                    raise ValueError("comment has no text")
                comments.append({
                    "locator": loc, "source_format": FORMAT, "platform": "instagram",
                    "content_owner": (_key(smd, "owner") or {}).get("value"), "is_own": True, "text": text,
                    "created_at_utc": _epoch((_key(smd, "time") or {}).get("timestamp")), "raw_json": raw,
                })
            else:
                smd = item["string_map_data"]
                media_map = item.get("media_map_data") or {}
                first_media = next(iter(media_map.values()), {}) if isinstance(media_map, dict) else {}
                created = ((first_media or {}).get("creation_timestamp") or (_key(smd, "time") or {}).get("timestamp")
                           or _timestamp(smd))
                caption = (first_media or {}).get("title")
                content.append({
                    "locator": loc, "source_format": FORMAT, "platform": "instagram",
                    "native_id": f"dyi:{int(created)}" if created else None, "title": caption,
                    "posted_at_utc": _epoch(created), "observed_on": export_date,
                    "reach": _count(_key(smd, "reached")), "impressions": _count(_key(smd, "impressions")),
                    "likes": _count(_key(smd, "likes")), "comments": _count(_key(smd, "comments")),
                    "shares": _count(_key(smd, "shares")), "saves": _count(_key(smd, "saves")),
                    "follows": _count(_key(smd, "follows")), "profile_views": _count(_key(smd, "profile_views")),
                    "views": _count(_key(smd, "views")), "raw_json": raw,
                })
                if not created:
                    raise ValueError("insight row names no post time, so it cannot be matched to a post")
        except (ValueError, TypeError, KeyError) as exc:
            if kind == "insights" and content and content[-1]["locator"] == loc:
                content.pop()
            quarantine.append((loc, raw[:10000], Reason(f"reason_unreadable_{kind[:-1] if kind != 'insights' else 'insight'}", error=str(exc))))
    tables = {CONTENT: from_rows(CONTENT, content), COMMENTS: from_rows(COMMENTS, comments)}
    return ParseResult(FORMAT, tables, quarantine_frame(quarantine), [f"{kind}: {len(content) + len(comments)} rows"])
