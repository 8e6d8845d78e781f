"""Dates and times as exports write them: localized days without a year ('April 12', '8 Maret'), epoch
seconds, ISO times with offsets, relative phrases ('3 hari yang lalu'), slashed dates in either order."""

from __future__ import annotations

from datetime import date

import polars as pl

from pipelines.ingest.readers import MISSING_PATTERN

MONTHS = {
    # English
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    # Indonesian
    "januari": 1, "februari": 2, "maret": 3, "mei": 5, "juni": 6, "juli": 7, "agustus": 8, "agu": 8, "agt": 8,
    "oktober": 10, "okt": 10, "desember": 12, "des": 12, "peb": 2, "pebruari": 2, "nopember": 11, "nop": 11,
    "mrt": 3, "ags": 8,
    # Spanish
    "enero": 1, "ene": 1, "febrero": 2, "marzo": 3, "abril": 4, "abr": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "set": 9, "octubre": 10, "noviembre": 11, "diciembre": 12, "dic": 12,
    # Portuguese
    "janeiro": 1, "fevereiro": 2, "fev": 2, "março": 3, "maio": 5, "junho": 6, "julho": 7, "outubro": 10, "out": 10,
    "novembro": 11, "dezembro": 12, "dez": 12,
}
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))


def day_month_expr(col: pl.Expr) -> pl.Expr:
    """Localized dates without a year ('April 12', '12 Apr', '8 de marzo', '8 Maret') -> struct{month, day, year?}."""
    s = col.cast(pl.String).str.to_lowercase().str.replace_all(r"[,.]", " ").str.replace_all(r"\s+", " ").str.strip_chars()
    md = s.str.extract_groups(rf"^(?P<mon>{_MONTH_ALT}) (?P<day>\d{{1,2}})(?: (?P<year>\d{{4}}))?$")
    dm = s.str.extract_groups(rf"^(?P<day>\d{{1,2}}) (?:de )?(?P<mon>{_MONTH_ALT})(?: (?:de )?(?P<year>\d{{4}}))?$")
    iso = s.str.extract_groups(r"^(?P<year>\d{4})-(?P<mon>\d{1,2})-(?P<day>\d{1,2})")
    month = pl.coalesce(
        md.struct.field("mon").replace_strict(MONTHS, default=None, return_dtype=pl.Int32),
        dm.struct.field("mon").replace_strict(MONTHS, default=None, return_dtype=pl.Int32),
        iso.struct.field("mon").cast(pl.Int32, strict=False),
    )
    day = pl.coalesce(md.struct.field("day"), dm.struct.field("day"), iso.struct.field("day")).cast(pl.Int32, strict=False)
    year = pl.coalesce(md.struct.field("year"), dm.struct.field("year"), iso.struct.field("year")).cast(pl.Int32, strict=False)
    return pl.struct(month.alias("month"), day.alias("day"), year.alias("year"))


def infer_years(frame: pl.DataFrame, export_date: date, col: str = "dm") -> pl.Series:
    """Dates for rows in ascending order that end on or before the export date, across year boundaries.

    Going backwards from the last row, the year drops by one each time the month/day jumps up.
    """
    md = frame.select(
        pl.col(col).struct.field("month").alias("m"), pl.col(col).struct.field("day").alias("d"),
        pl.col(col).struct.field("year").alias("y"),
    )
    ordinal = (md["m"].cast(pl.Int32) * 100 + md["d"].cast(pl.Int32)).to_list()
    years: list[int | None] = [None] * len(ordinal)
    year = export_date.year
    nxt = export_date.month * 100 + export_date.day
    for i in range(len(ordinal) - 1, -1, -1):
        o = ordinal[i]
        if o is None:
            continue
        if o > nxt:
            year -= 1
        years[i] = year
        nxt = o
    out = md.with_columns(pl.Series("yi", years, dtype=pl.Int32)).select(
        pl.date(pl.coalesce("y", "yi"), "m", "d").alias("date")
    )
    return out["date"]


_ZONED_FORMATS = ["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%z", "%Y-%m-%d %H:%M:%S%.f%z",
                  "%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S%.f %z", "%Y-%m-%dT%H:%M%z"]
_LOCAL_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%.f", "%d/%m/%Y %H:%M:%S",
                  "%d/%m/%Y %H:%M", "%d-%m-%Y %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d"]
_RELATIVE_UNITS = {"detik": 1, "menit": 60, "jam": 3600, "hari": 86400, "minggu": 7 * 86400, "bulan": 30 * 86400,
                   "tahun": 365 * 86400, "second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 7 * 86400,
                   "month": 30 * 86400, "year": 365 * 86400}


