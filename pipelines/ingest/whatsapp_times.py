"""When each message of a WhatsApp "Export chat" was sent: header dates in any era and order (day/month order
decided per file from all its dates), times with or without am/pm, as local timestamps."""

from __future__ import annotations

import polars as pl

ERA = r"[MTSHR]|明治|大正|昭和|平成|令和"
_ERA_BASE = {"M": 1868, "T": 1912, "S": 1926, "H": 1989, "R": 2019,
             "明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019}

_DATE_PARTS = rf"^(?:(?P<era>{ERA})\s?)?(?P<a>\d{{1,4}})[./\-](?P<b>\d{{1,2}})[./\-](?P<c>\d{{1,4}})"


def _dates(unique_dates: pl.DataFrame, order: str) -> pl.Series:
    """Calendar dates for distinct header date strings under a day/month order; null where impossible."""
    d = unique_dates.select(pl.col("date").str.extract_groups(_DATE_PARTS)).unnest("date")
    year_first = pl.col("era").is_not_null() | (pl.col("a").str.len_chars() == 4)
    a, b, c = (pl.col(x).cast(pl.Int32) for x in ("a", "b", "c"))
    year_last = pl.when(pl.col("c").str.len_chars() <= 2).then(c + 2000).when(c > 2400).then(c - 543).otherwise(c)
    era_year = pl.col("era").replace_strict(_ERA_BASE, default=None, return_dtype=pl.Int32) + a - 1
    first_year = pl.when(pl.col("era").is_not_null()).then(era_year).when(a > 2400).then(a - 543).otherwise(a)
    year = pl.when(year_first).then(first_year).otherwise(year_last)
    month = pl.when(year_first).then(b).otherwise(b if order == "dmy" else a)
    day = pl.when(year_first).then(c).otherwise(a if order == "dmy" else b)
    text = pl.format("{}-{}-{}", year.cast(pl.String).str.zfill(4), month.cast(pl.String).str.zfill(2),
                     day.cast(pl.String).str.zfill(2))
    return d.select(text.str.to_date("%Y-%m-%d", strict=False).alias("d")).to_series()


def _seconds_of_day(unique_times: pl.DataFrame) -> pl.Series:
    """Seconds after midnight for distinct (time, am/pm) pairs; null where impossible."""
    t = unique_times.with_columns(
        pl.col("time").str.extract_groups(r"^(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?:[:.](?P<s>\d{2}))?").alias("t")
    ).unnest("t")
    hour = pl.col("h").cast(pl.Int32)
    ampm = pl.col("ampm").str.to_lowercase().str.replace_all(r"[.\s]", "")
    hour = (
        pl.when(ampm.is_in(["pm", "午後"]) & (hour < 12)).then(hour + 12)
        .when(ampm.is_in(["am", "午前"]) & (hour == 12)).then(0)
        .when(ampm.is_not_null() & (hour > 12)).then(99)
        .otherwise(hour)
    )
    minute, second = pl.col("mi").cast(pl.Int32), pl.col("s").fill_null("0").cast(pl.Int32)
    ok = (hour < 24) & (minute < 60) & (second < 60)
    return t.select(pl.when(ok).then(hour * 3600 + minute * 60 + second).alias("sec")).to_series()


def _decide_order(heads: pl.DataFrame, unique_dates: pl.DataFrame) -> str:
    """Day/month order for a file: a field above 12 decides; else the order that runs forward in time."""
    parts = unique_dates.select(pl.col("date").str.extract_groups(_DATE_PARTS)).unnest("date")
    amb = parts.filter(pl.col("era").is_null() & (pl.col("a").str.len_chars() <= 2))
    if amb.is_empty():
        return "ymd"
    a_big = int((amb["a"].cast(pl.Int32) > 12).sum())
    b_big = int((amb["b"].cast(pl.Int32) > 12).sum())
    if a_big or b_big:
        return "dmy" if a_big >= b_big else "mdy"
    scores = {}
    for order in ("dmy", "mdy"):
        mapping = unique_dates.with_columns(_dates(unique_dates, order).alias("d"))
        seq = heads.select("date").join(mapping, on="date", how="left", maintain_order="left")["d"].drop_nulls()
        scores[order] = int((seq.diff().dt.total_days() < 0).sum())
    if scores["dmy"] != scores["mdy"]:
        return min(scores, key=scores.get)
    has_english_ampm = heads["ampm"].drop_nulls().str.contains(r"(?i)^[ap]").any()
    return "mdy" if has_english_ampm else "dmy"


def timestamps(heads: pl.DataFrame) -> tuple[pl.Series, str]:
    """Local timestamps for every header (null where impossible) and the file's day/month order."""
    unique_dates = heads.select("date").unique()
    order = _decide_order(heads, unique_dates)
    dates = unique_dates.with_columns(_dates(unique_dates, "dmy" if order == "ymd" else order).alias("d"))
    unique_times = heads.select("time", "ampm").unique()
    times = unique_times.with_columns(_seconds_of_day(unique_times).alias("sec"))
    joined = (
        heads.select("date", "time", "ampm")
        .join(dates, on="date", how="left", maintain_order="left")
        .join(times, on=["time", "ampm"], how="left", nulls_equal=True, maintain_order="left")
    )
    ts = joined.select(
        (pl.col("d").cast(pl.Datetime("us")) + pl.duration(seconds=pl.col("sec"))).alias("ts")
    ).to_series()
    return ts, order
