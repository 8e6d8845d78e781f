"""What happened to each landed file, and the lineage that lets an ingest skip a file unchanged since it was loaded.

Kept apart from the loader so that an ingest of files that are all unchanged imports no parser and no polars:
on a second `gaung ingest` of a 238 MB export the imports, not the work, were most of the time.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from pipelines.ingest.io import OutsidePath
from warehouse.connection import fetch_one


@dataclass
class FileOutcome:
    """What happened to one file (or zip member)."""

    path: str
    status: str  # loaded | duplicate | rejected | skipped
    file_id: str | None = None
    source_format: str | None = None
    rows_loaded: int = 0
    rows_quarantined: int = 0
    error: str | None = None
    error_id: str | None = None  # the error in Bahasa Indonesia, where there is a translation
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def lineage_path(shown: str) -> str:
    """The path ops.ingested_files records: absolute, so lineage names the same file whatever folder a run
    was started from ('exports/x.csv' typed in /home/rina); a zip member keeps its '!/member'."""
    outer, sep, member = shown.partition("!/")
    return str(Path(outer).absolute()) + sep + member


def unchanged_file(con: duckdb.DuckDBPyConnection, tenant_id: str, path: Path, *, fmt: str | None,
                   max_file: int) -> FileOutcome | None:
    """A 'duplicate' outcome for a file on disk loaded before whose absolute path, size and modification time are
    those recorded then, without reading it (as rsync does); None when it must be read (new, changed, rejected
    before, too large now, or `fmt` names another format than it was loaded as). Zip members are always read."""
    if isinstance(path, OutsidePath):
        return None
    try:
        stat = path.stat()
    except OSError:
        return None
    if stat.st_size > max_file:
        return None
    prior = fetch_one(
        con, "select file_id, source_format, rows_loaded from ops.ingested_files where tenant_id = ? and path = ?"
        " and bytes = ? and mtime_ns = ? and status = 'loaded'", [tenant_id, lineage_path(str(path)), stat.st_size,
                                                                  stat.st_mtime_ns])
    if prior is None or (fmt is not None and fmt != prior[1]):
        return None
    return FileOutcome(str(path), "duplicate", prior[0], prior[1], 0, 0,
                       notes=[f"unchanged since it was loaded (same size and modification time), not read again "
                              f"({prior[2]} rows)"])
