"""Shared readers and cleaners for tabular and JSON exports: CSV/XLSX as text, counts, localized dates.

Everything is read as text first (real exports quote every field and store numbers as strings), then
cleaned column-wise with polars. Raw values stay in `raw_json`; cleaned ones are typed.
"""

from __future__ import annotations

import codecs
import csv
import functools
import html
import io
import json
import re
import zipfile
from collections.abc import Callable
from datetime import date

import polars as pl

from pipelines.ingest.base import FormatError, decode_text
from pipelines.messages import Reason

MISSING = ["", "undefined", "null", "none", "n/a", "na", "-", "--", "—", "nan"]
# The same as one case-insensitive anchored pattern: much cheaper than lower-casing a million texts.
MISSING_PATTERN = "(?i)^(?:" + "|".join(re.escape(m) for m in MISSING if m) + ")?$"

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


# What a workbook may unpack to. A reader (calamine, under fastexcel) holds every sheet as a dense grid from its
# first to its last cell, about 32 bytes a cell (its cell type: a 24-byte string and a tag), so a few kilobytes
# with one cell in A1 and one in XFD1048576 would ask for 17 billion cells. Excel itself stops at these sizes.
CELL_BYTES = 32
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
_CHUNK = 1 << 20
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*?\sref=\"([A-Z]{1,4})(\d{1,12})(?::([A-Z]{1,4})(\d{1,12}))?\"")


@functools.lru_cache(maxsize=2)
def _sheet_patterns(prefixed: bool) -> dict[str, re.Pattern]:
    """Patterns for rows and cells; with prefixed, also for elements written with a namespace prefix (<x:row>),
    which cost several times more per tag and are only used where the XML has them."""
    p = rb"<(?:[A-Za-z_][\w.-]*:)?" if prefixed else b"<"
    return {
        "row": re.compile(p + rb"row[\s/>]"),
        # Every writer seen puts the reference first in a row's or cell's tag; one written later takes the
        # slower patterns (the ones that end in _anywhere).
        "row_r": re.compile(p + rb"row r=\"(\d{1,12})\""),
        "cell_ref": re.compile(p + rb"c r=\"([A-Z]{1,4})\d"),
        "row_r_anywhere": re.compile(p + rb"row\b[^>]*?\sr=\"(\d{1,12})\""),
        "cell": re.compile(p + rb"c[\s/>]"),
        "cell_ref_anywhere": re.compile(p + rb"c\b[^>]*?\sr=\"([A-Z]{1,4})\d"),
    }


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _sheet_extent(fh, budget: int, grid_budget: int) -> tuple[int, int, int]:
    """(rows, columns, bytes read) a worksheet's XML spans, read in chunks; stops once `budget` bytes are passed,
    or once the sheet is larger than Excel allows or its grid (CELL_BYTES a cell) passes grid_budget.

    Rows: the highest row number written, or the count of rows where numbers are left out; columns: the highest
    cell reference, or the most cells in one row where references are left out. A declared <dimension> counts
    too: readers size their grid from it."""
    rows = cols = read = row_tags = 0
    carry = b""
    first = True
    while True:
        chunk = fh.read(_CHUNK)
        read += len(chunk)
        buf = carry + chunk
        cut = buf.rfind(b">") + 1 if chunk else len(buf)
        if chunk and cut == 0 and len(buf) < 4 * _CHUNK:
            carry = buf
            continue
        part, carry = (buf[:cut], buf[cut:]) if cut else (buf, b"")
        if first and (m := _DIMENSION.search(part)):
            last_col, last_row = (m.group(3), m.group(4)) if m.group(3) else (m.group(1), m.group(2))
            rows, cols = int(last_row), _column_number(last_col)
        first = False
        rx = _sheet_patterns(b":row" in part or b":c " in part)
        row_numbers, n_rows = rx["row_r"].findall(part), len(rx["row"].findall(part))
        refs, n_cells = rx["cell_ref"].findall(part), len(rx["cell"].findall(part))
        if len(row_numbers) < n_rows:
            row_numbers = rx["row_r_anywhere"].findall(part)
        row_tags += n_rows
        rows = max([rows, *map(int, row_numbers)])
        if len(refs) < n_cells:
            refs = rx["cell_ref_anywhere"].findall(part)
        cols = max([cols, *map(_column_number, set(refs))])
        if len(refs) < n_cells:  # cells placed by position: the most in one row
            cols = max([cols, *(len(rx["cell"].findall(row)) for row in rx["row"].split(part))])
        spanned = max(rows, row_tags)
        if (not chunk or read > budget or spanned > EXCEL_MAX_ROWS or cols > EXCEL_MAX_COLUMNS
                or spanned * cols * CELL_BYTES > grid_budget):
            break
    return max(rows, row_tags), cols, read