def when_series(values: pl.Series, export_date: date) -> pl.DataFrame:
    """when_expr over a column, evaluating only the shapes that occur in it (epoch-only columns are cheap);
    with `text`, the time as written (stripped, missing markers null) unless a whole Unix time, which `utc`
    then holds exactly."""
    s = values.cast(pl.String).str.strip_chars()
    frame = pl.DataFrame({"c": s})
    # Whole Unix times only, the usual column of a marketplace export: read as numbers, no pattern matched.
    whole, length = s.cast(pl.Int64, strict=False), s.str.len_bytes()
    if (s.null_count() < s.len() and whole.null_count() == s.null_count() and length.min() >= 9 and length.max() <= 13
            and whole.min() >= 0 and not s.str.starts_with("+").any()):
        w = pl.col("w")
        return pl.DataFrame({"w": whole}).select(
            pl.from_epoch(pl.when(w > 10**11).then(w * 1_000).otherwise(w * 1_000_000), time_unit="us").alias("utc"),
            pl.lit(None, dtype=pl.Datetime("us")).alias("local"), pl.lit(False).alias("estimated"),
            pl.lit(None, dtype=pl.String).alias("text"))
    if s.drop_nulls().str.contains(r"^\d{9,13}(\.\d+)?$").all():
        # Whole digits (13 at most: exact as a float), any fraction of a second dropped.
        epoch = pl.col("c").cast(pl.Float64).cast(pl.Int64)
        utc = pl.from_epoch(pl.when(epoch > 10**11).then(epoch * 1_000).otherwise(epoch * 1_000_000), time_unit="us")
        return frame.select(utc.alias("utc"), pl.lit(None, dtype=pl.Datetime("us")).alias("local"),
                            pl.lit(False).alias("estimated"),
                            pl.when(pl.col("c").str.contains(".", literal=True)).then(pl.col("c")).alias("text"))
    distinct = frame.unique()
    c = pl.col("c")
    parsed = distinct.with_columns(when_expr(c, export_date).alias("w")).unnest("w").with_columns(
        pl.when(c.str.contains(r"^\d{9,13}$") | c.str.contains(MISSING_PATTERN)).then(None).otherwise(c).alias("text"))
    return frame.join(parsed, on="c", how="left", nulls_equal=True, maintain_order="left").drop("c")


def when_expr(col: pl.Expr, export_date: date) -> pl.Expr:
    """Review times as written -> struct{utc, local, estimated}.

    Epoch seconds or milliseconds are UTC; date strings are local to the shop; relative phrases
    ("1 Bulan yang lalu", "3 days ago") are counted back from the export date and marked estimated.
    """
    s = col.cast(pl.String).str.strip_chars()
    digits = s.str.contains(r"^\d{9,13}(\.\d+)?$")
    epoch = s.str.extract(r"^(\d{9,13})", 1).cast(pl.Int64, strict=False)
    utc = pl.when(digits & (epoch > 10**11)).then(pl.from_epoch(epoch, time_unit="ms")).when(digits).then(
        pl.from_epoch(epoch, time_unit="s")).cast(pl.Datetime("us"))
    # ISO times with an offset, 'Z' or ' UTC' (Lazada, APIs): 2024-04-25T22:30:00Z, 2024-04-25 10:00:00.123 +0700
    zoned = s.str.replace(r"(?i)\s*(?:Z|UTC|GMT)$", "+00:00")
    iso_tz = pl.coalesce([zoned.str.to_datetime(f, strict=False, time_zone="UTC") for f in _ZONED_FORMATS]
                         ).dt.replace_time_zone(None)
    dm = day_month_expr(s)
    named_day = pl.date(dm.struct.field("year"), dm.struct.field("month"), dm.struct.field("day")).cast(pl.Datetime("us"))
    local = pl.coalesce([s.str.to_datetime(f, strict=False) for f in _LOCAL_FORMATS] + [named_day])
    lower = s.str.to_lowercase()
    rel = lower.str.extract_groups(
        r"^(?:lebih dari\s+|more than\s+|over\s+)?(?P<n>\d+|a|an|se)\s*(?P<u>detik|menit|jam|hari|minggu|bulan|tahun|"
        r"second|minute|hour|day|week|month|year)s?\s+(?:yang\s+)?(?:lalu|ago)")
    n = rel.struct.field("n").replace({"a": "1", "an": "1", "se": "1"}).cast(pl.Int64, strict=False)
    secs = pl.coalesce(rel.struct.field("u").replace_strict(_RELATIVE_UNITS, default=None, return_dtype=pl.Int64) * n,
                       pl.when(lower.is_in(["hari ini", "today", "baru saja", "just now"])).then(pl.lit(0, dtype=pl.Int64))
                       .when(lower.is_in(["kemarin", "yesterday"])).then(pl.lit(86400, dtype=pl.Int64)))
    estimated = pl.lit(export_date).cast(pl.Datetime("us")) - pl.duration(seconds=secs)
    utc_final = pl.coalesce(utc, iso_tz)
    local_final = pl.when(utc_final.is_null()).then(pl.coalesce(local, estimated))
    return pl.struct(utc_final.alias("utc"), local_final.alias("local"),
                     (utc_final.is_null() & local.is_null() & secs.is_not_null()).alias("estimated"))


