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
        raise MappingError(f"mapping {name!r}: unknown field(s) {unknown}; use {', '.join(FIELDS)} and platform",
                           f"pemetaan {name!r}: bidang tidak dikenal {unknown}; pakai {', '.join(FIELDS)} dan platform")
    if "text" not in mapping and "rating" not in mapping:
        raise MappingError(f"mapping {name!r} must name at least the 'text' or 'rating' column",
                           f"pemetaan {name!r} harus menyebut paling tidak kolom 'text' atau 'rating'")


# How many of a file's columns (and a workbook's sheets) an error names: enough to recognise the file, never
# its whole header.
SHOWN_COLUMNS = 5
SHOWN_SHEETS = 5


def _columns_hint(missing: list[str], columns: list[str]) -> tuple[str, str]:
    """A file's columns, briefly (English, Indonesian): the first few and how many more, then the ones nearest to
    the missing names ('Ulasan' for 'ulasan ', 'Bintang' for 'Bintang ⭐')."""
    near: list[str] = []
    normal = [normalise_header(c) for c in columns]
    for want in missing:
        for match in difflib.get_close_matches(normalise_header(want), normal, n=2, cutoff=0.6):
            original = columns[normal.index(match)]
            if original not in near:
                near.append(original)
    first = ", ".join(columns[:SHOWN_COLUMNS])
    more = len(columns) - SHOWN_COLUMNS
    en = first + (f" and {more:,} more" if more > 0 else "")
    id_ = first + (f" dan {more:,} lainnya" if more > 0 else "")
    if near:
        en += f"; did you mean {', '.join(repr(c) for c in near[:3])}?"
        id_ += f"; maksudnya {', '.join(repr(c) for c in near[:3])}?"
    return en, id_


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
        raise FormatError("no column mapping fits this file: declare one in tenants.toml "
                          "([tenants.<id>.mappings.<name>] with text = \"<column>\", rating = ...) or pass --map",
                          "tidak ada pemetaan kolom yang cocok dengan berkas ini: tulis satu di tenants.toml "
                          "([tenants.<id>.mappings.<nama>] dengan text = \"<kolom>\", rating = ...) atau pakai --map")
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
            has_en, has_id = _columns_hint(missing, [c for c in frame.columns if c != ROW])
            raise FormatError(f"mapping {mapping_name!r} names column(s) {missing} that the file does not have "
                              f"(it has: {has_en})",
                              f"pemetaan {mapping_name!r} menyebut kolom {missing} yang tidak ada di berkas "
                              f"(kolom yang ada: {has_id})")
        cols = {k: lookup[normalise_header(v)] for k, v in mapping.items() if k != "platform"}
        out, q = review_frame(frame, cols, platform=mapping.get("platform", mapping_name), source_format=FORMAT,
                              export_date=export_date, locator_prefix=prefix)
        outs.append(out)
        quarantine += q
    if not outs:
        columns = [v for k, v in mapping.items() if k != "platform"]
        headers = xlsx_headers(data)
        hints = [(name, _columns_hint(columns, list(header)) if header else ("empty", "kosong"))
                 for name, header in headers[:SHOWN_SHEETS]]
        more = len(headers) - SHOWN_SHEETS
        sheets = "; ".join(f"{name}: {en}" for name, (en, _) in hints) + (f"; and {more} more sheets" if more > 0 else "")
        sheets_id = "; ".join(f"{name}: {id_}" for name, (_, id_) in hints) + (f"; dan {more} sheet lainnya" if more > 0 else "")
        raise FormatError(f"mapping {mapping_name!r} names column(s) {columns} that no sheet of the workbook has "
                          f"(its sheets and headers: {sheets or 'none readable'})",
                          f"pemetaan {mapping_name!r} menyebut kolom {columns} yang tidak ada di sheet mana pun "
                          f"(sheet dan header-nya: {sheets_id or 'tidak ada yang terbaca'})")
    out = pl.concat(outs)
    return ParseResult(FORMAT, {REVIEWS: out}, quarantine_frame(quarantine),
                       [f"{out.height} reviews through mapping {mapping_name!r}"])
