"""Models kept up to date incrementally: their table gains the rows of newly loaded files, equal to a full rebuild.

staging.stg_whatsapp__messages holds every message of every chat: a million rows for a busy shop, and rebuilding
it for one small new export took seconds. Each of its rows depends on its own file only (occurrences are numbered
within a file), except for the dedupe of overlapping exports, which keeps the first of a message's rows by
(source_file_id, source_order). So the model's own SQL is run over the new files' rows alone, and the result is
merged by that rule: a new row is added, replaces a row that comes after it, or is dropped.

Everything else rebuilds the table in full, as before: a changed fingerprint (the model's SQL, the key, the tenant
settings and functions it reads), a file removed or read again as another format (its format and ingested_at differ), new
rows in a source the merge does not cover (Cloud API webhooks: edits and revokes reach across files), no record of
what the table was built from (a warehouse built by an older Gaung), or a build asked to be full.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import duckdb

from warehouse.connection import fetch_value


@dataclass(frozen=True)
class Merge:
    """How new rows join a model's table: `key` identifies a row, the one first by `order` is kept (two SQL
    expressions over a row `{r}` of the table: the model's own dedupe order, from the columns it keeps); new rows may
    come only from the `appendable` sources (rows of new files in any other source rebuild the table)."""

    key: str
    order: tuple[str, str]
    appendable: frozenset[str]


INCREMENTAL = {
    # source_order is an export row's first line, the number its source_locator starts with ('lines 40-43')
    ("staging", "stg_whatsapp__messages"): Merge(
        "message_id", ("{r}.source_file_id", r"cast(regexp_extract({r}.source_locator, '\d+') as integer)"),
        frozenset({"raw.whatsapp_export_messages"})),
}
NEW_FILES = "_gaung_new_files"
CANDIDATES = "_gaung_new_rows"


def fingerprint(sql: str, inputs: str) -> str:
    """What a model's table depends on besides its rows: its SQL and the build's inputs (key, tenant, functions)."""
    return hashlib.md5(f"{sql}\n{inputs}".encode()).hexdigest()


def new_files(con: duckdb.DuckDBPyConnection, model: str, stamp: str, sources: set[str], merge: Merge) -> list[str] | None:
    """The loaded files the model's table does not hold yet, or None when it must be rebuilt in full."""
    if fetch_value(con, "select fingerprint from ops.model_state where model = ?", [model]) != stamp:
        return None
    built = {f: (at, fmt) for f, at, fmt in con.execute(
        "select file_id, ingested_at, source_format from ops.model_files where model = ?", [model]).fetchall()}
    loaded = {f: (at, fmt) for f, at, fmt in con.execute(
        "select file_id, ingested_at, source_format from ops.ingested_files where status = 'loaded'").fetchall()}
    if any(loaded.get(f) != seen for f, seen in built.items()):
        return None  # a file gone, or loaded again (as another format): its old rows may be in the table
    new = sorted(set(loaded) - set(built))
    _files_table(con, new)
    for source in sorted(sources - merge.appendable):
        if fetch_value(con, f"select count(*) from {source} where file_id in (select file_id from {NEW_FILES})"):
            return None
    return new


def _files_table(con: duckdb.DuckDBPyConnection, files: list[str]) -> None:
    con.execute(f"create or replace temp table {NEW_FILES} (file_id varchar)")
    if files:
        con.executemany(f"insert into {NEW_FILES} values (?)", [[f] for f in files])


def merge_new_rows(con: duckdb.DuckDBPyConnection, table: str, sql: str, sources: set[str], merge: Merge) -> None:
    """Run the model's SQL over the new files' rows (NEW_FILES) and merge them into its table by `merge`'s rule."""
    only_new = {s: f"(select * from {s} where file_id in (select file_id from {NEW_FILES}))" if s in merge.appendable
                else f"(select * from {s} where false)" for s in sources}
    pattern = re.compile(r"\b(" + "|".join(re.escape(s) for s in sorted(only_new)) + r")\b")
    con.execute(f"create or replace temp table {CANDIDATES} as {pattern.sub(lambda m: only_new[m.group(1)], sql)}")
    (n1, t1), (n2, t2) = ((o.format(r="n"), o.format(r="t")) for o in merge.order)
    earlier = f"({n1} < {t1} or ({n1} = {t1} and {n2} < {t2}))"
    con.execute(f"delete from {table} t using {CANDIDATES} n where t.{merge.key} = n.{merge.key} and {earlier}")
    con.execute(f"insert into {table} select n.* from {CANDIDATES} n anti join {table} t using ({merge.key})")
    con.execute(f"drop table {CANDIDATES}")


def record_build(con: duckdb.DuckDBPyConnection, model: str, stamp: str, files: list[str] | None) -> None:
    """Remember what the model's table now holds: every loaded file after a full build (files None), else the
    new files too."""
    con.execute("delete from ops.model_state where model = ?", [model])
    con.execute("insert into ops.model_state values (?, ?)", [model, stamp])
    if files is None:
        con.execute("delete from ops.model_files where model = ?", [model])
        con.execute("insert into ops.model_files select ?, file_id, ingested_at, source_format from ops.ingested_files"
                    " where status = 'loaded'", [model])
    else:
        con.execute(f"insert into ops.model_files select ?, f.file_id, f.ingested_at, f.source_format"
                    f" from ops.ingested_files f"
                    f" semi join {NEW_FILES} n using (file_id) where f.status = 'loaded'", [model])
    con.execute(f"drop table if exists {NEW_FILES}")
