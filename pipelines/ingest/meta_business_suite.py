"""Meta Business Suite content export (CSV or XLSX) for Instagram: headers in the UI's language.

Headers are matched through an alias table (English, Indonesian, Swedish, and the pre-2025 names
Impressions and Plays). Numbers may carry thousands separators. "Publish time" is the account's local
time, MM/DD/YYYY HH:MM in English exports; files saved again by a spreadsheet or exported in another
language may hold DD/MM/YYYY, 12-hour times ("2:30 PM"), "14.30" or ISO times with an offset. The day
and month order is decided once per file: a first field above 12 means day first, a second field
above 12 means month first, and when every date is ambiguous the header's language decides (English:
month first; Indonesian, Swedish, Spanish: day first). A publish time that cannot be read sends its
row to quarantine. The `Date` column says "Lifetime": totals as of the export day.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from pipelines.ingest.base import FormatError, Hints, ParseResult, quarantine_frame
from pipelines.ingest.dates import datetime_text_expr, slashed_day_first
from pipelines.ingest.numbers import count_expr, seconds_expr
from pipelines.ingest.readers import headers_of, normalise_header, tables, with_row_ids
from pipelines.ingest.schemas import CONTENT, conform
from pipelines.messages import Reason

FORMAT = "meta_business_suite"

ALIASES: dict[str, list[str]] = {
    "post_id": ["post id", "id postingan", "id kiriman", "id posting", "inläggs-id", "id de la publicación"],
    "account_id": ["account id", "id akun", "konto-id"],
    "account_username": ["account username", "nama pengguna akun", "kontots användarnamn", "nombre de usuario de la cuenta"],
    "account_name": ["account name", "nama akun", "kontonamn"],
    "description": ["description", "deskripsi", "keterangan", "beskrivning", "descripción", "caption"],
    "duration": ["duration (sec)", "durasi (detik)", "durasi (dtk)", "längd (sek)", "duración (s)"],
    "publish_time": ["publish time", "waktu publikasi", "waktu dipublikasikan", "waktu terbit", "publiceringstid",
                     "hora de publicación"],
    "permalink": ["permalink", "tautan permanen", "permanent länk", "enlace permanente"],
    "post_type": ["post type", "jenis postingan", "jenis kiriman", "jenis posting", "inläggstyp", "tipo de publicación"],
    "views": ["views", "tayangan", "dilihat", "visningar", "visualizaciones"],
    "reach": ["reach", "jangkauan", "räckvidd", "alcance"],
    "likes": ["likes", "suka", "gilla-markeringar", "me gusta"],
    "shares": ["shares", "dibagikan", "bagikan", "delningar", "veces compartido"],
    "follows": ["follows", "mengikuti", "ikuti", "följningar", "seguimientos"],
    "comments": ["comments", "komentar", "kommentarer", "comentarios"],
    "saves": ["saves", "disimpan", "simpan", "sparade objekt", "sparningar", "guardados"],
    "impressions": ["impressions", "impresi", "intryck", "impresiones"],
    "plays": ["plays", "diputar", "pemutaran", "uppspelningar", "reproducciones"],
}
_LOOKUP = {alias: canon for canon, names in ALIASES.items() for alias in names}
# Publish-time headers of languages that write the day before the month (used only when no date in the
# file settles the order); English headers, and any header not listed, mean month first as Meta writes.
_DAY_FIRST_HEADERS = {"waktu publikasi", "waktu dipublikasikan", "waktu terbit", "publiceringstid", "hora de publicación"}
def day_first_order(values: pl.Series, header: str | None) -> bool:
    """Whether a file's slashed dates put the day first: decided once for the whole column, the header's
    language deciding when every date is ambiguous."""
    return slashed_day_first(values, normalise_header(header or "") in _DAY_FIRST_HEADERS)


def canonical_columns(columns: list[str]) -> dict[str, str]:
    """canonical name -> the file's own header, for the headers the alias table knows."""
    out = {}
    for c in columns:
        canon = _LOOKUP.get(normalise_header(c))
        if canon and canon not in out:
            out[canon] = c
    return out


