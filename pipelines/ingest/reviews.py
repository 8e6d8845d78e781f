"""Shared shaping of marketplace reviews: one builder all review parsers (and column mappings) use."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import polars as pl

from pipelines.ingest.base import FormatError, Hints, ParseResult, quarantine_frame
from pipelines.ingest.dates import when_series
from pipelines.ingest.numbers import count_expr
from pipelines.ingest.readers import (
    MISSING_PATTERN,
    ROW,
    headers_of,
    load_json,
    normalise_header,
    tables,
    with_row_ids,
)
from pipelines.ingest.schemas import REVIEWS, SCHEMAS, conform_exprs
from pipelines.messages import Reason

FIELDS = ("review_id", "text", "rating", "created_at", "product_id", "product_name", "variant", "category", "author",
          "seller_reply", "seller_reply_at", "like_count", "media_count", "label_sentiment", "label_emotion", "anonymous")


KNOWN_TEMPLATE_LABELS = {
    "kemasan", "ketahanan", "wangi", "aroma", "tekstur", "warna", "bahan", "ukuran", "kualitas", "kualitas produk",
    "sesuai deskripsi", "sesuai gambar", "harga", "rasa", "fitur terbaik", "cocok untuk", "efek", "kegunaan",
    "performa", "tampilan", "kenyamanan", "daya tahan", "kecepatan", "kesesuaian", "kualitas bahan", "model",
    "packaging", "quality", "performance", "best feature", "value for money", "tingkat kemanisan", "porsi",
}
# One character of a template answer: anything but a line end, '.' or ':', except a '.', ',' or ':' between
# digits ("4.5 jam", "Rp 25.000", "10:30") and the "Rp." abbreviation, which belong to the answer.
_TEMPLATE_ANSWER = r"(?:\d[.,:]\d|(?i:rp)\.|[^\n.:])"
_TEMPLATE_ITEM = rf"[A-Z][A-Za-z/ ]{{1,30}}?\s*:\s*{_TEMPLATE_ANSWER}{{1,60}}?\s*(?:\.|\n|$)"


def template_series(values: pl.Series) -> pl.DataFrame:
    """template_split over a column: the prefix regex only on texts with a colon near the start, and the
    answers parsed once per distinct prefix (templates repeat across thousands of reviews)."""
    c = pl.col("c")
    # The whole match (group 0, leading blanks included, so the rest starts right after it): a pattern
    # without capture groups runs on the regex engine's fast path, four times quicker than a group.
    frame = pl.DataFrame({"c": values.cast(pl.String)}).with_columns(
        pl.when(c.str.slice(0, 48).str.contains(":", literal=True))
        .then(c.str.extract(rf"^\s*(?:{_TEMPLATE_ITEM}\s*)+", 0)).alias("prefix"))
    parsed = frame.select(pl.col("prefix").drop_nulls().unique()).with_columns(
        template_split(pl.col("prefix")).struct.field("attributes_json"))
    if parsed.is_empty():
        attributes = pl.lit(None, dtype=pl.String)
    else:
        attributes = pl.col("prefix").replace_strict(parsed["prefix"], parsed["attributes_json"], default=None,
                                                     return_dtype=pl.String)
    # The free text: what follows the answers when there are any, else the whole text; empty -> null.
    text = (pl.when(pl.col("attributes_json").is_not_null()).then(c.str.slice(pl.col("prefix").str.len_chars()))
            .otherwise(c).str.strip_chars())
    return frame.with_columns(attributes.alias("attributes_json")).select(
        "attributes_json", pl.when(text == "").then(None).otherwise(text).alias("text"))


def template_split(col: pl.Expr) -> pl.Expr:
    """Shopee's template answers at the start of a review ('Kemasan:rapi. Wangi:segar.') ->
    struct{attributes_json, text}: the answers as a JSON object and the free text that follows."""
    s = col.cast(pl.String).fill_null("")
    prefix = s.str.extract(rf"^\s*((?:{_TEMPLATE_ITEM}\s*)+)", 1)
    items = prefix.str.extract_all(rf"([A-Z][A-Za-z/ ]{{1,30}}?)\s*:\s*({_TEMPLATE_ANSWER}{{1,60}}?)\s*(?:\.|\n|$)")
    labels = items.list.eval(pl.element().str.extract(r"^([^:]+?)\s*:", 1).str.to_lowercase())
    keep = (items.list.len() >= 2) | labels.list.eval(pl.element().is_in(list(KNOWN_TEMPLATE_LABELS))).list.any()
    pairs = items.list.eval(
        pl.format('"{}": "{}"',
                  pl.element().str.extract(r"^([^:]+?)\s*:", 1).str.strip_chars().str.to_lowercase().str.replace_all('"', "'"),
                  pl.element().str.extract(r":\s*(.*?)\s*[.\n]?$", 1).str.strip_chars().str.replace_all('"', "'")))
    as_json = pl.concat_str([pl.lit("{"), pairs.list.join(", "), pl.lit("}")])
    rest = s.str.slice(prefix.str.len_chars()).str.strip_chars()
    has = prefix.is_not_null() & keep.fill_null(False)
    return pl.struct(
        pl.when(has).then(as_json).alias("attributes_json"),
        pl.when(has).then(pl.when(rest == "").then(None).otherwise(rest)).otherwise(
            pl.when(s == "").then(None).otherwise(s)).alias("text"),
    )


def _nulls(n: int) -> pl.Series:
    return pl.repeat(None, n, dtype=pl.String, eager=True)


def _text(e: pl.Expr) -> pl.Expr:
    s = e.cast(pl.String).str.strip_chars()
    return pl.when(s.str.contains(MISSING_PATTERN)).then(None).otherwise(s)


# A value _text would change: blank around it, or a missing marker ('', 'undefined', 'N/A'...).
_NEEDS_CLEANING = r"(?i)^\s|\s$|" + MISSING_PATTERN.removeprefix("(?i)")


def _clean_columns(frame: pl.DataFrame, names: list[str]) -> set[str]:
    """Of the text columns `names`, those holding no value _text would change. Most columns of an export
    are clean: they pass through as they are instead of being stripped, matched and copied row by row."""
    if not names:
        return set()
    dirty = frame.select(pl.col(c).cast(pl.String).str.contains(_NEEDS_CLEANING).any() for c in names).row(0)
    return {c for c, d in zip(names, dirty, strict=True) if not d}


def _stars(frame: pl.DataFrame, column: str | None) -> tuple[pl.Expr, pl.Expr]:
    """The rating as a number of stars ('5', '5.0', '4,00' -> 5), and whether a row holds a rating that is
    not one ('lima', '05'): the reason it is set aside."""
    if column is None:
        return pl.lit(None, dtype=pl.Int32), pl.lit(False)
    written = frame[column].cast(pl.String)
    digit = written.cast(pl.Int32, strict=False)
    if ((written.str.len_bytes() == 1) & digit.is_not_null()).sum() == written.len() - written.null_count():
        return pl.lit(digit), pl.lit(False)  # one digit each, as exports write them: no pattern to match
    raw = pl.col(column).cast(pl.String)
    # the whole match and its first character (no capture group: the regex engine's fast path)
    rating = raw.str.strip_chars().str.extract(r"^\d(?:[.,]0+)?$", 0).str.slice(0, 1).cast(pl.Int32, strict=False)
    return rating, raw.is_not_null() & pl.col("rating").is_null() & _text(raw).is_not_null()


def review_frame(frame: pl.DataFrame, columns: dict[str, str], *, platform: str, source_format: str,
                 export_date: date, locator_prefix: str = "row", split_template: bool = True) -> tuple[pl.DataFrame, list]:
    """Conformed raw.reviews rows from a text frame and a canonical-field -> column map; bad rows quarantined."""
    original = [c for c in frame.columns if c != ROW]
    unmapped = [c for c in original if c not in set(columns.values())]
    frame = with_row_ids(frame, unmapped)
    # The file's columns under private names, so that one called 'rating' or 'text' (Lazada) is still
    # the value as written when the cleaned columns are added and a bad row is quarantined.
    source = {c: f"src\x1f{c}" for c in original}
    frame = frame.rename(source)
    columns = {k: source[v] for k, v in columns.items()}
    # The review text is cleaned with the template split, times and ratings by their own parsers below.
    clean = _clean_columns(frame, sorted({v for k, v in columns.items() if k not in ("text", "rating", "created_at")}))
    text_parts, when_parts, reply_parts = _text_and_times(frame, columns, export_date, split_template)
    stars = _stars(frame, columns.get("rating"))
    # One lazy plan from here, collected once: polars fuses the cleaning and only the columns raw.reviews
    # takes (and the source ones, for rows set aside) are materialised.
    frame = frame.lazy().with_columns(
        text_parts["attributes_json"].alias("_attrs"), text_parts["text"].alias("_text"),
        when_parts["utc"].alias("_utc"), when_parts["local"].alias("_local"), when_parts["estimated"].alias("_est"),
        when_parts["text"].alias("_when_text"),
        pl.coalesce(reply_parts["utc"], reply_parts["local"]).alias("_reply_at"),
    )
    get = lambda k: pl.col(columns[k]) if k in columns else pl.lit(None, dtype=pl.String)  # noqa: E731

    def text_of(k: str) -> pl.Expr:  # the column as text, stripped, missing markers as null
        return pl.col(columns[k]).cast(pl.String) if columns.get(k) in clean else _text(get(k))

    # The free text is stripped already (blank -> null): only a missing marker ('undefined', '-') is left to clear.
    free_text = pl.col("_text") if not text_parts["text"].str.contains(MISSING_PATTERN).any() else _text(pl.col("_text"))

    rating, bad_rating = stars
    author = text_of("author")
    anonymous = get("anonymous").cast(pl.String).str.to_lowercase().is_in(["true", "1", "yes"]).fill_null(False)
    out = frame.with_columns(
        # 'row 12' / 'Sheet2 row 12' (spreadsheet numbering) or a JSON pointer such as '/ratings/10', kept as
        # its prefix and number: raw.reviews joins them, a million locator texts are never built here.
        locator_prefix=pl.lit(locator_prefix if locator_prefix.endswith("/") else f"{locator_prefix} "),
        row_number=(pl.col("_row") + (2 if locator_prefix.endswith("row") else 0)).cast(pl.Int32),
        source_format=pl.lit(source_format), platform=pl.lit(platform),
        review_id=text_of("review_id"), product_id=text_of("product_id"), product_name=text_of("product_name"),
        variant=text_of("variant"), category=text_of("category"), rating=rating,
        attributes_json=pl.col("_attrs"), text=free_text,
        author=pl.when(anonymous).then(None).otherwise(author),
        is_anonymous=anonymous | author.is_null(),
        created_at_utc=pl.col("_utc"), created_at_local=pl.col("_local"),
        # The time as written, unless it is a whole Unix time: created_at_utc then holds it exactly.
        created_at_text=pl.col("_when_text"),
        seller_reply=text_of("seller_reply"),
        seller_reply_at_utc=pl.col("_reply_at"),
        like_count=count_expr(get("like_count")), media_count=count_expr(get("media_count")).cast(pl.Int32),
        label_sentiment=text_of("label_sentiment"), label_emotion=text_of("label_emotion"),
    ).with_columns(
        created_at_is_estimated=pl.col("_est").fill_null(False)
        | (pl.col("created_at_utc").is_null() & pl.col("created_at_local").is_null()),
    ).with_columns(
        # No time at all (PRDECT-ID): the export day stands in, marked estimated.
        created_at_local=pl.when(pl.col("created_at_utc").is_null() & pl.col("created_at_local").is_null())
        .then(pl.lit(export_date).cast(pl.Datetime("us"))).otherwise(pl.col("created_at_local")),
    )
    problems = _with_reasons(out, bad_rating, get("rating"), get("created_at"))
    names = problems.collect_schema().names()
    problems = problems.select(*conform_exprs(REVIEWS, names), "reason", "reason_value", *source.values()).collect(
        engine="in-memory")
    return _set_aside(problems, source)


def _text_and_times(frame: pl.DataFrame, columns: dict[str, str], export_date: date,
                    split_template: bool) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The review text split from its template answers (attributes_json, text), and the review's and the
    seller reply's times read (utc, local, estimated, text); null columns where the file has none."""
    if split_template and "text" in columns:
        text_parts = template_series(frame[columns["text"]])
    else:
        text_parts = pl.DataFrame({"attributes_json": _nulls(frame.height),
                                   "text": frame[columns["text"]].str.strip_chars() if "text" in columns
                                   else _nulls(frame.height)})
    when_parts = when_series(frame[columns["created_at"]] if "created_at" in columns
                             else _nulls(frame.height), export_date)
    reply_parts = when_series(frame[columns["seller_reply_at"]] if "seller_reply_at" in columns
                              else _nulls(frame.height), export_date)
    return text_parts, when_parts, reply_parts


