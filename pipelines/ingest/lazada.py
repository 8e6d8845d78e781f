"""Lazada reviews (unverified layout): JSON records or CSV with itemId, reviewId, rating, reviewContent,
buyerName, skuInfo, reviewTime, boughtDate, likeCount, sellerReply."""

from __future__ import annotations

from datetime import date

import polars as pl

from pipelines.ingest.base import FormatError, Hints, ParseResult, quarantine_frame
from pipelines.ingest.reviews import records_frame, review_frame
from pipelines.ingest.schemas import REVIEWS
from pipelines.ingest.tabular import header_of, load_json, normalise_header, tables

FORMAT = "lazada_reviews"
COLUMNS = {"product_id": "itemid", "review_id": "reviewid", "rating": "rating", "text": "reviewcontent",
           "author": "buyername", "variant": "skuinfo", "created_at": "reviewtime", "like_count": "likecount",
           "seller_reply": "sellerreply"}
REQUIRED = {"reviewcontent", "rating"}


def _records(doc) -> list | None:
    if isinstance(doc, list) and doc and isinstance(doc[0], dict) and "reviewContent" in doc[0]:
        return doc
    if isinstance(doc, dict):
        for value in doc.values():
            found = _records(value)
            if found is not None:
                return found
    return None


def sniff(data: bytes, name: str, hints: Hints | None = None) -> float:
    """JSON or a table with reviewContent and rating."""
    head = data[:65536].lstrip(b"\xef\xbb\xbf \r\n\t")
    if head[:1] in (b"{", b"["):
        return 0.85 if b'"reviewContent"' in head else 0.0
    return 0.85 if REQUIRED <= {h.replace(" ", "").replace("_", "") for h in header_of(data)} else 0.0


def parse(data: bytes, name: str, hints: Hints | None = None) -> ParseResult:
    """Reviews into raw.reviews."""
    export_date = hints.export_date if hints else date.today()
    head = data[:64].lstrip(b"\xef\xbb\xbf \r\n\t")
    frames: list[tuple[pl.DataFrame, str]] = []
    if head[:1] in (b"{", b"["):
        records = _records(load_json(data))
        if records is None:
            raise FormatError("expected Lazada review records with reviewContent and rating")
        frame = records_frame([r for r in records if isinstance(r, dict)])
        frames.append((frame, "/reviews/"))
    else:
        frames += [(f, "row") for f in tables(data).values()]
    outs, quarantine = [], []
    for frame, prefix in frames:
        lookup = {normalise_header(c).replace(" ", "").replace("_", ""): c for c in frame.columns}
        if not REQUIRED <= lookup.keys():
            continue
        out, q = review_frame(frame, {k: lookup[v] for k, v in COLUMNS.items() if v in lookup}, platform="lazada",
                              source_format=FORMAT, export_date=export_date, locator_prefix=prefix, split_template=False)
        outs.append(out)
        quarantine += q
    if not outs:
        raise FormatError("expected Lazada review columns reviewContent and rating")
    out = pl.concat(outs)
    return ParseResult(FORMAT, {REVIEWS: out}, quarantine_frame(quarantine), [f"{out.height} reviews"])


