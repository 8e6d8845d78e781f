"""Exports read as text: CSV (any separator, ragged rows set aside), the sheets of an XLSX, and JSON.

Everything is read as text first (real exports quote every field and store numbers as strings), then
cleaned column-wise with polars (numbers.py, dates.py). Raw values stay in `raw_json`; cleaned ones are typed.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import json
import re
import zipfile
from collections.abc import Callable

import polars as pl

from pipelines.ingest.base import FormatError, decode_text
from pipelines.messages import Reason

# What exports write for no value.
MISSING = ["", "undefined", "null", "none", "n/a", "na", "-", "--", "—", "nan"]
# The same as one case-insensitive anchored pattern: much cheaper than lower-casing a million texts.
MISSING_PATTERN = "(?i)^(?:" + "|".join(re.escape(m) for m in MISSING if m) + ")?$"


def normalise_header(name: str) -> str:
    """'\ufeff"Total views" ' -> 'total views'."""
    return re.sub(r"\s+", " ", name.replace("\ufeff", "").strip().strip('"').strip()).casefold()


def is_xlsx(data: bytes) -> bool:
    """An Office Open XML workbook (a zip with xl/workbook.xml), not an archive of exports."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "xl/workbook.xml" in names


def xlsx_sheets(data: bytes, names: list[str] | None = None) -> dict[str, pl.DataFrame]:
    """The named sheets of a workbook (every sheet when names is None) as text columns, header from the first row."""
    if names is not None and not names:
        return {}
    try:
        # Empty rows are kept by the reader and dropped here, so the rest keep the row numbers Excel shows.
        sheets = pl.read_excel(data, sheet_id=0 if names is None else None, sheet_name=names, infer_schema_length=0,
                               raise_if_empty=False, drop_empty_rows=False, drop_empty_cols=False)
    except Exception as exc:
        raise FormatError.of("file_workbook_unreadable", error_type=type(exc).__name__, error=exc) from None
    return {name: _without_blank_rows(df.select(pl.all().cast(pl.String))) for name, df in sheets.items()}


