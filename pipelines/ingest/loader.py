"""Load parsed files into a tenant's warehouse: one transaction per file, lineage, quarantine, idempotence.

A file is identified by the SHA-256 of its bytes. The same bytes again are a 'duplicate' and change
nothing, unless --format names another format than the one they were loaded as: then the file is read
again as that format and its rows replace the earlier ones (a file loaded under the wrong format is not
stuck). A file that cannot be read is recorded as 'rejected' with an error naming it; other files
still load. Nothing a parser raises escapes: it becomes a rejection with its reason.

A file on disk whose absolute path, size and modification time (ns) are those recorded when it was loaded is
taken as unchanged without being read, as rsync and git's index do: a second ingest of a 238 MB export costs a
stat, not a read and a hash. A different file written at the same path with the same size and the same
modification time would be taken as unchanged too; `quick=False` (`gaung ingest --check-contents`) reads and
hashes every file.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from pipelines.ingest.base import FormatError, Hints, ParseResult, export_date_hint
from pipelines.ingest.formats import detect, module_for, supported_formats
from pipelines.ingest.io import Unit, discover, read_units, refusal
from pipelines.ingest.outcomes import FileOutcome, lineage_path, unchanged_file
from pipelines.ingest.readers import is_xlsx
from pipelines.ingest.schemas import REVIEWS
from pipelines.ingest.workbooks import workbook_problem
from warehouse.connection import fetch_one, registered


def file_id_for(sha256: str) -> str:
    """A file's id: the first 16 hex digits of its SHA-256 (unique per tenant for practical purposes)."""
    return sha256[:16]


def _record(con: duckdb.DuckDBPyConnection, tenant_id: str, o: FileOutcome, sha: str, size: int, at: datetime,
            mtime_ns: int | None = None) -> None:
    con.execute(
        "insert into ops.ingested_files (file_id, tenant_id, path, sha256, bytes, source_format, rows_loaded,"
        " rows_quarantined, status, error, error_id, ingested_at, mtime_ns)"
        " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [o.file_id, tenant_id, lineage_path(o.path), sha, size, o.source_format, o.rows_loaded, o.rows_quarantined,
         o.status, o.error, o.error_id, at, mtime_ns],
    )


def _store(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    if frame.is_empty():
        return
    # Columns with no value at all are left to the table's default (null): not passed is cheaper to store.
    frame = frame.drop([c for c in frame.columns if frame[c].null_count() == frame.height])
    # Arrow string views go to DuckDB as they are: no copy of a million texts into plain strings.
    with registered(con, "_gaung_rows", frame):
        con.execute(f"insert into {table} by name select * from _gaung_rows")


# What every review of a part of a file shares: stored once in raw.review_files, not in each row (011).
REVIEW_PART = ["locator_prefix", "source_format", "platform"]


def _insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, file_id: str, tenant_id: str) -> None:
    if frame.is_empty():
        return
    if table != REVIEWS:
        _store(con, table, frame.with_columns(pl.lit(file_id).alias("file_id"), pl.lit(tenant_id).alias("tenant_id")))
        return
    # raw.reviews is a view over raw.review_rows and raw.review_files: one part per sheet (or the file).
    one_part = frame.select(pl.all_horizontal(pl.col(k).eq_missing(pl.col(k).first()) for k in REVIEW_PART).all()).item()
    if one_part:
        parts = frame.head(1).select(pl.lit(0, dtype=pl.Int32).alias("part"), *REVIEW_PART)
        rows = frame.drop(REVIEW_PART).with_columns(pl.lit(0, dtype=pl.Int32).alias("part"))
    else:
        parts = frame.select(REVIEW_PART).unique(maintain_order=True).with_row_index("part").cast({"part": pl.Int32})
        rows = frame.join(parts, on=REVIEW_PART, how="left", nulls_equal=True, maintain_order="left").drop(REVIEW_PART)
    _store(con, "raw.review_files", parts.with_columns(pl.lit(file_id).alias("file_id"), pl.lit(tenant_id).alias("tenant_id")))
    _store(con, "raw.review_rows", rows.with_columns(pl.lit(file_id).alias("file_id")))


