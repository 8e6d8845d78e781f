"""Lazada reviews (unverified layout): JSON records or CSV with itemId, reviewId, rating, reviewContent,
buyerName, skuInfo, reviewTime, boughtDate, likeCount, sellerReply. JSON may be one review-API response,
a list of its pages, or the records alone."""

from __future__ import annotations

from datetime import date

from pipelines.ingest.base import FormatError, Hints, ParseResult
from pipelines.ingest.readers import load_json, normalise_header
from pipelines.ingest.reviews import (
    is_json_export,
    records_frame,
    review_sniff,
    reviews_result,
    table_reviews,
)

FORMAT = "lazada_reviews"
COLUMNS = {"product_id": "itemid", "review_id": "reviewid", "rating": "rating", "text": "reviewcontent",
           "author": "buyername", "variant": "skuinfo", "created_at": "reviewtime", "like_count": "likecount",
           "seller_reply": "sellerreply"}
REQUIRED = {"reviewcontent", "rating"}


def _records(doc) -> list | None:
    """The review records of a response ({"model": {"items": [...]}}, a bare list of records), or of every
    page of a list of responses (as saved when paging through the review API)."""
    if isinstance(doc, list):
        if any(isinstance(r, dict) and "reviewContent" in r for r in doc[:50]):
            return doc
        pages = [found for page in doc if (found := _records(page)) is not None]
        return [r for found in pages for r in found] if pages else None
    if isinstance(doc, dict):
        for value in doc.values():
            found = _records(value)
            if found is not None:
                return found
    return None


def sniff(data: bytes, name: str, hints: Hints | None = None) -> float:
    """JSON or a table with reviewContent and rating."""
    return review_sniff(data, lambda head: b'"reviewContent"' in head, _has_columns, 0.85, 0.85)


def _has_columns(header: list[str]) -> bool:
    return REQUIRED <= {h.replace(" ", "").replace("_", "") for h in header}


def parse(data: bytes, name: str, hints: Hints | None = None) -> ParseResult:
    """Reviews into raw.reviews."""
    export_date = hints.export_date if hints else date.today()
    shape = {"required": REQUIRED, "columns": COLUMNS, "platform": "lazada", "source_format": FORMAT,
             "export_date": export_date, "split_template": False,
             "missing": FormatError.of("file_lazada_columns"),
             "header_key": lambda c: normalise_header(c).replace(" ", "").replace("_", "")}
    if is_json_export(data):
        records = _records(load_json(data))
        if records is None:
            raise FormatError.of("file_lazada_records")
        return reviews_result([(records_frame([r for r in records if isinstance(r, dict)]), "/reviews/")], **shape)
    return table_reviews(data, wanted=_has_columns, **shape)
