"""Theme marts from the per-text signals and the fitted themes: pure polars transformations.

Every date is the tenant's local date; 'as of' is the last day with customer texts, never the clock, so
a re-run on the same data gives the same tables.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

RECENT_DAYS = 28
NEW_DAYS = 14


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


INTENT_COUNTS = {"n_complaints": "complaint", "n_questions": "question", "n_product_ideas": "product_idea",
                 "n_praise": "praise", "n_other": "other"}


def _trend(recent_from: date, previous_from: date) -> dict[str, pl.Expr]:
    # signed: a count of booleans is unsigned in polars, and recent - previous would wrap when a theme shrinks
    return {"recent": (pl.col("local_date") >= recent_from).sum().cast(pl.Int32),
            "previous": ((pl.col("local_date") >= previous_from) & (pl.col("local_date") < recent_from))
            .sum().cast(pl.Int32)}


def _with_status(frame: pl.DataFrame, as_of: date) -> pl.DataFrame:
    status = [theme_status(f, r, p, as_of) for f, r, p in
              zip(frame["first_seen_date"].to_list(), frame["recent"].to_list(), frame["previous"].to_list(),
                  strict=True)]
    return (frame.with_columns(status=pl.Series(status, dtype=pl.String),
                               growth=((pl.col("recent") - pl.col("previous")) / pl.max_horizontal(pl.col("previous"), 1))
                               .cast(pl.Float64))
            .rename({"recent": "n_texts_recent", "previous": "n_texts_previous"}))


def dim_theme(voice_theme: pl.DataFrame, themes: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """One row per current theme: label, keywords, quotes, volume, distinct customers, its intent mix (texts per
    intent; `intent` is the main one), sentiment, trend and status.

    voice_theme: voice_id, tenant_id, theme_id, intent, local_date, author_key, sentiment, sentiment_score.
    themes: theme_id, intent, label, keywords, quotes and complaint_quotes (masked; the latter optional).
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
        **{name: (pl.col("intent") == intent).sum().cast(pl.Int32) for name, intent in INTENT_COUNTS.items()},
        **_trend(recent_from, previous_from),
    )
    out = _with_status(themes.join(stats, on="theme_id", how="inner"), as_of)
    return (out.select("theme_id", "tenant_id", "intent", "label", "keywords", "quotes",
                       pl.col("complaint_quotes") if "complaint_quotes" in out.columns
                       else pl.lit([], dtype=pl.List(pl.String)).alias("complaint_quotes"), "n_texts", "n_customers",
                       "first_seen_date", "last_seen_date", "sentiment_mean", "negative_share", *INTENT_COUNTS,
                       "n_texts_recent", "n_texts_previous", "growth", "status")
            .sort("n_texts", "theme_id", descending=[True, False]))


def fct_theme_weekly(voice_theme: pl.DataFrame) -> pl.DataFrame:
    """One row per theme and local ISO week with texts: volume, distinct customers, sentiment, texts per intent."""
    return (voice_theme.with_columns(week_start())
            .group_by("tenant_id", "theme_id", "week_start")
            .agg(n_texts=pl.len().cast(pl.Int32), n_customers=pl.col("author_key").n_unique().cast(pl.Int32),
                 sentiment_mean=pl.col("sentiment_score").mean(),
                 negative_share=(pl.col("sentiment") == "negative").mean(),
                 **{name: (pl.col("intent") == intent).sum().cast(pl.Int32) for name, intent in INTENT_COUNTS.items()},
                 n_complaint_customers=pl.col("author_key").filter(pl.col("intent") == "complaint").n_unique()
                 .cast(pl.Int32))
            .sort("theme_id", "week_start"))


def fct_product_ideas(voice_idea: pl.DataFrame, ideas: pl.DataFrame, themes: pl.DataFrame, as_of: date | None,
                      tenant_id: str) -> pl.DataFrame:
    """One row per group of product-idea texts (a theme's ideas, split where they ask for clearly different
    things), ranked by distinct customers asking, then recency, then growth; with the theme and masked quotes.

    voice_idea: voice_id, tenant_id, idea_id, theme_id, local_date, author_key (one row per idea text);
    ideas: idea_id, theme_id, label, keywords, quotes; themes: theme_id, label.
    """
    schema = {"tenant_id": pl.String, "idea_rank": pl.Int32, "idea_id": pl.String, "theme_id": pl.String,
              "label": pl.String, "theme_label": pl.String, "keywords": pl.List(pl.String), "n_customers": pl.Int32,
              "n_texts": pl.Int32, "first_seen_date": pl.Date, "last_seen_date": pl.Date, "n_texts_recent": pl.Int32,
              "n_texts_previous": pl.Int32, "growth": pl.Float64, "status": pl.String, "quotes": pl.List(pl.String)}
    if voice_idea.height == 0 or as_of is None:
        return pl.DataFrame(schema=schema)
    recent_from = as_of - timedelta(days=RECENT_DAYS - 1)
    previous_from = recent_from - timedelta(days=RECENT_DAYS)
    stats = voice_idea.group_by("idea_id").agg(
        n_customers=pl.col("author_key").n_unique().cast(pl.Int32),
        n_texts=pl.len().cast(pl.Int32),
        first_seen_date=pl.col("local_date").min(),
        last_seen_date=pl.col("local_date").max(),
        **_trend(recent_from, previous_from),
    )
    theme_labels = themes.select("theme_id", theme_label="label")
    out = _with_status(ideas.join(stats, on="idea_id", how="inner"), as_of).join(theme_labels, on="theme_id",
                                                                                  how="left")
    ranked = out.sort(["n_customers", "last_seen_date", "growth", "idea_id"], descending=[True, True, True, False])
    return ranked.with_row_index("idea_rank", offset=1).select(
        pl.lit(tenant_id, dtype=pl.String).alias("tenant_id"), pl.col("idea_rank").cast(pl.Int32), "idea_id",
        pl.col("theme_id").replace("", None), "label", "theme_label", "keywords", "n_customers", "n_texts",
        "first_seen_date", "last_seen_date", "n_texts_recent", "n_texts_previous", "growth", "status", "quotes",
    ).cast(schema)