def sniff(data: bytes, name: str, hints: Hints | None = None) -> float:
    """A header (of any sheet) with a post id or permalink, a publish time and at least three metrics."""
    for header in headers_of(data):
        found = canonical_columns(header)
        metrics = {"views", "reach", "likes", "shares", "comments", "saves", "impressions", "plays", "follows"} & found.keys()
        if ({"post_id", "permalink"} & found.keys()) and "publish_time" in found and len(metrics) >= 3:
            return 0.9
    return 0.0


def parse(data: bytes, name: str, hints: Hints | None = None) -> ParseResult:
    """One snapshot row per post, metrics as of the export day."""
    export_date = hints.export_date if hints else date.today()
    read = tables(data, lambda header: bool({"post_id", "permalink"} & canonical_columns(header).keys()))
    frames, quarantine = [], list(read.set_aside)
    sheets = [(sheet, frame, canonical_columns(frame.columns)) for sheet, frame in read.items()]
    sheets = [(sheet, frame, cols) for sheet, frame, cols in sheets if {"post_id", "permalink"} & cols.keys()]
    # One day/month order for the whole file, from every sheet's publish times.
    times = [frame[cols["publish_time"]] for _, frame, cols in sheets if "publish_time" in cols]
    header = next((cols["publish_time"] for _, _, cols in sheets if "publish_time" in cols), None)
    day_first = day_first_order(pl.concat(times) if times else pl.Series([], dtype=pl.String), header)
    why = "reason_publish_time_day_first" if day_first else "reason_publish_time_month_first"
    for sheet, frame, cols in sheets:
        frame = with_row_ids(frame)
        def get(key: str, cols: dict[str, str] = cols) -> pl.Expr:
            return pl.col(cols[key]) if key in cols else pl.lit(None, dtype=pl.String)

        published = datetime_text_expr(get("publish_time"), day_first)
        out = frame.with_columns(
            locator=pl.format(("row {}" if not sheet else f"{sheet} row {{}}"), pl.col("_row") + 2),
            source_format=pl.lit(FORMAT), platform=pl.lit("instagram"),
            native_id=get("post_id").str.strip_chars(), url=get("permalink").str.strip_chars(),
            account=get("account_username").str.strip_chars(), title=get("description"),
            post_type=get("post_type").str.strip_chars(),
            posted_at_local=published.struct.field("local"), posted_at_utc=published.struct.field("utc"),
            _readable=published.struct.field("readable"),
            observed_on=pl.lit(export_date), duration_seconds=seconds_expr(get("duration")),
            **{k: count_expr(get(k)) for k in ("views", "reach", "likes", "shares", "follows", "comments", "saves",
                                                "impressions", "plays")},
        )
        missing = out.filter(pl.col("native_id").is_null() & pl.col("url").is_null())
        quarantine += [(r["locator"], r["raw_json"], Reason("reason_post_without_id")) for r in missing.iter_rows(named=True)]
        out = out.filter(pl.col("native_id").is_not_null() | pl.col("url").is_not_null())
        unreadable = out.filter(~pl.col("_readable").fill_null(True))
        quarantine += [(r["locator"], r["raw_json"], Reason(why, value=r[cols["publish_time"]], column=cols["publish_time"]))
                       for r in unreadable.iter_rows(named=True)]
        frames.append(conform(CONTENT, out.filter(pl.col("_readable").fill_null(True))))
    if not frames:
        raise FormatError.of("file_meta_business_suite_columns")
    return ParseResult(FORMAT, {CONTENT: pl.concat(frames)}, quarantine_frame(quarantine),
                       [f"{sum(f.height for f in frames)} posts, export date {export_date}"])