def _with_reasons(out: pl.LazyFrame, bad_rating: pl.Expr, rating_written: pl.Expr, time_written: pl.Expr) -> pl.LazyFrame:
    """Why a row is set aside, if it is: a catalogue key (pipelines/messages.toml) and the value it quotes."""
    empty = pl.col("text").is_null() & pl.col("rating").is_null()
    out_of_range = pl.col("rating").is_not_null() & ~pl.col("rating").is_between(1, 5)
    bad_time = (pl.col("created_at_text").is_not_null() & pl.col("created_at_utc").is_null()
                & (pl.col("created_at_is_estimated") & ~pl.col("_est").fill_null(False)))
    return out.with_columns(
        reason=pl.when(empty).then(pl.lit("reason_review_empty")).when(bad_rating).then(pl.lit("reason_rating_not_stars"))
        .when(out_of_range).then(pl.lit("reason_rating_range")).when(bad_time).then(pl.lit("reason_review_time")),
        reason_value=pl.when(empty).then(None).when(bad_rating).then(rating_written.cast(pl.String))
        .when(out_of_range).then(pl.col("rating").cast(pl.String)).when(bad_time).then(time_written.cast(pl.String)),
    )


def _set_aside(problems: pl.DataFrame, source: dict[str, str]) -> tuple[pl.DataFrame, list]:
    """raw.reviews rows, and the rows with a reason as quarantine rows; `source` maps the file's columns to
    their private names in `problems`."""
    bad_rows = problems["reason"].is_not_null()
    if not bad_rows.any():  # the usual case: no filtered copy of a million rows
        return problems.select(list(SCHEMAS[REVIEWS])), []
    bad = problems.filter(bad_rows)
    # a set-aside row keeps everything it held (raw_json of loaded rows holds only the unmapped columns)
    bad = bad.with_columns(locator=pl.concat_str("locator_prefix", pl.col("row_number").cast(pl.String)))
    whole = bad.select("locator", pl.struct([pl.col(p).alias(c) for c, p in source.items()]).struct.json_encode()
                       .alias("raw_json"), "reason", "reason_value") if source else bad.select(
        "locator", "raw_json", "reason", "reason_value")
    quarantine = [(r["locator"], r["raw_json"],
                   Reason(r["reason"], **({} if r["reason_value"] is None else {"value": r["reason_value"]})))
                  for r in whole.iter_rows(named=True)]
    return problems.filter(~bad_rows).select(list(SCHEMAS[REVIEWS])), quarantine