def _forget_rows(con: duckdb.DuckDBPyConnection, tenant_id: str, file_id: str) -> None:
    """Delete what a file put in the warehouse (raw rows, quarantine), in the caller's transaction: every table
    of raw and ops.quarantine with a file_id column, so a raw table added later is covered too."""
    tables = con.execute(
        "select c.table_schema, c.table_name, bool_or(c.column_name = 'tenant_id') from information_schema.columns c"
        " join information_schema.tables t using (table_catalog, table_schema, table_name)"
        " where t.table_type = 'BASE TABLE' and c.table_name <> 'ingested_files'"
        " and (c.table_schema = 'raw' or (c.table_schema = 'ops' and c.table_name = 'quarantine'))"
        " group by all having bool_or(c.column_name = 'file_id') order by all").fetchall()
    for schema, table, has_tenant in tables:
        where = "file_id = ?" + (" and tenant_id = ?" if has_tenant else "")
        con.execute(f'delete from "{schema}"."{table}" where {where}', [file_id, tenant_id] if has_tenant else [file_id])


def _why_unrecognised(data: bytes) -> FormatError | None:
    """A reason a file is no export at all that a person can act on: a saved web page, broken JSON."""
    whole = data[:1_000_000].decode("utf-8-sig", errors="replace")
    text = whole.lstrip()
    head = text[:1000].lower()
    if head.startswith(("<!doctype html", "<html")) or ("<html" in head and "<head" in head):
        return FormatError.of("file_web_page")
    if text[:1] in "{[" and text and len(data) <= 1_000_000:
        try:
            json.loads(whole)
        except RecursionError:
            return TOO_DEEP
        except json.JSONDecodeError as exc:
            lines = [ln for ln in whole.splitlines() if ln.strip()]
            try:  # NDJSON: one document a line, every one of them valid
                for ln in lines:
                    json.loads(ln)
            except json.JSONDecodeError:
                return FormatError.of("file_json_broken", line=exc.lineno, column=exc.colno, error=exc.msg)
    return None


TOO_DEEP = FormatError.of("file_json_too_deep")


class NotRead(FormatError):
    """A file that is part of an export archive but holds nothing Gaung reads (skipped, not rejected)."""


# Folders of Meta's "Download your information" archives (Instagram, Facebook). Their posts, comments,
# insights and messages are read; the rest (profile, followers, ads, settings, logins...) is no export
# of customers' words or content, and is skipped rather than rejected.
META_ARCHIVE_FOLDERS = frozenset("""
your_instagram_activity your_facebook_activity personal_information logged_information
ads_information ads_and_businesses security_and_login_information information_about_you
apps_and_websites_off_of_instagram apps_and_websites_off_of_facebook your_topics meta_spark
activity_messages logged_in_activity your_activity_across_facebook
""".split())
# Folder names too common to mean a Meta archive on their own: they count only inside a zip.
META_ARCHIVE_FOLDERS_IN_ZIP = frozenset({"connections", "preferences"})


def meta_archive_part(path: str) -> bool:
    """Whether a file (or zip member) lies in a folder of a Meta "Download your information" archive."""
    folders = [p.casefold() for p in re.split(r"!/|[\\/]", path)[:-1]]
    inside = [p.casefold() for p in re.split(r"[\\/]", path.split("!/", 1)[1])[:-1]] if "!/" in path else []
    return any(f in META_ARCHIVE_FOLDERS for f in folders) or any(f in META_ARCHIVE_FOLDERS_IN_ZIP for f in inside)


def _parse(unit: Unit, fmt: str | None, hints: Hints, max_archive: int, max_ratio: int) -> ParseResult:
    assert unit.data is not None
    if is_xlsx(unit.data):  # bounded like a zip before any reader unpacks it
        problem = workbook_problem(unit.data, max_archive, max_ratio)
        if problem is not None:
            raise problem
    chosen = fmt or detect(unit.data, unit.path, hints)
    if chosen is None:
        why = _why_unrecognised(unit.data)
        if meta_archive_part(unit.path):
            if why and str(why).startswith("this is a web page"):
                raise FormatError.of("file_meta_download_html")
            raise NotRead("part of a 'Download your information' archive that holds no posts, comments, insights "
                          "or messages (profile, followers, ads, settings...)")
        if why:
            raise why
        raise FormatError.of("file_not_recognised", formats=supported_formats())
    return module_for(chosen).parse(unit.data, unit.path, hints)


