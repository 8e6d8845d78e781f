"""Open a tenant's DuckDB file: one writer at a time, migrations applied on open, UTC sessions."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:  # polars is imported where a frame is made: opening a warehouse needs none
    import polars as pl

MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


class WarehouseBusy(RuntimeError):
    """Another process holds the write lock on this warehouse file (still, after `waited` seconds)."""

    def __init__(self, message: str, *, path: Path | None = None, waited: float = 0.0) -> None:
        super().__init__(message)
        self.path = path
        self.waited = waited


class NoWarehouse(FileNotFoundError):
    """A tenant's warehouse was asked for reading before anything was ingested for it."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"No warehouse at {path}: ingest some files for this tenant first (gaung ingest).")
        self.path = path


def _settings():
    """Gaung's settings, imported when a connection is opened (warehouse/ needs nothing else from pipelines/)."""
    from pipelines.settings import get_settings

    return get_settings()


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every file in warehouse/migrations, in version order."""
    out = []
    for entry in resources.files("warehouse").joinpath("migrations").iterdir():
        m = MIGRATION_NAME.match(entry.name)
        if m:
            out.append((int(m.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(out)


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations not yet recorded in ops.schema_migrations; each in its own transaction."""
    con.execute("create schema if not exists ops")
    con.execute(
        "create table if not exists ops.schema_migrations ("
        " version integer primary key, name varchar not null, applied_at timestamptz not null default now())"
    )
    done = {row[0] for row in con.execute("select version from ops.schema_migrations").fetchall()}
    applied = []
    for version, name, sql in migrations():
        if version in done:
            continue
        con.execute("begin transaction")
        try:
            con.execute(sql)
            con.execute("insert into ops.schema_migrations (version, name) values (?, ?)", [version, name])
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        applied.append(name)
    return applied


def connect(path: Path | str, *, read_only: bool = False, wait_seconds: float | None = None,
            memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """Open a warehouse file. Writers apply pending migrations; a busy file is retried for wait_seconds
    (default GAUNG_WAREHOUSE_WAIT_SECONDS, 30), then WarehouseBusy; a missing file read-only is NoWarehouse.
    memory_limit: DuckDB's, default GAUNG_DUCKDB_MEMORY_LIMIT (1GB)."""
    path = Path(path)
    if read_only and not path.exists():
        raise NoWarehouse(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if wait_seconds is None or memory_limit is None:
        settings = _settings()
        wait_seconds = settings.warehouse_wait_seconds if wait_seconds is None else wait_seconds
        memory_limit = settings.duckdb_memory_limit if memory_limit is None else memory_limit
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                if "lock" in str(exc).lower():
                    raise WarehouseBusy(
                        f"{path} is being written by another process (one writer per tenant at a time); waited "
                        f"{wait_seconds:g} seconds. Wait for that run to finish and try again.",
                        path=path, waited=wait_seconds,
                    ) from None
                raise
            time.sleep(0.5)
    con.execute("set TimeZone = 'UTC'")
    # DuckDB draws a progress bar on stdout for queries over two seconds: it would break `gaung ingest --json`
    # and the logs of Airflow tasks. Gaung reports its own progress. Inside Jupyter DuckDB refuses to change the
    # setting without ipywidgets; there the bar is the notebook's, not stdout's, and is left as it is.
    try:
        con.execute("set enable_progress_bar = false")
    except duckdb.InvalidInputException:
        pass
    # DuckDB takes 80% of RAM by default; with several tenants per worker that is too greedy. It spills
    # to disk beyond this limit instead of failing.
    con.execute(f"set memory_limit = '{memory_limit}'")
    if not read_only:
        apply_migrations(con)
    return con


@contextmanager
def warehouse(path: Path | str, *, read_only: bool = False, wait_seconds: float | None = None,
              memory_limit: str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A warehouse connection for one with-block: opened as connect() opens it (migrated when writing) and
    closed whatever happens inside."""
    con = connect(path, read_only=read_only, wait_seconds=wait_seconds, memory_limit=memory_limit)
    try:
        yield con
    finally:
        con.close()


def fetch_one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple | None:
    """The first row of a query, with the result fully consumed (DuckDB 2 keeps unfinished results open)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def fetch_value(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    """The single value of a query (None when it returns no row)."""
    row = fetch_one(con, sql, params)
    return None if row is None else row[0]


class ArrowStream:
    """A polars frame offered to DuckDB through the Arrow C stream interface: scanned where it lies, and no
    pyarrow import on the way (with pandas, which pyarrow pulls in, a quarter second of every command's start)."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame

    def __arrow_c_stream__(self, requested_schema=None):
        return self.frame.__arrow_c_stream__(requested_schema)


def _holds_null_type(dtype: pl.DataType) -> bool:
    import polars as pl

    if dtype == pl.Null:
        return True
    if isinstance(dtype, pl.List | pl.Array):
        return _holds_null_type(dtype.inner)
    if isinstance(dtype, pl.Struct):
        return any(_holds_null_type(f.dtype) for f in dtype.fields)
    return False


def register_frame(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    """Make a polars frame queryable as `name` on this connection (replacing an earlier one)."""
    if any(_holds_null_type(dtype) for dtype in frame.dtypes):
        # DuckDB's C stream reader rejects Arrow's null type (all-None columns); pyarrow's path reads it.
        con.register(name, frame.to_arrow())
    else:
        con.register(name, ArrowStream(frame))


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> Iterator[str]:
    """A polars frame queryable as `name` for one with-block (register_frame), unregistered whatever happens.
    Unregistering never raises: inside an aborted transaction DuckDB refuses it, and the error that aborted the
    transaction is the one to surface."""
    register_frame(con, name, frame)
    try:
        yield name
    finally:
        try:
            con.unregister(name)
        except duckdb.Error:
            pass


def query_frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pl.DataFrame:
    """A query's result as a polars frame, read through the Arrow C stream interface (no pyarrow)."""
    import polars as pl

    return pl.DataFrame(con.sql(sql, params=params))
