"""Tokopedia reviews: the productrevGetProductReviewList GraphQL JSON, and PRDECT-ID-style tables
(Category, Product Name, ..., Customer Rating, Customer Review, Sentiment, Emotion) with no dates."""

from __future__ import annotations

from pipelines.ingest.base import Hints, ParseResult
from pipelines.ingest.reviews import ReviewExport, read_reviews, review_sniff

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
    return review_sniff(data, lambda head: b"productrevGetProductReviewList" in head,
                        lambda header: TABLE_REQUIRED <= set(header), 0.9, 0.85)


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


EXPORT = ReviewExport(
    platform="tokopedia", source_format=FORMAT, split_template=False, found=_reviews, flatten=_flatten,
    pointer="/list/", not_object="reason_review_not_object",
    json_columns={"review_id": "feedbackID", "text": "message", "rating": "productRating", "created_at": "created",
                  "author": "user", "variant": "variantName", "product_name": "productName", "product_id": "productID",
                  "like_count": "totalLike", "seller_reply": "reply", "seller_reply_at": "replyTime", "media_count": "media"},
    required=TABLE_REQUIRED, table_columns=TABLE_COLUMNS, errors="file_tokopedia",
)


def parse(data: bytes, name: str, hints: Hints | None = None) -> ParseResult:
    """Reviews into raw.reviews."""
    return read_reviews(data, hints, EXPORT)