def _replace_lineage(con: duckdb.DuckDBPyConnection, tenant_id: str, outcome: FileOutcome, sha: str, size: int,
                     at: datetime, mtime_ns: int | None = None) -> None:
    """Record a file's outcome in ops.ingested_files in place of what was recorded for it before."""
    con.execute("begin transaction")
    con.execute("delete from ops.ingested_files where tenant_id = ? and file_id = ?", [tenant_id, outcome.file_id])
    _record(con, tenant_id, outcome, sha, size, at, mtime_ns)
    con.execute("commit")


def _store_result(con: duckdb.DuckDBPyConnection, tenant_id: str, path: str, result: ParseResult, sha: str, size: int,
                  at: datetime, replaced: tuple | None, mtime_ns: int | None = None) -> FileOutcome:
    """Store a parsed file (raw rows, quarantine, lineage) in one transaction. `replaced`: the lineage row of the
    load this one replaces (a file read again as another format), which stands if this one cannot be stored."""
    file_id = file_id_for(sha)
    outcome = FileOutcome(path, "loaded", file_id, result.source_format, result.rows_loaded,
                          result.quarantine.height, notes=result.notes)
    if replaced:
        outcome.notes.append(f"read again as {result.source_format}: replaces its load as {replaced[1]} "
                             f"({replaced[2]} rows)")
    con.execute("begin transaction")
    try:
        con.execute("delete from ops.ingested_files where tenant_id = ? and file_id = ?", [tenant_id, file_id])
        if replaced:
            _forget_rows(con, tenant_id, file_id)
        _record(con, tenant_id, outcome, sha, size, at, mtime_ns)
        for table, frame in result.tables.items():
            _insert_frame(con, table, frame, file_id, tenant_id)
        _insert_frame(con, "ops.quarantine", result.quarantine, file_id, tenant_id)
        con.execute("commit")
    except Exception as exc:
        con.execute("rollback")
        outcome = FileOutcome(path, "rejected", file_id, result.source_format,
                              **{k: f"{path}: {v}" for k, v in refusal("file_not_stored", error_type=type(exc).__name__,
                                                                          error=exc).items()})
        if replaced:  # rolled back: the earlier load stands, and so does its lineage
            outcome.notes.append(f"still loaded as {replaced[1]} ({replaced[2]} rows), as before")
            return outcome
        _replace_lineage(con, tenant_id, outcome, sha, size, at, mtime_ns)
    return outcome


