"""What an XLSX would unpack to, measured before any reader opens it: a few kilobytes can claim billions of
cells (a zip bomb, or a sheet whose extent runs to XFD1048576), so a workbook past the limits is refused
with a reason instead of read."""

from __future__ import annotations

import functools
import html
import io
import re
import zipfile

from pipelines.ingest.base import FormatError

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
        return FormatError.of("file_workbook_too_large", declared=declared, max_bytes=max_bytes)
    for info in infos:
        if info.compress_size and info.file_size > 10 * 1024**2 and info.file_size / info.compress_size > max_ratio:
            ratio = info.file_size / info.compress_size
            return FormatError.of("file_workbook_part_ratio", part=info.filename, ratio=ratio, max_ratio=max_ratio)
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
            return FormatError.of("file_workbook_unpacks_more", max_bytes=max_bytes)
        if rows > EXCEL_MAX_ROWS or cols > EXCEL_MAX_COLUMNS:
            return FormatError.of("file_sheet_beyond_excel", sheet=sheet, rows=rows, cols=cols, max_rows=EXCEL_MAX_ROWS,
                                  max_columns=EXCEL_MAX_COLUMNS)
        grid += rows * cols * CELL_BYTES
        if grid > max_bytes:
            return FormatError.of("file_sheet_grid_too_large", sheet=sheet, rows=rows, cols=cols, grid=grid,
                                  max_bytes=max_bytes)
    return None
