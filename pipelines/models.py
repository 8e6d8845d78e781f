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
# The scoring stage: rates and virality per content, campaigns (trends are written by pipelines.score).
SCORE_MODELS = [
    ("marts", "fct_content_scores"),
    ("marts", "fct_campaign_performance"),
]


def model_sql(layer: str, name: str) -> str:
    """The SQL text of one model."""
    return resources.files("warehouse").joinpath(layer, f"{name}.sql").read_text(encoding="utf-8")


PEOPLE_SOURCES = """
    select author as raw from raw.whatsapp_export_messages
    union select chat_name from raw.whatsapp_export_messages
    union select from_wa_id from raw.whatsapp_cloud_messages
    union select author from raw.reviews
    union select author from raw.comments
"""
VOICE_TEXTS = """
    select text from staging.stg_whatsapp__messages
    union select text from staging.stg_marketplace__reviews
    union select text from staging.stg_social__comments
"""


def _register(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    try:
        con.unregister(name)
    except Exception:
        pass
    con.register(name, table)


def register_people(con: duckdb.DuckDBPyConnection, key: bytes, tenant: Tenant) -> None:
    """_gaung_people(raw, author_key, author_label): every raw name or number, hashed and masked once."""
    raws = [r for (r,) in con.execute(f"select raw from ({PEOPLE_SOURCES}) where raw is not null").fetchall()]
    raws = sorted(set(raws) | set(tenant.business_identifiers("whatsapp")) | {tenant.name})
    _register(con, "_gaung_people", pa.table({
        "raw": pa.array(raws, type=pa.string()),
        "author_key": pa.array([privacy.author_key(key, r) for r in raws], type=pa.string()),
        "author_label": pa.array([privacy.mask_label(r) for r in raws], type=pa.string()),
    }))


def register_languages(con: duckdb.DuckDBPyConnection) -> None:
    """_gaung_langs(text, lang) for every distinct text the voice table will carry."""
    texts = pl.from_arrow(con.sql(f"select text from ({VOICE_TEXTS}) where text is not null").to_arrow_table()["text"])
    _register(con, "_gaung_langs", pa.table({"text": texts.to_arrow(), "lang": detect_language(texts).to_arrow()}))


def register_functions(con: duckdb.DuckDBPyConnection, key: bytes, tenant: Tenant) -> None:
    """The lookups and the macros models call: gaung_author_key, gaung_mask_label, gaung_mask_phones, gaung_lang."""
    register_people(con, key, tenant)
    _register(con, "_gaung_langs", pa.table({"text": pa.array([], pa.string()), "lang": pa.array([], pa.string())}))
    con.execute("create or replace temp macro gaung_author_key(x) as (select author_key from _gaung_people where raw = x)")
    con.execute("create or replace temp macro gaung_mask_label(x) as (select author_label from _gaung_people where raw = x)")
    con.execute(f"create or replace temp macro gaung_mask_phones(t) as {privacy.sql_mask_phones('t')}")
    con.execute("create or replace temp macro gaung_lang(t) as (select lang from _gaung_langs where text = t)")


def build_models(con: duckdb.DuckDBPyConnection, tenant: Tenant, master_key: bytes,
                 models: list[tuple[str, str]] | None = None, after=None) -> dict[str, int]:
    """Rebuild staging and mart tables for a tenant (all core models by default), in one transaction;
    `after(con)` runs inside the same transaction and returns extra counts. Returns row counts per table."""
    key = privacy.tenant_key(master_key, tenant.id)
    register_functions(con, key, tenant)
    business = sorted({privacy.author_key(key, v) for v in tenant.business_identifiers("whatsapp")} - {None})
    con.register("_gaung_business_keys", pa.table({"author_key": pa.array(business, type=pa.string())}))
    defaults = [(p, ids[0].lstrip("@").lower()) for p, ids in sorted(tenant.accounts.items()) if ids and p != "whatsapp"]
    con.register("_gaung_default_accounts", pa.table({"platform": pa.array([p for p, _ in defaults], type=pa.string()),
                                                      "account": pa.array([a for _, a in defaults], type=pa.string())}))
    con.execute("set variable tenant_timezone = ?", [tenant.timezone])
    con.execute("set variable tenant_name = ?", [tenant.name])
    con.execute("set variable tenant_id = ?", [tenant.id])
    camps = tenant.campaigns
    _register(con, "_gaung_campaigns", pa.table({
        "campaign": pa.array([c.name for c in camps], pa.string()),
        "hashtags": pa.array([c.hashtags for c in camps], pa.list_(pa.string())),
        "keywords": pa.array([c.keywords for c in camps], pa.list_(pa.string())),
        "start_date": pa.array([c.start for c in camps], pa.date32()),
        "end_date": pa.array([c.end for c in camps], pa.date32()),
    }))
    counts: dict[str, int] = {}
    con.execute("begin transaction")
    try:
        for layer, name in (MODELS if models is None else models):
            if layer == "marts" and name == "fct_customer_voice":
                register_languages(con)
            table = f"{layer}.{name}"
            con.execute(f"create or replace table {table} as {model_sql(layer, name)}")
            counts[table] = fetch_value(con, f"select count(*) from {table}")
        if after is not None:
            counts.update(after(con))
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.unregister("_gaung_business_keys")
        con.unregister("_gaung_default_accounts")
        con.unregister("_gaung_campaigns")
    return counts
