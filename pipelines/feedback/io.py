"""Feedback stage I/O: read customer texts from the warehouse; write what the analysis found (ops.voice_analysis,
ops.themes, ops.idea_groups), rebuild the feedback marts over it and keep the themes' history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import numpy as np
import polars as pl

from pipelines.feedback.themes import KnownTheme
from warehouse.build import FEEDBACK_MODELS, build_order, create_macros, materialise
from warehouse.connection import fetch_value, registered

VOICE_SQL = """
select voice_id, tenant_id, platform, channel, local_date, author_key, text, rating, product_name, lang
from marts.fct_customer_voice
where not is_from_business and text is not null and trim(text) <> ''
order by voice_id
"""


def read_voice(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Customers' texts (the business's own messages left out), in a stable order."""
    return con.sql(VOICE_SQL).pl()


@dataclass
class History:
    previous: dict[str, str]           # text key -> theme id at the last run
    known: list[KnownTheme]
    next_number: dict[str, int]        # per id prefix: next free number
    first_run: dict[str, datetime]     # theme id -> first run it was found in


def read_history(con: duckdb.DuckDBPyConnection, tenant_id: str) -> History:
    """Earlier assignments and themes of a tenant, for stable theme ids."""
    assigned = con.sql("select text_key, theme_id from ops.theme_assignments where tenant_id = ?", params=[tenant_id]).pl()
    registry = con.sql(
        "select theme_id, intent, centre, first_run_at from ops.theme_registry where tenant_id = ? order by theme_id",
        params=[tenant_id]).pl()
    known = [KnownTheme(t, i, np.asarray(c if c is not None else [], dtype=np.float32))
             for t, i, c in zip(registry["theme_id"], registry["intent"], registry["centre"], strict=True)]
    # new ids continue after the highest of their prefix (ids from before themes spanned intents, such as
    # keluhan-004, carry over as they are)
    next_number: dict[str, int] = {}
    for theme_id in registry["theme_id"]:
        prefix, _, number = theme_id.rpartition("-")
        if number.isdigit():
            next_number[prefix] = max(next_number.get(prefix, 1), int(number) + 1)
    return History(dict(zip(assigned["text_key"], assigned["theme_id"], strict=True)), known, next_number,
                   dict(zip(registry["theme_id"], registry["first_run_at"], strict=True)))


ANALYSIS_TABLES = {"signals": "ops.voice_analysis", "themes": "ops.themes", "ideas": "ops.idea_groups"}


def write_feedback(con: duckdb.DuckDBPyConnection, tenant_id: str, run_at: datetime, *, signals: pl.DataFrame,
                   themes: pl.DataFrame, ideas: pl.DataFrame, registry: pl.DataFrame, assignments: pl.DataFrame,
                   run: dict) -> dict[str, int]:
    """Replace the tenant's analysis rows in ops, rebuild the feedback marts over them and update the theme
    history, in one transaction. Returns the marts' row counts."""
    con.execute("begin transaction")
    try:
        for name, frame in (("signals", signals), ("themes", themes), ("ideas", ideas)):
            con.execute(f"delete from {ANALYSIS_TABLES[name]} where tenant_id = ?", [tenant_id])
            with registered(con, "_gaung_frame", frame):
                con.execute(f"insert into {ANALYSIS_TABLES[name]} by name select * from _gaung_frame")
        create_macros(con)
        counts = {}
        for layer, name in build_order(FEEDBACK_MODELS):
            materialise(con, layer, name)
            counts[f"{layer}.{name}"] = fetch_value(con, f"select count(*) from {layer}.{name}")
        _write_history(con, tenant_id, run_at, registry, assignments, run)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return counts


def _write_history(con: duckdb.DuckDBPyConnection, tenant_id: str, run_at: datetime, registry: pl.DataFrame,
                   assignments: pl.DataFrame, run: dict) -> None:
    """The theme registry (themes not found this run kept, inactive), the texts' assignments and the run's row."""
    with registered(con, "_gaung_registry", registry):
        con.execute("update ops.theme_registry set is_active = false where tenant_id = ?", [tenant_id])
        con.execute("""
            insert into ops.theme_registry
            select tenant_id, theme_id, intent, label, keywords, centre, first_run_at, last_run_at, true
            from _gaung_registry
            on conflict (tenant_id, theme_id) do update set
                label = excluded.label, keywords = excluded.keywords, centre = excluded.centre,
                last_run_at = excluded.last_run_at, is_active = true
        """)
    con.execute("delete from ops.theme_assignments where tenant_id = ?", [tenant_id])
    with registered(con, "_gaung_assign", assignments):
        con.execute("insert into ops.theme_assignments select tenant_id, text_key, theme_id from _gaung_assign")
    con.execute("insert into ops.theme_runs values (?, ?, ?, ?, ?, ?, ?, ?)",
                [tenant_id, run_at, run["model"], run["n_texts"], run["n_themes"], run["n_unassigned"],
                 run["n_new_embeddings"], run["input_hash"]])


def last_input_hash(con: duckdb.DuckDBPyConnection, tenant_id: str) -> str | None:
    """The input fingerprint of the tenant's last themes run, if the marts from it still exist."""
    exists = con.sql("select count(*) from information_schema.tables where table_schema = 'marts' "
                     "and table_name = 'fct_product_ideas'").fetchall()[0][0]
    if not exists:
        return None
    rows = con.execute("select input_hash from ops.theme_runs where tenant_id = ? order by run_at desc limit 1",
                       [tenant_id]).fetchall()
    return rows[0][0] if rows else None
