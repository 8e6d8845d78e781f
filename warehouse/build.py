"""Build the staging and mart models of one tenant's warehouse from its raw and ops tables, in one transaction.

Each model is a SQL file in warehouse/staging or warehouse/marts; the order they are built in follows the
models' own references (`staging.x`, `marts.x`), so a model always comes after those it reads. Most are
materialised with `create or replace table`, so a rebuild from the same rows gives the same tables. Reviews,
comments and the customer-voice mart over them are views: every customer text is stored once (in raw), so a
million reviews are not written two or three times; reading the voice mart costs 0.3 to 0.6 s
per million reviews instead. Models call functions stored in the warehouse (keyed hashes and masked
labels from ops.pseudonyms, phone masking), read languages from ops.voice_languages (written by the feedback
stage, see sync_languages) and the tenant's settings from ops.tenant, so the views work for anyone who opens
the file and people never reach staging or marts in clear.
"""

from __future__ import annotations

import json
import re
from contextlib import ExitStack
from importlib import resources

import duckdb
import polars as pl

from pipelines import messages, privacy
from pipelines.feedback.language import detect_language
from pipelines.tenants import Tenant
from warehouse.connection import fetch_value, query_frame, registered
from warehouse.incremental import INCREMENTAL, fingerprint, merge_new_rows, new_files, record_build

# The stage groups: which models each stage rebuilds. The order they are built in comes from the models' own
# references (see build_order); within that, models are listed as the CLI reports them.
MODELS = [  # the core models, rebuilt after every ingest
    ("staging", "stg_whatsapp__messages"),
    ("staging", "stg_content__snapshots"),
    ("staging", "stg_account__daily"),
    ("staging", "stg_marketplace__reviews"),
    ("staging", "stg_social__comments"),
    ("staging", "stg_social__messages"),
    ("marts", "dim_content"),
    ("marts", "fct_content_metrics"),
    ("marts", "fct_account_daily"),
    ("marts", "fct_customer_voice"),
    # every review, words or stars only (read by the report and campaign uplift)
    ("marts", "fct_reviews"),
]
# The scoring stage: rates and virality per content, campaigns.
SCORE_MODELS = [
    ("marts", "fct_content_scores"),
    ("marts", "fct_campaign_performance"),
]
# Trends, over the weekly terms pipelines.score writes to ops.trend_terms.
TREND_MODELS = [
    ("marts", "fct_trends"),
]
# The feedback stage, over the intents, sentiments, themes and idea groups pipelines.feedback writes to ops.
FEEDBACK_MODELS = [
    ("marts", "fct_voice_signals"),
    ("marts", "fct_voice_theme"),
    ("marts", "dim_theme"),
    ("marts", "fct_theme_weekly"),
    ("marts", "fct_product_ideas"),
]
# The analysts' lab: weekly behavioural constructs, after scoring and feedback (pipelines.lab.io.constructs_stage).
LAB_MODELS = [
    ("marts", "fct_weekly_constructs"),
]
# Alerts: a view over ops.alerts (pipelines.alerts.notify.ensure_mart).
ALERT_MODELS = [
    ("marts", "fct_alerts"),
]
GROUPS = {"core": MODELS, "score": SCORE_MODELS, "trends": TREND_MODELS, "feedback": FEEDBACK_MODELS,
          "lab": LAB_MODELS, "alerts": ALERT_MODELS}
LAYERS = ("staging", "marts")
_REFERENCE = re.compile(r"\b(raw|ops|staging|marts)\.([a-z_][a-z0-9_]*)\b")


class ModelGraphError(ValueError):
    """The models' references do not form a buildable graph: a cycle, or a reference to no model."""


def model_sql(layer: str, name: str) -> str:
    """The SQL text of one model."""
    return resources.files("warehouse").joinpath(layer, f"{name}.sql").read_text(encoding="utf-8")


def all_models() -> list[tuple[str, str]]:
    """Every model in warehouse/staging and warehouse/marts, by layer and name."""
    return sorted((layer, entry.name[:-4]) for layer in LAYERS
                  for entry in resources.files("warehouse").joinpath(layer).iterdir() if entry.name.endswith(".sql"))


def model_sources(layer: str, name: str) -> set[tuple[str, str]]:
    """Every raw, ops, staging and mart relation one model reads (comments ignored)."""
    sql = "\n".join(line.split("--", 1)[0] for line in model_sql(layer, name).splitlines())
    return {(schema, ref) for schema, ref in _REFERENCE.findall(sql)} - {(layer, name)}


