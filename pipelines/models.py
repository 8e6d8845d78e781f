"""Build the staging and mart tables of one tenant's warehouse from its raw tables, in one transaction.

Each model is a SQL file in warehouse/staging or warehouse/marts; it is materialised with
`create or replace table`, so a rebuild from the same raw rows gives the same tables. Models call
a few functions registered here (keyed hashes, masks, language), so people never reach staging in clear.
"""

from __future__ import annotations

from importlib import resources

import duckdb
import polars as pl
import pyarrow as pa

from pipelines import privacy
from pipelines.feedback.language import detect_language
from pipelines.tenants import Tenant
from warehouse.connection import fetch_value

# Build order: a model may read only the models before it.
MODELS = [
    ("staging", "stg_whatsapp__messages"),
    ("staging", "stg_content__snapshots"),
    ("staging", "stg_account__daily"),
    ("staging", "stg_marketplace__reviews"),
    ("staging", "stg_social__comments"),
    ("marts", "dim_content"),
    ("marts", "fct_content_metrics"),
    ("marts", "fct_account_daily"),
    ("marts", "fct_customer_voice"),
]


def model_sql(layer: str, name: str) -> str:
    """The SQL text of one model."""
    return resources.files("warehouse").joinpath(layer, f"{name}.sql").read_text(encoding="utf-8")


def _per_distinct(fn):
    """An Arrow UDF applying fn once per distinct non-null value of the batch."""

    def udf(values: pa.Array) -> pa.Array:
        items = values.to_pylist()
        cache = {v: fn(v) for v in set(items) if v is not None}
        return pa.array([None if v is None else cache[v] for v in items], type=pa.string())

    return udf


def register_functions(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """Register gaung_author_key, gaung_mask_label, gaung_mask_phones and gaung_lang on a connection."""
    functions = {
        "gaung_author_key": _per_distinct(lambda v: privacy.author_key(key, v)),
        "gaung_mask_label": _per_distinct(privacy.mask_label),
        "gaung_mask_phones": _per_distinct(privacy.mask_phones_in_text),
        "gaung_lang": lambda values: detect_language(pl.from_arrow(values)).to_arrow(),
    }
    for name, fn in functions.items():
        try:
            con.remove_function(name)
        except Exception:
            pass
        con.create_function(name, fn, ["VARCHAR"], "VARCHAR", type="arrow", null_handling="special")


def build_models(con: duckdb.DuckDBPyConnection, tenant: Tenant, master_key: bytes) -> dict[str, int]:
    """Rebuild every staging and mart table for a tenant; returns row counts per table."""
    key = privacy.tenant_key(master_key, tenant.id)
    register_functions(con, key)
    business = sorted({privacy.author_key(key, v) for v in tenant.business_identifiers("whatsapp")} - {None})
    con.register("_gaung_business_keys", pa.table({"author_key": pa.array(business, type=pa.string())}))
    defaults = [(p, ids[0].lstrip("@").lower()) for p, ids in sorted(tenant.accounts.items()) if ids and p != "whatsapp"]
    con.register("_gaung_default_accounts", pa.table({"platform": pa.array([p for p, _ in defaults], type=pa.string()),
                                                      "account": pa.array([a for _, a in defaults], type=pa.string())}))
    con.execute("set variable tenant_timezone = ?", [tenant.timezone])
    con.execute("set variable tenant_name = ?", [tenant.name])
    counts: dict[str, int] = {}
    con.execute("begin transaction")
    try:
        for layer, name in MODELS:
            table = f"{layer}.{name}"
            con.execute(f"create or replace table {table} as {model_sql(layer, name)}")
            counts[table] = fetch_value(con, f"select count(*) from {table}")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.unregister("_gaung_business_keys")
        con.unregister("_gaung_default_accounts")
    return counts
