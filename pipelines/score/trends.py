"""Trending hashtags and terms per week, with bursts found against each term's own trailing weeks.

A term's weekly support is the number of distinct documents (captions, customer messages, reviews,
comments) that use it. A week is notable when support reaches MIN_SUPPORT and its robust z-score
against the previous BASELINE_WEEKS weeks (median and MAD, MAD floored at 1) reaches Z_NOTABLE; no
week is judged before MIN_HISTORY weeks of data exist. Formulas: docs/formulas.md.
"""

from __future__ import annotations

import polars as pl

from pipelines.feedback.text import stopwords, tokens_expr

MIN_SUPPORT = 4
Z_NOTABLE = 3.0
BASELINE_WEEKS = 8
MIN_HISTORY = 4


def weekly_terms(docs: pl.LazyFrame) -> pl.LazyFrame:
    """(week_start, term_type, term, support) from documents (doc_id, local_date, text); doc_id is unique.

    Each document's terms are made unique within it first, so a term's support is its number of rows: no
    document ids are carried through the explode (a million distinct texts: some 40 million term rows)."""
    stop = list(stopwords())
    base = docs.filter(pl.col("text").is_not_null()).select(
        week_start=pl.col("local_date").dt.truncate("1w"),
        hashtags=pl.col("text").str.to_lowercase().str.extract_all(r"#[\w]+").list.unique(),
        words=tokens_expr(pl.col("text")),
    ).with_columns(words=pl.col("words").list.eval(pl.element().filter(~pl.element().is_in(stop))))
    pairs = pl.concat_str([pl.element(), pl.element().shift(-1)], separator=" ")
    terms = base.select(
        "week_start",
        pl.col("hashtags").alias("hashtag"),
        pl.col("words").list.unique().alias("unigram"),
        pl.col("words").list.eval(pairs).list.drop_nulls().list.unique().alias("bigram"),
    )
    allterms = pl.concat([terms.select("week_start", pl.col(kind).alias("term"), term_type=pl.lit(kind)).explode("term")
                          for kind in ("hashtag", "unigram", "bigram")], how="vertical_relaxed")
    return (allterms.filter(pl.col("term").is_not_null() & (pl.col("term") != ""))
            .group_by("week_start", "term_type", "term").agg(pl.len().cast(pl.UInt32).alias("support")))


def bursts(weekly: pl.LazyFrame, weeks: pl.Series) -> pl.DataFrame:
    """Every term on every week from its first use, with baseline, z, notable flag, status and first notable week."""
    weeks_df = pl.DataFrame({"week_start": weeks.sort()}).with_row_index("week_no")
    counts = weekly.collect()
    if counts.is_empty():
        return pl.DataFrame(schema={"week_start": pl.Date, "term_type": pl.String, "term": pl.String, "support": pl.Int64,
                                    "baseline_median": pl.Float64, "baseline_mad": pl.Float64, "z_score": pl.Float64,
                                    "is_notable": pl.Boolean, "status": pl.String, "first_notable_week": pl.Date})
    # Terms seen at least MIN_SUPPORT times in some week: the others can never be notable.
    candidates = counts.filter(pl.col("support") >= MIN_SUPPORT).select("term_type", "term").unique()
    grid = candidates.join(weeks_df, how="cross").join(
        counts, on=["week_start", "term_type", "term"], how="left").with_columns(pl.col("support").fill_null(0))
    grid = grid.sort("term_type", "term", "week_no")
    prev = [pl.col("support").shift(k).over("term_type", "term") for k in range(1, BASELINE_WEEKS + 1)]
    grid = grid.with_columns(pl.concat_list(prev).list.drop_nulls().alias("_hist"))
    grid = grid.with_columns(
        baseline_median=pl.col("_hist").list.median(),
    ).with_columns(
        baseline_mad=pl.col("_hist").list.eval((pl.element() - pl.element().median()).abs().median()).list.first(),
    ).with_columns(
        z_score=pl.when(pl.col("week_no") >= MIN_HISTORY).then(
            (pl.col("support") - pl.col("baseline_median")) / pl.max_horizontal(1.4826 * pl.col("baseline_mad"), pl.lit(1.0))),
    ).with_columns(
        is_notable=((pl.col("support") >= MIN_SUPPORT) & (pl.col("z_score") >= Z_NOTABLE)).fill_null(False),
    )
    first = grid.filter(pl.col("is_notable")).group_by("term_type", "term").agg(pl.col("week_start").min().alias("first_notable_week"))
    grid = grid.join(first, on=["term_type", "term"], how="left").with_columns(
        prev_support=pl.col("support").shift(1).over("term_type", "term"),
        recent_peak=pl.col("support").rolling_max(4, min_samples=1).shift(1).over("term_type", "term"),
    ).with_columns(
        status=pl.when(pl.col("is_notable") & (pl.col("week_start") == pl.col("first_notable_week"))).then(pl.lit("emerging"))
        .when((pl.col("first_notable_week") < pl.col("week_start"))
              & (pl.col("support") < 0.5 * pl.col("recent_peak").fill_null(0))).then(pl.lit("fading"))
        .when((pl.col("is_notable") | (pl.col("first_notable_week") < pl.col("week_start")))
              & (pl.col("support") > pl.col("prev_support").fill_null(0)) & (pl.col("support") >= MIN_SUPPORT))
        .then(pl.lit("rising"))
        .otherwise(pl.lit("steady")),
    )
    started = grid.with_columns(pl.col("support").cum_sum().over("term_type", "term").alias("_seen")).filter(pl.col("_seen") > 0)
    return started.select("week_start", "term_type", "term", "support", "baseline_median", "baseline_mad", "z_score",
                          "is_notable", "status", "first_notable_week")