@functools.lru_cache(maxsize=1)
def xlsx_headers(data: bytes) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(sheet name, normalised header) of every sheet of a workbook, in order, without reading the rows;
    empty when it cannot be read. Cached for the last workbook: every sniffer asks for it."""
    try:
        import fastexcel

        reader = fastexcel.read_excel(data)
        return tuple((name, tuple(normalise_header(c.name) for c in reader.load_sheet(name, n_rows=0).available_columns()))
                     for name in reader.sheet_names)
    except Exception:  # a damaged workbook is for the parser to report
        return ()


# Spreadsheet row number (header = row 1) of each row of a frame read row by row because some rows were
# set aside; frames without it number their rows from 2. Read it through `with_row_ids`.
ROW = "__gaung_row__"


class Tables(dict):
    """Tables of a file by sheet name ('' for a CSV), and the rows set aside while reading them."""

    def __init__(self, frames: dict[str, pl.DataFrame], set_aside: list[tuple[str, str, Reason]] | None = None):
        super().__init__(frames)
        self.set_aside = list(set_aside or [])


def utf8_bytes(data: bytes) -> bytes:
    """The bytes as UTF-8 without BOM: UTF-16 and Windows-1252 files (Excel's 'Unicode Text' and 'CSV')
    are re-encoded, UTF-8 passes through untouched."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:]
    if data.isascii():
        return data
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return decode_text(data).encode("utf-8")
    try:
        data.decode("utf-8")
        return data
    except UnicodeDecodeError:
        return decode_text(data).encode("utf-8")


def csv_frame(data: bytes) -> tuple[pl.DataFrame, list[tuple[str, str, Reason]]]:
    """A CSV as text columns plus quarantine rows for ragged lines; fast path first, row by row if needed.

    Rows with more fields than the header are set aside (quarantine, 'row N' as a spreadsheet shows it) and
    the frame then carries their numbers in ROW. Rows with fewer fields load with the missing trailing
    fields empty, as spreadsheets read them."""
    tried = None
    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # The usual file, UTF-8 and rectangular: polars checks the UTF-8 itself while it reads, so a file of
        # 200 MB is not first decoded in Python (0.3 s and a copy of the whole text in memory).
        tried = data.removeprefix(codecs.BOM_UTF8)
        try:
            return _without_blank_rows(_read_csv(tried, _separator(tried), "utf8")), []
        except (pl.exceptions.ComputeError, pl.exceptions.NoDataError, pl.exceptions.ShapeError, ValueError):
            pass  # another encoding, ragged rows or broken quoting: the paths below
    text_bytes = utf8_bytes(data)
    sep = _separator(text_bytes)
    if text_bytes != tried:  # re-encoded from UTF-16 or Windows-1252: the fast path again on the UTF-8
        try:
            return _without_blank_rows(_read_csv(text_bytes, sep, "utf8-lossy")), []
        except (pl.exceptions.ComputeError, pl.exceptions.NoDataError, pl.exceptions.ShapeError, ValueError):
            pass  # ragged rows or broken quoting: read row by row below so good rows still load
    text = decode_text(text_bytes)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        header = next(reader)
    except StopIteration:
        return pl.DataFrame(), []
    rows, numbers, bad = [], [], []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue  # a blank line or a row of empty cells (often trailing): nothing to load or lose
        if len(row) == len(header):
            rows.append(row)
            numbers.append(number)
        elif len(row) < len(header):
            rows.append(row + [""] * (len(header) - len(row)))
            numbers.append(number)
        else:
            bad.append((f"row {number}", json.dumps(row, ensure_ascii=False)[:10000],
                        Reason("reason_csv_ragged", fields=len(row), header=len(header), line=reader.line_num)))
    names = _unique(header)
    frame = pl.DataFrame(rows, schema={h: pl.String for h in names}, orient="row")
    return frame.with_columns(pl.Series(ROW, numbers, dtype=pl.Int64)), bad


def _separator(data: bytes) -> str:
    """The field separator of a CSV (comma, semicolon, tab or bar), from its first line."""
    try:
        return csv.Sniffer().sniff(decode_text(data[:65536]).split("\n", 1)[0] + "\n", delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _read_csv(data: bytes, sep: str, encoding: str) -> pl.DataFrame:
    return pl.read_csv(data, separator=sep, infer_schema=False, has_header=True, encoding=encoding,
                       empty_string_is_null=False, raise_if_empty=False)


def _without_blank_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame without rows whose every cell is empty (blank lines, ',,,,' rows a spreadsheet leaves at the
    end); the rest keep their spreadsheet numbers in ROW when any were dropped."""
    if not frame.width or not frame.height:
        return frame

    def empty(c: str) -> pl.Expr:
        return pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "")

    if not frame.select(empty(frame.columns[0]).any()).item():  # one column first: cheap on a million rows
        return frame
    blank = pl.all_horizontal([empty(c) for c in frame.columns])
    if not frame.select(blank.any()).item():
        return frame
    return frame.with_columns(pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias(ROW)).filter(~blank)


def with_row_ids(frame: pl.DataFrame, columns: list[str] | None = None) -> pl.DataFrame:
    """The frame with raw_json (of `columns`, default all) and _row: the data row index, so that
    'row {_row + 2}' is the spreadsheet row even when rows were set aside while reading."""
    if ROW in frame.columns:
        rows = (pl.col(ROW) - 2).alias("_row")
        frame = frame.with_columns(rows).drop(ROW)
    else:
        frame = frame.with_columns(pl.int_range(pl.len()).alias("_row"))
    cols = [c for c in (columns if columns is not None else frame.columns) if c != "_row"]
    return frame.with_columns(row_json(frame, cols))


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n}_{seen[n]}")
    return out


def tables(data: bytes, wanted: Callable[[list[str]], bool] | None = None) -> Tables:
    """A CSV (one table named '') or the sheets of an XLSX, as text columns; rows set aside in .set_aside.

    wanted, given a sheet's normalised header, says whether to read it: a workbook's cover, notes or
    pivot sheets are then never read (every sheet is read without it)."""
    if is_xlsx(data):
        if wanted is None:
            return Tables(xlsx_sheets(data))
        headers = xlsx_headers(data)
        if not headers:
            xlsx_sheets(data)  # raises FormatError saying why the workbook cannot be read
        return Tables(xlsx_sheets(data, [name for name, header in headers if wanted(list(header))]))
    frame, bad = csv_frame(data)
    return Tables({"": frame}, bad)


def headers_of(data: bytes) -> list[list[str]]:
    """The normalised header of a CSV, or of every sheet of an XLSX (a workbook may open with a cover sheet)."""
    if is_xlsx(data):
        return [list(header) for _, header in xlsx_headers(data)]
    text = decode_text(data[:65536])
    line = text.split("\n", 1)[0]
    try:
        row = next(csv.reader([line], delimiter=max(",;\t|", key=line.count)))
    except (StopIteration, csv.Error):
        return []
    return [[normalise_header(c) for c in row]]


def fix_meta_text(value):
    """Undo Meta's export encoding: each UTF-8 byte written as its own \\u00XX; keep the original if it fails."""
    if isinstance(value, str):
        try:
            return value.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return value
    if isinstance(value, list):
        return [fix_meta_text(v) for v in value]
    if isinstance(value, dict):
        return {fix_meta_text(k): fix_meta_text(v) for k, v in value.items()}
    return value


def load_json(data: bytes) -> object:
    """JSON from bytes (BOM allowed), or FormatError saying where it breaks."""
    try:
        return json.loads(decode_text(data))
    except json.JSONDecodeError as exc:
        raise FormatError.of("file_json_invalid", line=exc.lineno, column=exc.colno, error=exc.msg) from None


def row_json(frame: pl.DataFrame, columns: list[str] | None = None) -> pl.Series:
    """Each row (or the given columns of it) as a JSON object string; null when there are no columns."""
    columns = frame.columns if columns is None else columns
    if not columns:
        return pl.repeat(None, frame.height, dtype=pl.String, eager=True).alias("raw_json")
    return frame.select(pl.struct(columns).struct.json_encode().alias("raw_json")).to_series()
