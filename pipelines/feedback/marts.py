"""Theme marts from the per-text signals and the fitted themes: pure polars transformations.

Every date is the tenant's local date; 'as of' is the last day with customer texts, never the clock, so
a re-run on the same data gives the same tables.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from pipelines.privacy import mask_quote as mask_personal_data

RECENT_DAYS = 28
NEW_DAYS = 14


def mask_quote(text: str) -> str:
    """A customer's words fit to show: phone numbers and @handles masked (privacy.mask_quote), whitespace tidied."""
    return " ".join((mask_personal_data(text) or "").split())


def week_start(col: str = "local_date") -> pl.Expr:
    """Monday of the ISO week of a local date."""
    return (pl.col(col) - pl.duration(days=pl.col(col).dt.weekday().cast(pl.Int64) - 1)).alias("week_start")


def theme_status(first_seen: date, recent: int, previous: int, as_of: date) -> str:
    """new (first seen in the last two weeks), growing, fading or stable (last four weeks vs the four before)."""
    if first_seen > as_of - timedelta(days=NEW_DAYS):
        return "new"
    if recent >= 3 and recent >= 1.5 * max(previous, 1):
        return "growing"
    if recent <= 0.5 * previous:
        return "fading"
    return "stable"


def dim_theme(voice_theme: pl.DataFrame, themes: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """One row per current theme: label, keywords, quotes, volume, distinct customers, sentiment, status.

    voice_theme: voice_id, tenant_id, theme_id, intent, local_date, author_key, sentiment, sentiment_score.
    themes: theme_id, intent, label, keywords, quotes (masked), first_seen_date (from history, may be null).
    """
    recent_from = as_of - timedelta(days=RECENT_DAYS - 1)
    previous_from = recent_from - timedelta(days=RECENT_DAYS)
    stats = voice_theme.group_by("tenant_id", "theme_id").agg(
        n_texts=pl.len().cast(pl.Int32),
        n_customers=pl.col("author_key").n_unique().cast(pl.Int32),
        first_seen_date=pl.col("local_date").min(),
        last_seen_date=pl.col("local_date").max(),
        sentiment_mean=pl.col("sentiment_score").mean(),
        negative_share=(pl.col("sentiment") == "negative").mean(),
        # signed: a count of booleans is unsigned in polars, and recent - previous would wrap when a theme shrinks
        recent=(pl.col("local_date") >= recent_from).sum().cast(pl.Int32),
        previous=((pl.col("local_date") >= previous_from) & (pl.col("local_date") < recent_from)).sum().cast(pl.Int32),
    )
    out = themes.join(stats, on="theme_id", how="inner")
    status = [theme_status(f, r, p, as_of) for f, r, p in
              zip(out["first_seen_date"].to_list(), out["recent"].to_list(), out["previous"].to_list(), strict=True)]
    return (out.with_columns(status=pl.Series(status, dtype=pl.String),
                             growth=((pl.col("recent") - pl.col("previous")) / pl.max_horizontal(pl.col("previous"), 1))
                             .cast(pl.Float64))
            .rename({"recent": "n_texts_recent", "previous": "n_texts_previous"})
            .select("theme_id", "tenant_id", "intent", "label", "keywords", "quotes", "n_texts", "n_customers",
                    "first_seen_date", "last_seen_date", "sentiment_mean", "negative_share", "n_texts_recent",
                    "n_texts_previous", "growth", "status")
            .sort("n_texts", "theme_id", descending=[True, False]))


def fct_theme_weekly(voice_theme: pl.DataFrame) -> pl.DataFrame:
    """One row per theme and local ISO week with texts: volume, distinct customers, sentiment."""
    return (voice_theme.with_columns(week_start())
            .group_by("tenant_id", "theme_id", "week_start")
            .agg(n_texts=pl.len().cast(pl.Int32), n_customers=pl.col("author_key").n_unique().cast(pl.Int32),
                 sentiment_mean=pl.col("sentiment_score").mean(),
                 negative_share=(pl.col("sentiment") == "negative").mean())
            .sort("theme_id", "week_start"))


def fct_product_ideas(themes: pl.DataFrame) -> pl.DataFrame:
    """Product-idea themes ranked: distinct customers asking, then recency, then growth; with quotes."""
    ideas = themes.filter(pl.col("intent") == "product_idea")
    ranked = ideas.sort(["n_customers", "last_seen_date", "growth", "theme_id"], descending=[True, True, True, False])
    return ranked.with_row_index("idea_rank", offset=1).select(
        "tenant_id", pl.col("idea_rank").cast(pl.Int32), "theme_id", "label", "n_customers", "n_texts",
        "last_seen_date", "growth", "status", "quotes")
