"""Shopee reviews: the Open Platform v2 get_comment JSON (landed by `gaung pull`), the `get_ratings` JSON (one response, a list of pages, or {"ratings": [...]}) and its
flattened CSV (cmtid, ctime, author_username, comment, rating_star, ...). Template answers at the start
of a comment ("Kemasan:rapi. Wangi:segar.") become attributes; usernames are masked by Shopee already."""

from __future__ import annotations

from pipelines.ingest.base import Hints, ParseResult
from pipelines.ingest.reviews import ReviewExport, read_reviews, review_sniff

FORMAT = "shopee_reviews"
CSV_REQUIRED = {"cmtid", "ctime", "comment", "rating_star"}
CSV_COLUMNS = {"review_id": "cmtid", "created_at": "ctime", "author": "author_username", "text": "comment",
               "rating": "rating_star", "product_id": "itemid", "product_name": "product_name", "variant": "model_name",
               "seller_reply": "reply", "like_count": "like_count", "anonymous": "anonymous"}


def _open_platform(comment: dict) -> dict:
    """An Open Platform v2 get_comment item in the shape of a get_ratings rating."""
    reply = comment.get("comment_reply") if isinstance(comment.get("comment_reply"), dict) else {}
    return {"cmtid": comment.get("comment_id"), "ctime": comment.get("create_time"), "rating_star": comment.get("rating_star"),
            "comment": comment.get("comment"), "author_username": comment.get("buyer_username"),
            "product_items": [{"itemid": comment.get("item_id"), "modelid": comment.get("model_id")}],
            "ItemRatingReply": {"comment": reply.get("reply"), "ctime": reply.get("create_time")} if reply else None}


def _ratings(doc) -> list | None:
    pages = doc if isinstance(doc, list) else [doc]
    found = None
    for page in pages:
        if not isinstance(page, dict):
            return None
        response = page.get("response")
        if isinstance(response, dict) and isinstance(response.get("item_comment_list"), list):
            found = (found or []) + [_open_platform(c) if isinstance(c, dict) else c for c in response["item_comment_list"]]
            continue
        data = page.get("data") if isinstance(page.get("data"), dict) else page
        ratings = data.get("ratings") if isinstance(data, dict) else None
        if isinstance(ratings, list):
            found = (found or []) + ratings
        elif ratings is not None:
            return None
    return found


def sniff(data: bytes, name: str, hints: Hints | None = None) -> float:
    """get_ratings JSON (ratings with cmtid and rating_star) or its flattened CSV."""
    return review_sniff(data, lambda head: (b'"cmtid"' in head or b'"item_comment_list"' in head) and b'"rating_star"' in head,
                        lambda header: CSV_REQUIRED <= set(header), 0.9, 0.9)


def _flatten(r: dict) -> dict:
    items = r.get("product_items") or []
    first = items[0] if items and isinstance(items[0], dict) else {}
    reply = r.get("ItemRatingReply") or r.get("item_rating_reply") or {}
    media = len(r.get("images") or []) + len(r.get("videos") or [])
    return {
        "cmtid": r.get("cmtid"), "ctime": r.get("ctime"), "author_username": r.get("author_username"),
        "anonymous": r.get("anonymous"), "comment": r.get("comment"), "rating_star": r.get("rating_star"),
        "itemid": first.get("itemid") or r.get("itemid"), "product_name": first.get("name"),
        "model_name": first.get("model_name"), "reply": reply.get("comment") if isinstance(reply, dict) else None,
        "reply_ctime": reply.get("ctime") if isinstance(reply, dict) else None, "like_count": r.get("like_count"),
        "media_count": media,
    }


EXPORT = ReviewExport(
    platform="shopee", source_format=FORMAT, split_template=True, found=_ratings, flatten=_flatten, pointer="/ratings/",
    not_object="reason_rating_not_object",
    json_columns=dict(CSV_COLUMNS, seller_reply_at="reply_ctime", media_count="media_count"),
    required=CSV_REQUIRED, table_columns=CSV_COLUMNS, errors="file_shopee",
)


def parse(data: bytes, name: str, hints: Hints | None = None) -> ParseResult:
    """Reviews into raw.reviews, template answers split out."""
    return read_reviews(data, hints, EXPORT)