_SHEET_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheet\b[^>]*>")
_RELATIONSHIP_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Relationship\b[^>]*>")


def _attribute(tag: bytes, name: bytes) -> str | None:
    m = re.search(rb"\s" + name + rb"=\"([^\"]*)\"", tag)
    return html.unescape(m.group(1).decode("utf-8", errors="replace")) if m else None


def _sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part -> the sheet's name as Excel shows it ('xl/worksheets/sheet1.xml' -> 'Ulasan'), from
    xl/workbook.xml and its relationships; empty when they are missing or implausibly large."""
    try:
        parts = {i.filename: i for i in zf.infolist()}
        book, rels = parts.get("xl/workbook.xml"), parts.get("xl/_rels/workbook.xml.rels")
        if not book or not rels or book.file_size > 10 * 1024**2 or rels.file_size > 10 * 1024**2:
            return {}
        targets = {}
        for tag in _RELATIONSHIP_TAG.findall(zf.read(rels)):
            rid, target = _attribute(tag, b"Id"), _attribute(tag, b"Target")
            if rid and target:
                targets[rid] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        names = {}
        for tag in _SHEET_TAG.findall(zf.read(book)):
            name, rid = _attribute(tag, b"name"), _attribute(tag, rb"(?:[A-Za-z_][\w.-]*:)?id")
            if name and rid in targets:
                names[targets[rid]] = name
        return names
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError):
        return {}


def workbook_problem(data: bytes, max_bytes: int, max_ratio: int) -> FormatError | None:
    """Why a workbook is refused before any reader opens it, or None: it unpacks to more than max_bytes
    (GAUNG_MAX_ARCHIVE_BYTES), a part compresses more than max_ratio:1 (GAUNG_MAX_ARCHIVE_RATIO), a sheet has
    more rows or columns than Excel allows, or its cells as a reader holds them would pass max_bytes."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # not a readable zip: the parser says why
    declared = sum(i.file_size for i in infos)
    if declared > max_bytes:
        return FormatError(
            f"the workbook would unpack to {declared:,} bytes, over the limit of {max_bytes:,} "
            "(GAUNG_MAX_ARCHIVE_BYTES); save the sheet you need as CSV, or raise the limit",
            f"isi workbook ini {declared:,} byte setelah dibuka, melebihi batas {max_bytes:,} "
            "(GAUNG_MAX_ARCHIVE_BYTES); simpan sheet yang diperlukan sebagai CSV, atau naikkan batasnya")
    for info in infos:
        if info.compress_size and info.file_size > 10 * 1024**2 and info.file_size / info.compress_size > max_ratio:
            ratio = info.file_size / info.compress_size
            return FormatError(
                f"the workbook part {info.filename} compresses {ratio:.0f}:1, over the limit of {max_ratio}:1 "
                "(GAUNG_MAX_ARCHIVE_RATIO); it looks like a zip bomb, not an export",
                f"bagian workbook {info.filename} terkompresi {ratio:.0f}:1, melebihi batas {max_ratio}:1 "
                "(GAUNG_MAX_ARCHIVE_RATIO); kemungkinan zip bomb, bukan ekspor")
    unpacked = grid = 0
    names = _sheet_names(zf)
    for info in infos:
        is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
        try:
            with zf.open(info) as fh:
                if is_sheet:
                    rows, cols, read = _sheet_extent(fh, max_bytes - unpacked, max_bytes - grid)
                else:
                    rows = cols = 0
                    read = 0
                    while (chunk := fh.read(_CHUNK)) and read <= max_bytes - unpacked:
                        read += len(chunk)
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError):
            return None  # a damaged part: the reader reports it
        unpacked += read
        sheet = repr(names.get(info.filename, info.filename.rsplit("/", 1)[-1]))
        if unpacked > max_bytes:
            return FormatError(
                f"the workbook unpacks to more than {max_bytes:,} bytes, over the limit (GAUNG_MAX_ARCHIVE_BYTES; "
                "its parts say less than they hold); save the sheet you need as CSV",
                f"isi workbook ini lebih dari {max_bytes:,} byte setelah dibuka, melebihi batas "
                "(GAUNG_MAX_ARCHIVE_BYTES; isinya lebih besar dari yang tertulis); simpan sheet yang diperlukan "
                "sebagai CSV")
        if rows > EXCEL_MAX_ROWS or cols > EXCEL_MAX_COLUMNS:
            return FormatError(
                f"sheet {sheet} spans {rows:,} rows and {cols:,} columns, more than Excel allows "
                f"({EXCEL_MAX_ROWS:,} x {EXCEL_MAX_COLUMNS:,}): no spreadsheet program wrote it; export it again",
                f"sheet {sheet} berisi {rows:,} baris dan {cols:,} kolom, melebihi batas Excel "
                f"({EXCEL_MAX_ROWS:,} x {EXCEL_MAX_COLUMNS:,}): bukan buatan program spreadsheet; ekspor ulang")
        grid += rows * cols * CELL_BYTES
        if grid > max_bytes:
            return FormatError(
                f"sheet {sheet} spans {rows:,} rows by {cols:,} columns: about {grid:,} bytes once unpacked, over the "
                f"limit of {max_bytes:,} (GAUNG_MAX_ARCHIVE_BYTES); delete the empty rows and columns past the data "
                "(or save the sheet as CSV) and ingest it again",
                f"sheet {sheet} berisi {rows:,} baris x {cols:,} kolom: sekitar {grid:,} byte setelah dibuka, "
                f"melebihi batas {max_bytes:,} (GAUNG_MAX_ARCHIVE_BYTES); hapus baris dan kolom kosong setelah data "
                "(atau simpan sheet sebagai CSV) lalu impor lagi")
    return None


