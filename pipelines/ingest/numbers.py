"""Counts, rates and durations as exports write them ('12,400', '1,2K', '3 rb', '12,5 %', '0:45') -> numbers."""

from __future__ import annotations

import polars as pl

from pipelines.ingest.readers import MISSING


def count_expr(col: pl.Expr) -> pl.Expr:
    """Counts written as text ('12,400', '1.234', '1,2K', '3 rb', 'undefined') -> Int64; negatives kept."""
    s = col.cast(pl.String).str.strip_chars().str.to_lowercase()
    missing = s.is_null() | s.is_in(MISSING)
    m = s.str.extract_groups(r"^(?P<num>[+-]?[0-9][0-9.,\s]*)\s*(?P<suf>k|rb|ribu|m|jt|juta|mio)?$")
    num, suf = m.struct.field("num").str.replace_all(r"\s", ""), m.struct.field("suf")
    scale = (pl.when(suf.is_in(["k", "rb", "ribu"])).then(1_000)
             .when(suf.is_in(["m", "jt", "juta", "mio"])).then(1_000_000).otherwise(1))
    # With a suffix, one separator is a decimal point ('1,2K'); without one, separators group thousands.
    decimal = num.str.replace(",", ".")
    with_suffix = (decimal.cast(pl.Float64, strict=False) * scale).round(0).cast(pl.Int64)
    plain = num.str.replace_all(r"[.,]", "").cast(pl.Int64, strict=False)
    return pl.when(missing).then(None).when(suf.is_not_null()).then(with_suffix).otherwise(plain)


def rate_expr(col: pl.Expr) -> pl.Expr:
    """'12.5%' or '0.125' or '12,5 %' -> 0.125 (Float64)."""
    s = col.cast(pl.String).str.strip_chars().str.to_lowercase()
    pct = s.str.contains("%")
    num = s.str.replace_all(r"[%\s]", "").str.replace(",", ".").cast(pl.Float64, strict=False)
    return pl.when(s.is_in(MISSING)).then(None).when(pct).then(num / 100).otherwise(num)


def seconds_expr(col: pl.Expr) -> pl.Expr:
    """Durations '12.5', '12,5s', '0:45', '1:02:03', '45 detik' -> seconds (Float64)."""
    s = col.cast(pl.String).str.strip_chars().str.to_lowercase()
    hms = s.str.extract_groups(r"^(?:(?P<h>\d+):)?(?P<m>\d{1,2}):(?P<s>\d{2}(?:[.,]\d+)?)$")
    from_hms = (hms.struct.field("h").cast(pl.Float64, strict=False).fill_null(0) * 3600
                + hms.struct.field("m").cast(pl.Float64, strict=False) * 60
                + hms.struct.field("s").str.replace(",", ".").cast(pl.Float64, strict=False))
    plain = s.str.replace_all(r"(?:s|sec|secs|seconds|detik|dtk)$", "").str.strip_chars().str.replace(",", ".")
    return pl.when(s.is_in(MISSING)).then(None).when(hms.struct.field("m").is_not_null()).then(from_hms).otherwise(
        plain.cast(pl.Float64, strict=False))
