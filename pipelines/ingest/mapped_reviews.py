"""Any other review export (TikTok Shop, Bukalapak, GrabFood...) as CSV/XLSX through a column mapping.

A mapping names, for Gaung's fields, the file's own columns, plus the platform as a plain value:

    [tenants.warung.mappings.tiktok_shop]
    platform = "tiktok_shop"
    text = "Ulasan"
    rating = "Bintang"
    created_at = "Tanggal"
    product_name = "Produk"

A file is read with a mapping when all the mapped columns are in its header (or when it is named on the
command line with --mapping, or given ad hoc with --map field=Column).
"""

from __future__ import annotations

import difflib
from datetime import date

import polars as pl

from pipelines.ingest.base import FormatError, Hints, ParseResult, quarantine_frame
from pipelines.ingest.readers import ROW, headers_of, normalise_header, tables, xlsx_headers
from pipelines.ingest.reviews import FIELDS, review_frame, row_prefixes
from pipelines.ingest.schemas import REVIEWS
from pipelines.messages import text

FORMAT = "mapped_reviews"


class MappingError(ValueError):
    """A column mapping that cannot work; str() in English, `indonesian` the same in Bahasa Indonesia."""

    def __init__(self, message: str, indonesian: str | None = None) -> None:
        super().__init__(message)
        self.indonesian = indonesian


def validate_mapping(name: str, mapping: dict[str, str]) -> None:
    """Raise MappingError (a ValueError) naming unknown fields or a missing text/rating column."""
    unknown = sorted(set(mapping) - set(FIELDS) - {"platform"})
    if unknown:
        raise MappingError(*(text("mapping_unknown_fields", lang, mapping=name, unknown=unknown, fields=", ".join(FIELDS))
                             for lang in ("en", "id")))
    if "text" not in mapping and "rating" not in mapping:
        raise MappingError(*(text("mapping_without_text_or_rating", lang, mapping=name) for lang in ("en", "id")))


# How many of a file's columns (and a workbook's sheets) an error names: enough to recognise the file, never
# its whole header.
SHOWN_COLUMNS = 5
SHOWN_SHEETS = 5


def _columns_hint(missing: list[str], columns: list[str], lang: str) -> str:
    """A file's columns, briefly, in lang: the first few and how many more, then the ones nearest to the missing
    names ('Ulasan' for 'ulasan ', 'Bintang' for 'Bintang ⭐')."""
    near: list[str] = []
    normal = [normalise_header(c) for c in columns]
    for want in missing:
        for match in difflib.get_close_matches(normalise_header(want), normal, n=2, cutoff=0.6):
            original = columns[normal.index(match)]
            if original not in near:
                near.append(original)
    more = len(columns) - SHOWN_COLUMNS
    hint = ", ".join(columns[:SHOWN_COLUMNS]) + (text("mapping_more_columns", lang, more=more) if more > 0 else "")
    if near:
        hint += text("mapping_did_you_mean", lang, names=", ".join(repr(c) for c in near[:3]))
    return hint


def _sheets_hint(data: bytes, columns: list[str], lang: str) -> str:
    """The first sheets of a workbook with their columns, briefly, in lang."""
    headers = xlsx_headers(data)
    more = len(headers) - SHOWN_SHEETS
    shown = "; ".join(f"{name}: " + (_columns_hint(columns, list(header), lang) if header
                                     else text("mapping_sheet_empty", lang)) for name, header in headers[:SHOWN_SHEETS])
    shown += text("mapping_more_sheets", lang, more=more) if more > 0 else ""
    return shown or text("mapping_no_sheet_read", lang)


def _columns(mapping: dict[str, str]) -> set[str]:
    return {normalise_header(v) for k, v in mapping.items() if k != "platform"}


def _matching(data: bytes, hints: Hints | None) -> tuple[str, dict[str, str]] | None:
    if hints is None:
        return None
    if hints.mapping:
        return hints.mapping, hints.mappings[hints.mapping]
    headers = [set(h) for h in headers_of(data)]
    for name, mapping in sorted(hints.mappings.items()):
        cols = _columns(mapping)
        if cols and any(cols <= header for header in headers):
            return name, mapping
    return None


def sniff(data: bytes, name: str, hints: Hints | None = None) -> float:
    """Only with a tenant mapping whose columns are all in the header of the file or of one of its sheets
    (below every built-in format)."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \r\n\t")
    if head[:1] in (b"{", b"["):
        return 0.0
    return 0.6 if _matching(data, hints) else 0.0


def parse(data: bytes, name: str, hints: Hints | None = None) -> ParseResult:
    """Reviews into raw.reviews through the mapping."""
    match = _matching(data, hints)
    if match is None:
        raise FormatError.of("file_no_mapping_fits")
    mapping_name, mapping = match
    validate_mapping(mapping_name, mapping)
    export_date = hints.export_date if hints else date.today()
    needed = _columns(mapping)
    read = tables(data, lambda header: needed <= set(header))  # a workbook: only the sheets with the columns
    outs, quarantine = [], list(read.set_aside)
    for frame, prefix in row_prefixes(read):
        lookup = {normalise_header(c): c for c in frame.columns if c != ROW}
        missing = [v for k, v in mapping.items() if k != "platform" and normalise_header(v) not in lookup]
        if missing:
            has = [c for c in frame.columns if c != ROW]
            raise FormatError(*(text("file_mapping_columns_missing", lang, mapping=mapping_name, missing=missing,
                                     has=_columns_hint(missing, has, lang)) for lang in ("en", "id")))
        cols = {k: lookup[normalise_header(v)] for k, v in mapping.items() if k != "platform"}
        out, q = review_frame(frame, cols, platform=mapping.get("platform", mapping_name), source_format=FORMAT,
                              export_date=export_date, locator_prefix=prefix)
        outs.append(out)
        quarantine += q
    if not outs:
        columns = [v for k, v in mapping.items() if k != "platform"]
        raise FormatError(*(text("file_mapping_no_sheet", lang, mapping=mapping_name, columns=columns,
                                 sheets=_sheets_hint(data, columns, lang)) for lang in ("en", "id")))
    out = pl.concat(outs)
    return ParseResult(FORMAT, {REVIEWS: out}, quarantine_frame(quarantine),
                       [f"{out.height} reviews through mapping {mapping_name!r}"])