def records_frame(records: list[dict]) -> pl.DataFrame:
    """Flat JSON records as a text frame (nested values kept as JSON text)."""
    rows = [{k: (json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else None if v is None else str(v))
             for k, v in r.items()} for r in records]
    keys = list(dict.fromkeys(k for r in rows for k in r))
    return pl.DataFrame([{k: r.get(k) for k in keys} for r in rows], schema={k: pl.String for k in keys}, orient="row")


def row_prefixes(read: dict[str, pl.DataFrame]) -> list[tuple[pl.DataFrame, str]]:
    """(frame, locator prefix) for each table read: 'row', or '<sheet> row' when a workbook has several."""
    return [(frame, f"{sheet} row" if sheet and len(read) > 1 else "row") for sheet, frame in read.items()]


def reviews_result(frames: list[tuple[pl.DataFrame, str]], *, required: set[str], columns: dict[str, str],
                   platform: str, source_format: str, export_date: date, split_template: bool,
                   missing: str | FormatError,
                   header_key=None, extra_quarantine: list | None = None) -> ParseResult:
    """The ParseResult for review tables: each (frame, locator prefix) holding the required headers is
    shaped with review_frame; FormatError(missing) when none does. header_key normalises header names."""
    key = header_key or normalise_header
    outs, quarantine = [], list(extra_quarantine or [])
    for frame, prefix in frames:
        lookup = {key(c): c for c in frame.columns}
        if not required <= lookup.keys():
            continue
        out, q = review_frame(frame, {k: lookup[v] for k, v in columns.items() if v in lookup}, platform=platform,
                              source_format=source_format, export_date=export_date, locator_prefix=prefix,
                              split_template=split_template)
        outs.append(out)
        quarantine += q
    if not outs:
        raise missing if isinstance(missing, FormatError) else FormatError(missing)
    out = pl.concat(outs)
    return ParseResult(source_format, {REVIEWS: out}, quarantine_frame(quarantine), [f"{out.height} reviews"])


