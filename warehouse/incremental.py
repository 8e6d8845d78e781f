"""Models kept up to date incrementally: their table gains the rows of newly loaded files, equal to a full rebuild.

staging.stg_whatsapp__messages holds every message of every chat: a million rows for a busy shop, and rebuilding
it for one small new export took seconds. Each of its export rows depends on its own file only (occurrences are
numbered within a file), except for the dedupe of overlapping exports, which keeps the first of a message's rows by
(source_file_id, source_order). So the model's own SQL is run over the new files' rows alone, and the result is
merged by that rule: a new row is added, replaces a row that comes after it, or is dropped.

Cloud API webhooks are different: an edit or a revoke changes a message that came in an earlier batch, and a retry
repeats one. A batch of webhooks names the messages it touches (new ones, and those its edits and revokes point at);
every webhook row that bears on those messages, old and new, is run through the model again and replaces their rows.

Everything else rebuilds the table in full, as before: a changed fingerprint (the model's SQL, the key, the tenant
settings and functions it reads), a file removed or read again as another format (its format and ingested_at
differ), new rows in a source the merge does not cover, no record of what the table was built from (a warehouse
built by an older Gaung), or a build asked to be full.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import duckdb

from warehouse.connection import fetch_value


@dataclass(frozen=True)
class Rekey:
    """A source whose new rows may change rows the table already holds: `touched` selects the keys they name (SQL
    over `{new}`, the source's rows of the new files), `bears` tells the source's rows, old and new, that the
    model reads for those keys (a condition with `{keys}`, a table of the keys in its column k)."""

    touched: str
    bears: str


@dataclass(frozen=True)
class Merge:
    """How new rows join a model's table: `key` identifies a row, the one first by `order` is kept (two SQL
    expressions over a row `{r}` of the table: the model's own dedupe order, from the columns it keeps); new rows may
    come from the `appendable` sources, whose rows depend on their own file, and from the `rekeyed` ones, whose keys
    they touch are built again (rows of new files in any other source rebuild the table)."""

    key: str
    order: tuple[str, str]
    appendable: frozenset[str]
    rekeyed: dict[str, Rekey] = field(default_factory=dict)


INCREMENTAL = {
    # source_order is an export row's first line, the number its source_locator starts with ('lines 40-43')
    ("staging", "stg_whatsapp__messages"): Merge(
        "message_id", ("{r}.source_file_id", r"cast(regexp_extract({r}.source_locator, '\d+') as integer)"),
        frozenset({"raw.whatsapp_export_messages"}),
        # A webhook's message is its first delivery, its latest edit and any revoke: all rows with its id or
        # pointing at it.
        {"raw.whatsapp_cloud_messages": Rekey(
            touched="select message_id from {new} where message_type not in ('edit', 'revoke')"
                    " union select edit_original_id from {new} where message_type = 'edit'"
                    " union select revoke_original_id from {new} where message_type = 'revoke'",
            bears="message_id in (select k from {keys}) or edit_original_id in (select k from {keys})"
                  " or revoke_original_id in (select k from {keys})")}),
}
NEW_FILES = "_gaung_new_files"
CANDIDATES = "_gaung_new_rows"
TOUCHED = "_gaung_touched_keys"


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
    for source in sorted(sources - merge.appendable - set(merge.rekeyed)):
        if fetch_value(con, f"select count(*) from {source} where file_id in (select file_id from {NEW_FILES})"):
            return None
    return new


def _files_table(con: duckdb.DuckDBPyConnection, files: list[str]) -> None:
    con.execute(f"create or replace temp table {NEW_FILES} (file_id varchar)")
    if files:
        con.executemany(f"insert into {NEW_FILES} values (?)", [[f] for f in files])


def merge_new_rows(con: duckdb.DuckDBPyConnection, table: str, sql: str, sources: set[str], merge: Merge) -> None:
    """Run the model's SQL over the new files' rows (NEW_FILES) and merge them into its table by `merge`'s rule;
    the keys new rows of a rekeyed source touch are built again from all their rows, and replace theirs."""
    new = {s: f"(select * from {s} where file_id in (select file_id from {NEW_FILES}))" for s in sources}
    con.execute(f"create or replace temp table {TOUCHED} (k varchar)")
    for source, rekey in sorted(merge.rekeyed.items()):
        if source in sources:
            con.execute(f"insert into {TOUCHED} select * from ({rekey.touched.format(new=new[source])}) t(k)"
                        " where k is not null")
    only_new = {s: new[s] if s in merge.appendable
                else f"(select * from {s} where {merge.rekeyed[s].bears.format(keys=TOUCHED)})" if s in merge.rekeyed
                else f"(select * from {s} where false)" for s in sources}
    pattern = re.compile(r"\b(" + "|".join(re.escape(s) for s in sorted(only_new)) + r")\b")
    con.execute(f"create or replace temp table {CANDIDATES} as {pattern.sub(lambda m: only_new[m.group(1)], sql)}")
    con.execute(f"delete from {table} where {merge.key} in (select k from {TOUCHED})")
    (n1, t1), (n2, t2) = ((o.format(r="n"), o.format(r="t")) for o in merge.order)
    earlier = f"({n1} < {t1} or ({n1} = {t1} and {n2} < {t2}))"
    con.execute(f"delete from {table} t using {CANDIDATES} n where t.{merge.key} = n.{merge.key} and {earlier}")
    con.execute(f"insert into {table} select n.* from {CANDIDATES} n anti join {table} t using ({merge.key})")
    con.execute(f"drop table {CANDIDATES}")
    con.execute(f"drop table {TOUCHED}")


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
