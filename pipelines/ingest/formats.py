"""The registry of source formats: each module offers sniff(data, name, hints) -> confidence and
parse(data, name, hints) -> ParseResult."""

from __future__ import annotations

from types import ModuleType

from pipelines.ingest import (
    instagram_data_download,
    instagram_graph_api,
    lazada_reviews,
    mapped_reviews,
    meta_business_suite,
    meta_messages,
    shopee_reviews,
    tiktok_analytics,
    tiktok_data_download,
    tiktok_display_api,
    tokopedia_reviews,
    whatsapp_cloud_api,
    whatsapp_export,
)
from pipelines.ingest.base import Hints

# name -> (module, what a user would call it)
FORMATS: dict[str, tuple[ModuleType, str]] = {
    whatsapp_export.FORMAT: (whatsapp_export, "WhatsApp 'Export chat' text (.txt, or the .zip holding it)"),
    whatsapp_cloud_api.FORMAT: (whatsapp_cloud_api, "WhatsApp Business Cloud API webhook payloads (JSON or NDJSON)"),
    tiktok_analytics.FORMAT: (tiktok_analytics, "TikTok analytics download: Overview, Content, Viewers, Follower* tabs (CSV or XLSX)"),
    tiktok_display_api.FORMAT: (tiktok_display_api, "TikTok Display API v2 /v2/video/list/ responses (JSON)"),
    tiktok_data_download.FORMAT: (tiktok_data_download, "TikTok 'Download your data' JSON (user_data_tiktok.json)"),
    meta_business_suite.FORMAT: (meta_business_suite, "Meta Business Suite content export (CSV or XLSX, any UI language)"),
    instagram_data_download.FORMAT: (instagram_data_download, "Instagram 'Download your information' JSON (posts, comments, insights)"),
    instagram_graph_api.FORMAT: (instagram_graph_api, "Instagram Graph API /media and /insights responses (JSON)"),
    meta_messages.FORMAT: (meta_messages, "Instagram or Facebook Messenger direct messages from 'Download your information' (messages/inbox/<name>/message_1.json)"),
    shopee_reviews.FORMAT: (shopee_reviews, "Shopee ratings (get_ratings JSON, or its CSV with cmtid, ctime, comment, rating_star)"),
    tokopedia_reviews.FORMAT: (tokopedia_reviews, "Tokopedia reviews (review-list JSON, or a PRDECT-ID-style table)"),
    lazada_reviews.FORMAT: (lazada_reviews, "Lazada reviews (JSON or CSV with reviewContent, rating)"),
    mapped_reviews.FORMAT: (mapped_reviews, "any review CSV/XLSX through a column mapping (tenants.toml or --map)"),
}
MIN_CONFIDENCE = 0.5


def supported_formats() -> str:
    """One line per supported format, for error messages and --help."""
    return "; ".join(f"{name} = {label}" for name, (_, label) in FORMATS.items())


def detect(data: bytes, name: str, hints: Hints | None = None) -> str | None:
    """The best-matching format for a file's bytes, or None."""
    scored = []
    for fmt, (module, _) in FORMATS.items():
        try:
            scored.append((module.sniff(data, name, hints), fmt))
        except Exception:  # a sniffer must never stop the others
            continue
    best = max(scored, default=(0.0, None))
    return best[1] if best[0] >= MIN_CONFIDENCE else None


def module_for(fmt: str) -> ModuleType:
    """The parser module for a format name, or ValueError listing the known names."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
    return FORMATS[fmt][0]