def is_json_export(data: bytes, first: int = 64) -> bool:
    """Whether a review export is JSON (an object or a list) rather than a table, from its first bytes."""
    return data[:first].lstrip(b"\xef\xbb\xbf \r\n\t")[:1] in (b"{", b"[")


@dataclass(frozen=True)
class ReviewExport:
    """A marketplace's review export, read as JSON (an API response) or as a table (CSV or XLSX)."""

    platform: str
    source_format: str
    split_template: bool
    found: Callable[[object], list | None]  # the review items of a JSON document; None: no such list
    flatten: Callable[[dict], dict]  # one item as flat columns
    pointer: str  # where the items are, as a JSON pointer prefix ('/ratings/')
    not_object: str  # the quarantine reason for an item that is no object
    json_columns: dict[str, str]
    required: set[str]  # a table's header must hold these
    table_columns: dict[str, str]
    # Catalogue keys of the rejections: <errors>_json (JSON without the review list), <errors>_no_reviews
    # (a list without reviews), <errors>_columns (a table without the required columns).
    errors: str


def read_reviews(data: bytes, hints: Hints | None, export: ReviewExport) -> ParseResult:
    """raw.reviews rows from a marketplace's export, JSON or a table; items that are no object quarantined."""
    shape = {"platform": export.platform, "source_format": export.source_format, "split_template": export.split_template,
             "export_date": hints.export_date if hints else date.today()}
    if not is_json_export(data):
        return table_reviews(data, required=export.required, columns=export.table_columns,
                             missing=FormatError.of(f"{export.errors}_columns"), **shape)
    items = export.found(load_json(data))
    if items is None:
        raise FormatError.of(f"{export.errors}_json")
    bad = [(f"{export.pointer}{i}", json.dumps(r)[:10000], Reason(export.not_object)) for i, r in enumerate(items)
           if not isinstance(r, dict)]
    frame = records_frame([export.flatten(r) for r in items if isinstance(r, dict)])
    return reviews_result([(frame, export.pointer)], required=set(), columns=export.json_columns, header_key=str,
                          missing=FormatError.of(f"{export.errors}_no_reviews"), extra_quarantine=bad, **shape)


def table_reviews(data: bytes, *, required: set[str], columns: dict[str, str], missing: FormatError,
                  wanted: Callable[[list[str]], bool] | None = None, **shape) -> ParseResult:
    """A CSV or XLSX review export: the sheets whose header holds the required columns, shaped by reviews_result."""
    read = tables(data, wanted or (lambda header: required <= set(header)))
    return reviews_result(row_prefixes(read), required=required, columns=columns, missing=missing,
                          extra_quarantine=read.set_aside, **shape)


def review_sniff(data: bytes, json_marks: Callable[[bytes], bool], table_fits: Callable[[list[str]], bool],
                 json_confidence: float, table_confidence: float) -> float:
    """How sure a review parser is of a file: JSON by what its first 64 KiB hold, a table by its header."""
    if is_json_export(data, 65536):
        return json_confidence if json_marks(data[:65536]) else 0.0
    return table_confidence if any(table_fits(h) for h in headers_of(data)) else 0.0
