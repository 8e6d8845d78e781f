"""Trend bursts on small hand-made weekly series."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from pipelines.score.trends import bursts, weekly_terms

MONDAY = date(2026, 9, 7)


def docs(per_week: dict[int, list[str]]) -> pl.DataFrame:
    rows = []
    for week, texts in per_week.items():
        for i, text in enumerate(texts):
            rows.append({"doc_id": f"{week}-{i}", "local_date": MONDAY + timedelta(weeks=week, days=i % 7), "text": text})
    return pl.DataFrame(rows)


def test_a_term_emerges_in_the_week_it_starts_and_not_before() -> None:
    filler = ["kopi susu enak", "pesan kopi susu", "ready kak"]
    series = {w: list(filler) for w in range(10)}
    series[6] += ["mau kopi pandan kak"] * 5
    series[7] += ["kopi pandan enak"] * 8
    series[8] += ["kopi pandan satu"] * 2
    d = docs(series)
    weeks = pl.Series([MONDAY + timedelta(weeks=w) for w in range(10)])
    out = bursts(weekly_terms(d.lazy()), weeks).filter(pl.col("term") == "kopi pandan").sort("week_start")
    rows = {r["week_start"]: r for r in out.iter_rows(named=True)}
    w6, w7, w8 = (MONDAY + timedelta(weeks=w) for w in (6, 7, 8))
    assert min(rows) == w6  # nothing before the week it starts
    assert rows[w6]["status"] == "emerging" and rows[w6]["z_score"] == 5.0  # (5 - 0) / max(1.4826 * 0, 1)
    assert rows[w7]["status"] == "rising"
    assert rows[w8]["status"] == "fading"  # 2 < half of the recent peak of 8
    assert out["first_notable_week"].unique().to_list() == [w6]


def test_steady_terms_are_not_notable_and_negators_are_kept() -> None:
    series = {w: ["pengiriman lama tidak enak", "pengiriman lama sekali", "pengiriman lama", "pengiriman lama",
                  "barang tidak enak"] for w in range(8)}
    weekly = weekly_terms(docs(series).lazy())
    out = bursts(weekly, pl.Series([MONDAY + timedelta(weeks=w) for w in range(8)]))
    assert not out["is_notable"].any()
    assert set(out["term"]) >= {"pengiriman lama", "pengiriman", "lama"}
    assert {"tidak enak", "tidak"} <= set(weekly.collect()["term"])


def test_no_verdict_before_four_weeks_of_data() -> None:
    out = bursts(weekly_terms(docs({0: ["gamis sage"] * 9}).lazy()), pl.Series([MONDAY]))
    assert out.filter(pl.col("term") == "gamis sage")["is_notable"].to_list() == [False]


def test_hashtags_counted_once_per_document() -> None:
    d = docs({0: ["#promo #promo kopi", "#promo"]})
    weekly = weekly_terms(d.lazy()).collect()
    assert weekly.filter(pl.col("term") == "#promo")["support"].to_list() == [2]