# 04/25/2024 14:30, 25/04/2024 14.30, 4/25/24 2:30 PM, 25-04-2024, 25.04.2024 14:30:05 (lower-cased text)
_SLASHED = (r"^(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{4}|\d{2})(?:(?:\s+|\s*,\s*)(?P<h>\d{1,2})[:.](?P<mi>\d{2})"
            r"(?:[:.](?P<s>\d{2}))?(?:\s*(?P<ap>[ap])\.?\s?m\.?)?)?$")
# 2024-04-25T14:30:00+0700, 2024-04-25 14:30:00+07:00, 2024-04-25T14:30Z, 2024/04/25 14:30
_ISO = (r"^(?P<y>\d{4})[-/](?P<mo>\d{1,2})[-/](?P<d>\d{1,2})(?:(?:t|\s+)(?P<h>\d{1,2})[:.](?P<mi>\d{2})"
        r"(?:[:.](?P<s>\d{2})(?:[.,]\d+)?)?)?\s*(?P<tz>z|utc|gmt|[+-]\d{2}(?::?\d{2})?)?$")


def _texts(col: pl.Expr) -> pl.Expr:
    s = col.cast(pl.String).str.strip_chars()
    return pl.when(s.str.contains(MISSING_PATTERN)).then(None).otherwise(s.str.to_lowercase())


def slashed_day_first(values: pl.Series, default: bool) -> bool:
    """Whether a column's slashed dates put the day first, decided once for the whole column: a first field
    above 12 means day first, a second above 12 month first; `default` when every date is ambiguous."""
    parts = pl.DataFrame({"c": values}).select(_texts(pl.col("c")).str.extract_groups(_SLASHED).alias("p")).select(
        pl.col("p").struct.field("a").cast(pl.Int32, strict=False).alias("a"),
        pl.col("p").struct.field("b").cast(pl.Int32, strict=False).alias("b"))
    day_first, month_first = int((parts["a"] > 12).sum()), int((parts["b"] > 12).sum())
    if day_first != month_first:
        return day_first > month_first  # a file mixing both: the order most of its dates show; the rest are quarantined
    return default


def datetime_text_expr(col: pl.Expr, day_first: bool) -> pl.Expr:
    """struct{local, utc, readable}: the written wall-clock time, UTC when an offset is written, and whether
    a written value was read (null when nothing was written)."""
    s = _texts(col)
    sl, iso = s.str.extract_groups(_SLASHED), s.str.extract_groups(_ISO)
    day, month = (sl.struct.field("a"), sl.struct.field("b")) if day_first else (sl.struct.field("b"), sl.struct.field("a"))
    short_year = sl.struct.field("y")
    year = pl.coalesce(pl.when(short_year.str.len_chars() == 2).then(pl.lit("20") + short_year).otherwise(short_year),
                       iso.struct.field("y"))
    month, day = pl.coalesce(month, iso.struct.field("mo")), pl.coalesce(day, iso.struct.field("d"))
    hour = pl.coalesce(sl.struct.field("h"), iso.struct.field("h")).cast(pl.Int32)
    ampm = sl.struct.field("ap")
    hour = (pl.when(ampm.is_null()).then(hour)
            .when((hour < 1) | (hour > 12)).then(99)  # '14:30 PM' is no time
            .when(ampm == "a").then(hour % 12).otherwise(hour % 12 + 12))
    minute = pl.coalesce(sl.struct.field("mi"), iso.struct.field("mi"), pl.lit("0"))
    second = pl.coalesce(sl.struct.field("s"), iso.struct.field("s"), pl.lit("0"))
    local = pl.format("{}-{}-{} {}:{}:{}", year, month, day, hour.fill_null(0), minute, second).str.to_datetime(
        "%Y-%m-%d %H:%M:%S", strict=False)
    tz = iso.struct.field("tz").str.replace(":", "", literal=True)
    offset = pl.when(tz.is_in(["z", "utc", "gmt"])).then(0).otherwise(
        (tz.str.slice(1, 2).cast(pl.Int32, strict=False) * 60 + tz.str.slice(3, 2).cast(pl.Int32, strict=False).fill_null(0))
        * pl.when(tz.str.starts_with("-")).then(-1).otherwise(1))
    utc = pl.when(tz.is_not_null()).then(local - pl.duration(minutes=offset))
    return pl.struct(local.alias("local"), utc.alias("utc"), pl.when(s.is_not_null()).then(local.is_not_null()).alias("readable"))
