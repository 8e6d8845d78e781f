"""Tokopedia reviews: the productrevGetProductReviewList GraphQL JSON, and PRDECT-ID-style tables
(Category, Product Name, ..., Customer Rating, Customer Review, Sentiment, Emotion) with no dates."""

from __future__ import annotations

import json
from datetime import date

from pipelines.ingest.base import FormatError, Hints, ParseResult
from pipelines.ingest.reviews import records_frame, reviews_result, row_prefixes
from pipelines.ingest.tabular import headers_of, load_json, tables
from pipelines.messages import Reason

FORMAT = "tokopedia_reviews"
TABLE_REQUIRED = {"product name", "customer rating", "customer review"}
TABLE_COLUMNS = {"category": "category", "product_name": "product name", "rating": "customer rating",
                 "text": "customer review", "label_sentiment": "sentiment", "label_emotion": "emotion",
                 "review_id": "review id", "created_at": "review date", "author": "customer name",
                 "variant": "variant"}


def _reviews(doc) -> list | None:
    pages = doc if isinstance(doc, list) else [doc]
    found = None
    for page in pages:
        node = page.get("data", page) if isinstance(page, dict) else None
        block = node.get("productrevGetProductReviewList") if isinstance(node, dict) else None
        if isinstance(block, dict) and isinstance(block.get("list"), list):
            found = (found or []) + [dict(r, _productName=block.get("productName")) if isinstance(r, dict) else r
                                     for r in block["list"]]
    return found


def sniff(data: bytes, name: str, hints: Hints | None = None) -> float:
    """The GraphQL review list, or a PRDECT-ID-style table."""
    head = data[:65536].lstrip(b"\xef\xbb\xbf \r\n\t")
    if head[:1] in (b"{", b"["):
        return 0.9 if b"productrevGetProductReviewList" in head else 0.0
    return 0.85 if any(TABLE_REQUIRED <= set(h) for h in headers_of(data)) else 0.0


def _flatten(r: dict) -> dict:
    user = r.get("user") if isinstance(r.get("user"), dict) else {}
    likes = r.get("likeDislike") if isinstance(r.get("likeDislike"), dict) else {}
    response = r.get("reviewResponse") if isinstance(r.get("reviewResponse"), dict) else {}
    product = r.get("product") if isinstance(r.get("product"), dict) else {}
    return {
        "feedbackID": r.get("feedbackID") or r.get("id"), "message": r.get("message"),
        "productRating": r.get("productRating") or r.get("rating"),
        "created": r.get("reviewCreateTimestamp") or r.get("reviewCreateTime"),
        "user": user.get("fullName"), "variantName": r.get("variantName") or None,
        "productName": product.get("productName") or r.get("_productName"), "productID": product.get("productID"),
        "totalLike": likes.get("totalLike"), "reply": response.get("message") or None,
        "replyTime": response.get("createTime"), "media": len(r.get("imageAttachments") or []) + len(r.get("videoAttachments") or []),
    }


def parse(data: bytes, name: str, hints: Hints | None = None) -> ParseResult:
    """Reviews into raw.reviews."""
    export_date = hints.export_date if hints else date.today()
    head = data[:64].lstrip(b"\xef\xbb\xbf \r\n\t")
    if head[:1] in (b"{", b"["):
        reviews = _reviews(load_json(data))
        if reviews is None:
            raise FormatError("expected a productrevGetProductReviewList response with a 'list' of reviews",
                              "seharusnya respons productrevGetProductReviewList dengan 'list' berisi ulasan")
        bad = [(f"/list/{i}", json.dumps(r)[:10000], Reason("reason_review_not_object")) for i, r in enumerate(reviews) if not isinstance(r, dict)]
        frame = records_frame([_flatten(r) for r in reviews if isinstance(r, dict)])
        cols = {"review_id": "feedbackID", "text": "message", "rating": "productRating", "created_at": "created",
                "author": "user", "variant": "variantName", "product_name": "productName", "product_id": "productID",
                "like_count": "totalLike", "seller_reply": "reply", "seller_reply_at": "replyTime", "media_count": "media"}
        return reviews_result([(frame, "/list/")], required=set(), columns=cols, platform="tokopedia", source_format=FORMAT,
                              export_date=export_date, split_template=False, missing=FormatError("no reviews", "tidak ada ulasan"), header_key=str,
                              extra_quarantine=bad)
    read = tables(data, lambda header: TABLE_REQUIRED <= set(header))
    return reviews_result(row_prefixes(read), required=TABLE_REQUIRED, columns=TABLE_COLUMNS,
                          platform="tokopedia", source_format=FORMAT, export_date=export_date, split_template=False,
                          missing=FormatError("expected columns Product Name, Customer Rating, Customer Review",
                                              "seharusnya ada kolom Product Name, Customer Rating, Customer Review"),
                          extra_quarantine=read.set_aside)
