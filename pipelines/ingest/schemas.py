"""Column types of the shared raw tables, so every parser hands the loader frames of one shape."""

from __future__ import annotations

import polars as pl

CONTENT = "raw.content_snapshots"
ACCOUNT_DAILY = "raw.account_daily"
AUDIENCE = "raw.audience"
REVIEWS = "raw.reviews"
COMMENTS = "raw.comments"
DIRECT_MESSAGES = "raw.direct_messages"

SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    CONTENT: {
        "locator": pl.String, "source_format": pl.String, "platform": pl.String, "native_id": pl.String,
        "url": pl.String, "account": pl.String, "title": pl.String, "post_type": pl.String,
        "posted_at_utc": pl.Datetime("us"), "posted_at_local": pl.Datetime("us"), "observed_on": pl.Date,
        "observed_at_utc": pl.Datetime("us"), "views": pl.Int64, "reach": pl.Int64, "impressions": pl.Int64,
        "plays": pl.Int64, "likes": pl.Int64, "comments": pl.Int64, "shares": pl.Int64, "saves": pl.Int64,
        "follows": pl.Int64, "new_followers": pl.Int64, "profile_views": pl.Int64,
        "avg_watch_time_seconds": pl.Float64, "full_watch_rate": pl.Float64, "duration_seconds": pl.Float64,
        "sound": pl.String, "raw_json": pl.String,
    },
    ACCOUNT_DAILY: {
        "locator": pl.String, "source_format": pl.String, "platform": pl.String, "account": pl.String,
        "tab": pl.String, "date": pl.Date, "date_text": pl.String, "observed_on": pl.Date, "views": pl.Int64,
        "profile_views": pl.Int64, "likes": pl.Int64, "comments": pl.Int64, "shares": pl.Int64,
        "followers": pl.Int64, "followers_delta": pl.Int64, "total_viewers": pl.Int64, "new_viewers": pl.Int64,
        "returning_viewers": pl.Int64, "raw_json": pl.String,
    },
    AUDIENCE: {
        "locator": pl.String, "source_format": pl.String, "platform": pl.String, "dimension": pl.String,
        "key": pl.String, "date": pl.Date, "value": pl.Float64, "observed_on": pl.Date, "raw_json": pl.String,
    },
    # Stored as raw.review_files (one row per part of a file: prefix, platform, format) and raw.review_rows
    # (migration 011); raw.reviews is the view joining them, with locator = locator_prefix || row_number.
    REVIEWS: {
        "locator_prefix": pl.String, "row_number": pl.Int32, "source_format": pl.String, "platform": pl.String, "review_id": pl.String,
        "product_id": pl.String, "product_name": pl.String, "variant": pl.String, "category": pl.String,
        "rating": pl.Int32, "text": pl.String, "attributes_json": pl.String, "author": pl.String,
        "is_anonymous": pl.Boolean, "created_at_utc": pl.Datetime("us"), "created_at_local": pl.Datetime("us"),
        "created_at_text": pl.String,
        "created_at_is_estimated": pl.Boolean, "seller_reply": pl.String, "seller_reply_at_utc": pl.Datetime("us"),
        "like_count": pl.Int64, "media_count": pl.Int32, "label_sentiment": pl.String, "label_emotion": pl.String,
        "raw_json": pl.String,
    },
    COMMENTS: {
        "locator": pl.String, "source_format": pl.String, "platform": pl.String, "comment_id": pl.String,
        "content_url": pl.String, "content_owner": pl.String, "author": pl.String, "is_own": pl.Boolean,
        "text": pl.String, "created_at_utc": pl.Datetime("us"), "raw_json": pl.String,
    },
    DIRECT_MESSAGES: {
        "locator": pl.String, "source_format": pl.String, "platform": pl.String, "thread": pl.String,
        "participants": pl.String, "sender": pl.String, "from_owner": pl.Boolean, "sent_at_utc": pl.Datetime("us"),
        "kind": pl.String, "text": pl.String, "share_link": pl.String, "raw_json": pl.String,
    },
}


def conform_exprs(table: str, columns: list[str]) -> list[pl.Expr]:
    """Expressions giving the table's columns, in order, cast to their types, from a frame with `columns`."""
    return [(pl.col(c).cast(t, strict=False) if c in columns else pl.lit(None, dtype=t)).alias(c)
            for c, t in SCHEMAS[table].items()]


def conform(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with exactly the table's columns, in order, cast to their types (missing ones null)."""
    return frame.select(conform_exprs(table, frame.columns))


def from_rows(table: str, rows: list[dict]) -> pl.DataFrame:
    """A conformed frame from Python dicts (JSON sources)."""
    schema = SCHEMAS[table]
    return pl.DataFrame([{c: r.get(c) for c in schema} for r in rows], schema=schema, orient="row")