def model_references(layer: str, name: str) -> set[tuple[str, str]]:
    """The staging and mart models one model reads."""
    return {ref for ref in model_sources(layer, name) if ref[0] in LAYERS}


def dependency_graph() -> dict[tuple[str, str], set[tuple[str, str]]]:
    """Each model and the models it reads; a reference to a model with no SQL file raises ModelGraphError."""
    models = all_models()
    graph = {model: model_references(*model) for model in models}
    for model, refs in graph.items():
        missing = sorted(refs - set(models))
        if missing:
            raise ModelGraphError(f"warehouse/{model[0]}/{model[1]}.sql reads {', '.join('.'.join(m) for m in missing)}, "
                                  f"which has no model in warehouse/staging or warehouse/marts: add the model or fix the name")
    return graph


def build_order(models: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The models in an order where each comes after every model it reads that is also selected; otherwise in
    the order given. A cycle raises ModelGraphError naming the models in it."""
    graph = dependency_graph()
    unknown = [m for m in models if m not in graph]
    if unknown:
        raise ModelGraphError(f"no model {', '.join('.'.join(m) for m in unknown)} in warehouse/staging or warehouse/marts")
    selected = list(dict.fromkeys(models))
    waiting = {m: graph[m] & set(selected) for m in selected}
    order: list[tuple[str, str]] = []
    while waiting:
        ready = next((m for m in selected if m in waiting and not waiting[m]), None)
        if ready is None:
            raise ModelGraphError("the models read each other in a cycle: "
                                  + ", ".join(".".join(m) for m in selected if m in waiting))
        order.append(ready)
        del waiting[ready]
        for refs in waiting.values():
            refs.discard(ready)
    return order


PEOPLE_SOURCES = """
    select author as raw from raw.whatsapp_export_messages
    union select chat_name from raw.whatsapp_export_messages
    union select from_wa_id from raw.whatsapp_cloud_messages
    union select profile_name from raw.whatsapp_cloud_messages
    union select author from raw.reviews
    union select author from raw.comments
    union select sender from raw.direct_messages
    union select thread from raw.direct_messages
"""
# Every text the voice mart can carry, as staging writes it (phones masked). Reviews and comments are
# read from raw, not from their staging views, so the views are not evaluated twice.
# Texts repeat ("mantap", "barang sesuai"): each distinct one is masked once, not each row.
VOICE_TEXTS = """
    select text from staging.stg_whatsapp__messages
    union select gaung_mask_phones(text) from (select distinct text from raw.reviews)
    union select gaung_mask_phones(text) from (select distinct text from raw.comments)
    union select gaung_mask_phones(text) from (select distinct text from raw.direct_messages
                                                where kind in ('text', 'share', 'media'))
"""
# Models that are views: no second or third copy of a million reviews is written. The rest are tables,
# because several marts read them or they are costly to compute.
VIEWS = {("staging", "stg_marketplace__reviews"), ("staging", "stg_social__comments"), ("marts", "fct_customer_voice"),
         ("marts", "fct_reviews"), ("marts", "fct_alerts")}


def sync_pseudonyms(con: duckdb.DuckDBPyConnection, key: bytes, tenant: Tenant) -> int:
    """Bring ops.pseudonyms up to date: every raw name or number gets its keyed hash and masked label,
    hashed once; a different key (GAUNG_SECRET_KEY changed) rebuilds it all. Returns how many were added."""
    fingerprint = privacy.author_key(key, "gaung-pseudonym-fingerprint")
    if fetch_value(con, "select count(*) from ops.pseudonym_state where key_fingerprint = ?", [fingerprint]) == 0:
        con.execute("delete from ops.pseudonyms")
        con.execute("delete from ops.pseudonym_state")
        con.execute("insert into ops.pseudonym_state values (?)", [fingerprint])
    extra = sorted({*tenant.business_identifiers("whatsapp"), tenant.name} - {None, ""})
    with registered(con, "_gaung_extra_people", pl.DataFrame({"raw": extra}, schema={"raw": pl.String})):
        new = [r for (r,) in con.execute(
            f"select s.raw from (({PEOPLE_SOURCES}) union select raw from _gaung_extra_people) s"
            " anti join ops.pseudonyms p using (raw) where s.raw is not null order by s.raw").fetchall()]
    if new:
        with registered(con, "_gaung_new_people", pl.DataFrame({
            "raw": new,
            "author_key": [privacy.author_key(key, r) for r in new],
            "author_label": [privacy.mask_label(r) for r in new],
        }, schema={"raw": pl.String, "author_key": pl.String, "author_label": pl.String})):
            con.execute("insert into ops.pseudonyms select * from _gaung_new_people")
    return len(new)


# A theme's or idea group's status: new (first seen in the last two weeks), growing, fading or stable (its
# texts in the last four weeks against the four before, as of the last day with customer texts).
TREND_STATUS = """case
    when first_seen > as_of - 14 then 'new'
    when recent >= 3 and recent >= 1.5 * greatest(previous, 1) then 'growing'
    when recent <= 0.5 * previous then 'fading'
    else 'stable'
end"""


def create_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The functions models call, stored in the warehouse so its views work for anyone who opens it:
    gaung_author_key, gaung_mask_label (from ops.pseudonyms), gaung_mask_phones and gaung_trend_status."""
    con.execute("create or replace macro gaung_author_key(x) as (select author_key from ops.pseudonyms where raw = x)")
    con.execute("create or replace macro gaung_mask_label(x) as (select author_label from ops.pseudonyms where raw = x)")
    con.execute(f"create or replace macro gaung_mask_phones(t) as {privacy.sql_mask_phones('t')}")
    con.execute(f"create or replace macro gaung_trend_status(first_seen, as_of, recent, previous) as {TREND_STATUS}")


def sync_languages(con: duckdb.DuckDBPyConnection) -> int:
    """ops.voice_languages gains the language of every distinct voice text it has not seen (keyed by MD5);
    returns how many were detected (none on a rebuild of unchanged data). The feedback stage calls it, the one
    stage that uses the language: done at ingest it was half the time of loading a million distinct reviews."""
    texts = query_frame(con, f"""
        select distinct v.text from ({VOICE_TEXTS}) v
        anti join ops.voice_languages l on l.text_md5 = md5_number(v.text)
        where v.text is not null""")["text"]
    if texts.len():
        with registered(con, "_gaung_new_langs", pl.DataFrame({"text": texts, "lang": detect_language(texts)})):
            con.execute("insert into ops.voice_languages select md5_number(text), lang from _gaung_new_langs")
    return texts.len()


def write_tenant(con: duckdb.DuckDBPyConnection, tenant: Tenant) -> None:
    """ops.tenant: the one row of settings models read (id, name, timezone), stored so views work for anyone."""
    con.execute("delete from ops.tenant")
    con.execute("insert into ops.tenant values (?, ?, ?)", [tenant.id, tenant.name, tenant.timezone])


def materialise(con: duckdb.DuckDBPyConnection, layer: str, name: str) -> None:
    """create or replace one model, as a view or a table (a model that changed kind is dropped first)."""
    table, sql = f"{layer}.{name}", model_sql(layer, name)
    as_view = (layer, name) in VIEWS
    existing = fetch_value(con, "select table_type from information_schema.tables where table_schema = ? and table_name = ?",
                           [layer, name])
    if existing is not None and (existing == "VIEW") != as_view:
        con.execute(f"drop {'view' if existing == 'VIEW' else 'table'} {table}")
    con.execute(f"create or replace {'view' if as_view else 'table'} {table} as {sql}")


def materialise_model(con: duckdb.DuckDBPyConnection, layer: str, name: str, inputs: str, full: bool) -> None:
    """materialise one model; one kept incrementally (warehouse.incremental) only gains the rows of newly loaded
    files when nothing else changed since its table was built, and is rebuilt in full otherwise or when `full`."""
    merge = INCREMENTAL.get((layer, name))
    if merge is None:
        materialise(con, layer, name)
        return
    table, sql = f"{layer}.{name}", model_sql(layer, name)
    sources = {f"{schema}.{ref}" for schema, ref in model_sources(layer, name) if schema == "raw"}
    stamp = fingerprint(sql, inputs)
    exists = fetch_value(con, "select count(*) from information_schema.tables where table_schema = ? and table_name = ?"
                         " and table_type = 'BASE TABLE'", [layer, name])
    files = None if full or not exists else new_files(con, table, stamp, sources, merge)
    if files is None:
        materialise(con, layer, name)
    elif files:
        merge_new_rows(con, table, sql, sources, merge)
    record_build(con, table, stamp, files)


def build_inputs(con: duckdb.DuckDBPyConnection, tenant: Tenant, key: bytes, frames: dict[str, pl.DataFrame]) -> str:
    """Everything a model reads besides the warehouse's rows, as one text: the key (by its fingerprint), the
    tenant's settings and frames, the functions create_macros and gaung_mask_names define, and the newest
    migration (one may rewrite raw rows). A change rebuilds the incremental models in full."""
    return json.dumps({
        "migration": fetch_value(con, "select max(version) from ops.schema_migrations"),
        "key": privacy.author_key(key, "gaung-pseudonym-fingerprint"),
        "tenant": [tenant.id, tenant.name, tenant.timezone],
        "names": {k: sorted(v) for k, v in privacy.business_names(tenant).items()},
        "frames": {n: f.to_dicts() for n, f in sorted(frames.items())},
        "macros": [privacy.sql_mask_phones("t"), TREND_STATUS],
    }, default=str, sort_keys=True)


def tenant_frames(tenant: Tenant, key: bytes) -> dict[str, pl.DataFrame]:
    """The frames models read besides the warehouse's tables, by the name they are registered under: the
    business's keys, names and default accounts, the words of marts' reasons, the tenant's campaigns."""
    business = sorted({privacy.author_key(key, v) for v in tenant.business_identifiers("whatsapp")} - {None})
    # Names the business writes direct messages under: its own name and its Instagram/Facebook/TikTok accounts.
    names = sorted({n.strip().lstrip("@").lower() for n in [tenant.name, *tenant.business_identifiers("instagram"),
                                                            *tenant.business_identifiers("facebook"),
                                                            *tenant.business_identifiers("tiktok")] if n and n.strip()})
    defaults = [(p, ids[0].lstrip("@").lower()) for p, ids in sorted(tenant.accounts.items()) if ids and p != "whatsapp"]
    camps = tenant.campaigns
    return {
        "_gaung_business_keys": pl.DataFrame({"author_key": business}, schema={"author_key": pl.String}),
        "_gaung_business_names": pl.DataFrame({"name": names}, schema={"name": pl.String}),
        "_gaung_default_accounts": pl.DataFrame({"platform": [p for p, _ in defaults], "account": [a for _, a in defaults]},
                                                schema={"platform": pl.String, "account": pl.String}),
        "_gaung_messages": messages.sql_frame("viral_reason_"),  # the words of marts' reasons
        "_gaung_campaigns": pl.DataFrame({
            "campaign": [c.name for c in camps], "hashtags": [c.hashtags for c in camps],
            "keywords": [c.keywords for c in camps], "start_date": [c.start for c in camps],
            "end_date": [c.end for c in camps],
        }, schema={"campaign": pl.String, "hashtags": pl.List(pl.String), "keywords": pl.List(pl.String),
                   "start_date": pl.Date, "end_date": pl.Date}),
    }


def build_models(con: duckdb.DuckDBPyConnection, tenant: Tenant, master_key: bytes,
                 models: list[tuple[str, str]] | None = None, after=None, full: bool = False) -> dict[str, int | None]:
    """Rebuild staging and mart tables for a tenant (all core models by default), in one transaction;
    `after(con)` runs inside the same transaction and returns extra counts. Returns row counts per table,
    None for a mart that is a view. The tenant's frames are registered for the whole build, and gone after it.
    Models in warehouse.incremental.INCREMENTAL only gain the rows of new files where that equals a rebuild;
    full=True rebuilds them too."""
    key = privacy.tenant_key(master_key, tenant.id)
    with ExitStack() as frames:
        inputs = tenant_frames(tenant, key)
        for name, frame in inputs.items():
            frames.enter_context(registered(con, name, frame))
        if models is not None and any(m not in MODELS for m in models):
            # A warehouse built by an older Gaung may lack a core model the scoring models read (marts.fct_reviews):
            # build the core models first, in the same transaction.
            built = {tuple(r) for r in con.execute("select table_schema, table_name from information_schema.tables").fetchall()}
            if any(m not in built for m in MODELS):
                models = MODELS + [m for m in models if m not in MODELS]
        counts: dict[str, int | None] = {}
        con.execute("begin transaction")
        try:
            sync_pseudonyms(con, key, tenant)
            create_macros(con)
            write_tenant(con, tenant)
            privacy.create_name_macro(con, tenant.id, **privacy.business_names(tenant))  # gaung_mask_names
            fixed = build_inputs(con, tenant, key, inputs)
            for layer, name in build_order(MODELS if models is None else models):
                materialise_model(con, layer, name, fixed, full)
                if (layer, name) not in VIEWS:
                    table = f"{layer}.{name}"
                    counts[table] = fetch_value(con, f"select count(*) from {table}")
                elif layer == "marts":
                    counts[f"{layer}.{name}"] = None  # a view: counting it would read every review once more
            if after is not None:
                counts.update(after(con))
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        return counts