def xlsx_sheets(data: bytes, names: list[str] | None = None) -> dict[str, pl.DataFrame]:
    """The named sheets of a workbook (every sheet when names is None) as text columns, header from the first row."""
    if names is not None and not names:
        return {}
    try:
        # Empty rows are kept by the reader and dropped here, so the rest keep the row numbers Excel shows.
        sheets = pl.read_excel(data, sheet_id=0 if names is None else None, sheet_name=names, infer_schema_length=0,
                               raise_if_empty=False, drop_empty_rows=False, drop_empty_cols=False)
    except Exception as exc:
        raise FormatError(f"the workbook cannot be read ({type(exc).__name__}: {exc}); save it again as .xlsx or CSV",
                          f"workbook tidak bisa dibaca ({type(exc).__name__}: {exc}); simpan ulang sebagai .xlsx "
                          "atau CSV") from None
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
    text_bytes = utf8_bytes(data)
    try:
        sample = decode_text(text_bytes[:65536])
        sep = csv.Sniffer().sniff(sample.split("\n", 1)[0] + "\n", delimiters=",;\t|").delimiter
    except csv.Error:
        sep = ","
    try:
        df = pl.read_csv(text_bytes, separator=sep, infer_schema=False, has_header=True, encoding="utf8-lossy",
                         empty_string_is_null=False, raise_if_empty=False)
        return _without_blank_rows(df), []
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
        raise FormatError(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
                          f"bukan JSON yang valid (baris {exc.lineno}, kolom {exc.colno}: {exc.msg})") from None


def row_json(frame: pl.DataFrame, columns: list[str] | None = None) -> pl.Series:
    """Each row (or the given columns of it) as a JSON object string; null when there are no columns."""
    columns = frame.columns if columns is None else columns
    if not columns:
        return pl.repeat(None, frame.height, dtype=pl.String, eager=True).alias("raw_json")
    return frame.select(pl.struct(columns).struct.json_encode().alias("raw_json")).to_series()


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