def ingest_unit(con: duckdb.DuckDBPyConnection, tenant_id: str, unit: Unit, *, fmt: str | None,
                ingested_at: datetime, on_stage: Callable[[str, str], None] | None = None,
                mappings: dict[str, dict[str, str]] | None = None, mapping: str | None = None,
                timezone: str | None = None, max_archive: int | None = None,
                max_ratio: int | None = None) -> FileOutcome:
    """Ingest one file's bytes in one transaction; never raises for bad input. timezone (the tenant's,
    IANA) gives the day a file's modification time falls on, its export date when its name holds none.
    max_archive and max_ratio bound what a workbook unpacks to (default: GAUNG_MAX_ARCHIVE_BYTES and
    GAUNG_MAX_ARCHIVE_RATIO)."""
    if max_archive is None or max_ratio is None:
        from pipelines.settings import get_settings

        settings = get_settings()
        max_archive = settings.max_archive_bytes if max_archive is None else max_archive
        max_ratio = settings.max_archive_ratio if max_ratio is None else max_ratio
    stage = on_stage or (lambda _path, _stage: None)
    if unit.skipped:
        return FileOutcome(unit.path, "skipped", notes=["media attachment, not ingested"])
    data = unit.data if unit.data is not None else unit.path.encode()
    sha = hashlib.sha256(data).hexdigest()
    file_id = file_id_for(sha)
    prior = fetch_one(
        con, "select status, source_format, rows_loaded, rows_quarantined, error, path, mtime_ns from ops.ingested_files"
        " where tenant_id = ? and file_id = ?", [tenant_id, file_id])
    # Loaded before: nothing to do, unless --format asks for another format than the file was loaded as.
    reread = bool(prior and prior[0] == "loaded" and fmt is not None and fmt != prior[1])
    if prior and prior[0] == "loaded" and not reread:
        if unit.mtime_ns is not None and prior[5] == lineage_path(unit.path) and prior[6] != unit.mtime_ns:
            # The same bytes at the same path, touched or copied again: the next ingest need not read them.
            con.execute("update ops.ingested_files set mtime_ns = ? where tenant_id = ? and file_id = ?",
                        [unit.mtime_ns, tenant_id, file_id])
        return FileOutcome(unit.path, "duplicate", file_id, prior[1], 0, 0,
                           notes=[f"same bytes already loaded ({prior[2]} rows)"])

    outcome = FileOutcome(unit.path, "rejected", file_id)
    result: ParseResult | None = None
    if unit.error:
        outcome.error = f"{unit.path}: {unit.error}"
        outcome.error_id = f"{unit.path}: {unit.error_id}" if unit.error_id else None
    else:
        stage(unit.path, "parse")
        try:
            hints = Hints(export_date_hint(unit.path, unit.modified, ingested_at, timezone), mappings or {}, mapping)
            result = _parse(unit, fmt, hints, max_archive, max_ratio)
        except NotRead as exc:
            return FileOutcome(unit.path, "skipped", notes=[str(exc)])
        except FormatError as exc:
            outcome.error = f"{unit.path}: {exc}"
            outcome.error_id = f"{unit.path}: {exc.indonesian}" if exc.indonesian else None
        except RecursionError:  # JSON (or any structure) nested deeper than a parser can follow
            outcome.error, outcome.error_id = f"{unit.path}: {TOO_DEEP}", f"{unit.path}: {TOO_DEEP.indonesian}"
        except Exception as exc:  # nothing a parser raises may escape the loader
            why = refusal("file_not_parsed", error_type=type(exc).__name__, error=exc)
            outcome.error, outcome.error_id = f"{unit.path}: {why['error']}", f"{unit.path}: {why['error_id']}"
    if result is None:
        if reread:  # the earlier load stays as it was: the file is not lost for a format that does not fit
            outcome.source_format = fmt
            outcome.notes.append(f"still loaded as {prior[1]} ({prior[2]} rows), as before")
            return outcome
        if prior and prior[0] == "rejected" and prior[4] == outcome.error:
            return outcome  # rejected before for the same reason: record nothing new
        _replace_lineage(con, tenant_id, outcome, sha, len(data), ingested_at, unit.mtime_ns)
        return outcome
    stage(unit.path, "store")
    return _store_result(con, tenant_id, unit.path, result, sha, len(data), ingested_at,
                         prior if reread else None, unit.mtime_ns)


def ingest_paths(con: duckdb.DuckDBPyConnection, tenant_id: str, paths: list[Path], *, fmt: str | None,
                 ingested_at: datetime, max_file: int, max_total: int, max_ratio: int,
                 on_file: Callable[[Path, int], None] | None = None,
                 on_stage: Callable[[str, str], None] | None = None,
                 mappings: dict[str, dict[str, str]] | None = None, mapping: str | None = None,
                 timezone: str | None = None, quick: bool = True) -> list[FileOutcome]:
    """Ingest every file under the given paths; on_file(path, bytes) and on_stage(path, stage) report progress.
    quick: a file unchanged since it was loaded (unchanged_file) is not read; False reads and hashes every file."""
    if fmt is not None:
        module_for(fmt)  # fail fast on a mistyped --format
    outcomes: list[FileOutcome] = []
    for path in discover(paths):
        same = unchanged_file(con, tenant_id, path, fmt=fmt, max_file=max_file) if quick else None
        if same is not None:
            outcomes.append(same)
        else:
            for unit in read_units(path, max_file=max_file, max_total=max_total, max_ratio=max_ratio):
                outcomes.append(ingest_unit(con, tenant_id, unit, fmt=fmt, ingested_at=ingested_at, on_stage=on_stage,
                                            mappings=mappings, mapping=mapping, timezone=timezone,
                                            max_archive=max_total, max_ratio=max_ratio))
        if on_file is not None:
            try:
                on_file(path, path.stat().st_size)
            except OSError:
                on_file(path, 0)
    return outcomes
