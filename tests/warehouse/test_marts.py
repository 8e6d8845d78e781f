"""Data tests on staging and marts built from the demo data: grain, relationships, invariants, privacy."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from pipelines.demo.businesses import BUSINESSES
from pipelines.demo.generate import write_demo
from pipelines.run import ingest_stage, run_tenant
from pipelines.settings import Settings
from pipelines.tenants import get_tenant, load_tenants
from tests.conftest import webhook_payloads, write_ndjson

END = date(2026, 11, 23)
NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("demo")
    mp = pytest.MonkeyPatch()
    mp.setenv("GAUNG_HOME", str(home))
    mp.setenv("GAUNG_SECRET_KEY", "test-secret")
    settings = Settings()
    write_demo(settings, seed=7, end=END)
    for tenant in load_tenants(settings.tenants_path).values():
        run_tenant(tenant, settings=settings, now=NOW, landing=True)
    yield home
    mp.undo()


def db(home: Path, tenant: str) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(home / "warehouse" / f"{tenant}.duckdb"), read_only=True)


def value(con, sql: str):
    return con.execute(sql).fetchall()[0][0]


@pytest.mark.parametrize("tenant", sorted(BUSINESSES))
def test_grain_and_not_null(demo_home: Path, tenant: str) -> None:
    con = db(demo_home, tenant)
    assert value(con, "select count(*) - count(distinct voice_id) from marts.fct_customer_voice") == 0
    assert value(con, "select count(*) - count(distinct message_id) from staging.stg_whatsapp__messages") == 0
    nulls = value(con, "select count(*) from marts.fct_customer_voice where voice_id is null or tenant_id is null"
                       " or created_at is null or local_date is null or text is null or author_key is null"
                       " or platform is null or channel is null or lang is null")
    assert nulls == 0
    assert value(con, "select count(*) from marts.fct_customer_voice") > 100


@pytest.mark.parametrize("tenant", sorted(BUSINESSES))
def test_every_row_belongs_to_its_tenant_and_traces_to_a_loaded_file(demo_home: Path, tenant: str) -> None:
    con = db(demo_home, tenant)
    for table in ("marts.fct_customer_voice", "staging.stg_whatsapp__messages", "raw.whatsapp_export_messages",
                  "raw.whatsapp_cloud_messages", "ops.ingested_files"):
        assert con.execute(f"select distinct tenant_id from {table}").fetchall() == [(tenant,)], table
    orphans = value(con, "select count(*) from marts.fct_customer_voice v left join ops.ingested_files f"
                         " on f.file_id = v.source_file_id and f.status = 'loaded' where f.file_id is null")
    assert orphans == 0


@pytest.mark.parametrize("tenant", sorted(BUSINESSES))
def test_time_invariants(demo_home: Path, tenant: str) -> None:
    con = db(demo_home, tenant)
    tz = BUSINESSES[tenant]["timezone"]
    assert value(con, f"select count(*) from marts.fct_customer_voice where created_at > timestamptz '{NOW.isoformat()}'") == 0
    mismatched = value(con, f"select count(*) from marts.fct_customer_voice"
                            f" where local_date <> cast(timezone('{tz}', created_at) as date)")
    assert mismatched == 0
    # Local times in the exports become UTC: 08:00 Jakarta is 01:00 UTC, 08:00 Makassar is 00:00 UTC.
    first = con.execute("select created_at from staging.stg_whatsapp__messages where system_kind = 'encryption'"
                        " order by created_at limit 1").fetchall()[0][0]
    assert first.astimezone(UTC).hour == (1 if tz == "Asia/Jakarta" else 0)


@pytest.mark.parametrize("tenant", sorted(BUSINESSES))
def test_people_are_pseudonymised_outside_raw(demo_home: Path, tenant: str) -> None:
    con = db(demo_home, tenant)
    raw_authors = {a for (a,) in con.execute("select distinct author from raw.whatsapp_export_messages"
                                             " where author is not null").fetchall()}
    raw_authors |= {a for (a,) in con.execute("select distinct from_wa_id from raw.whatsapp_cloud_messages").fetchall()}
    raw_authors -= {BUSINESSES[tenant]["name"]}
    assert raw_authors
    for table in ("staging.stg_whatsapp__messages", "marts.fct_customer_voice"):
        cols = [c for (c,) in con.execute(
            f"select column_name from information_schema.columns where table_schema || '.' || table_name = '{table}'"
            " and data_type = 'VARCHAR' and column_name <> 'text'").fetchall()]
        cells = {v for c in cols for (v,) in con.execute(f"select distinct {c} from {table}").fetchall() if v}
        assert not (cells & raw_authors), table
    assert value(con, "select count(*) from marts.fct_customer_voice where is_from_business") > 0
    labels = {lab for (lab,) in con.execute("select distinct author_label from marts.fct_customer_voice"
                                            " where is_from_business").fetchall()}
    assert labels == {BUSINESSES[tenant]["name"]}


def test_tenants_never_see_each_other(demo_home: Path) -> None:
    kopi = db(demo_home, "kopi-senja-jambi")
    texts = " ".join(t for (t,) in kopi.execute("select text from marts.fct_customer_voice").fetchall())
    assert "rotan" not in texts.lower() and "gamis" not in texts.lower()
    assert "gula aren" in texts.lower()


def test_demo_is_deterministic_for_a_seed(tmp_path: Path, demo_home: Path) -> None:
    settings = Settings(home=tmp_path / "again")
    write_demo(settings, seed=7, end=END)
    for f in (demo_home / "landing").rglob("*"):
        if f.is_file():
            twin = tmp_path / "again" / "landing" / f.relative_to(demo_home / "landing")
            assert twin.read_bytes() == f.read_bytes(), f
    truth = json.loads((demo_home / "landing" / "demo_truth.json").read_text())
    assert truth["tenants"]["konveksi-rapi-tasik"]["themes"]["request_bigger_size"] > 5


def test_demo_forwards_and_campaign_mentions_reach_the_marts(demo_home: Path) -> None:
    con = db(demo_home, "kopi-senja-jambi")
    assert value(con, "select count(*) from staging.stg_whatsapp__messages where is_forwarded") > 0
    assert value(con, "select count(*) from marts.fct_customer_voice where text ilike '%SENJA10%'") > 0


def test_cloud_edits_and_revokes_apply_to_the_original(settings: Settings, tmp_path: Path) -> None:
    text = webhook_payloads("message.json")["text"]
    original = json.loads(json.dumps(text).replace("wamid.xyzxyz", "wamid.ORIG").replace("Body Text", "pesan 1 liter"))
    second = json.loads(json.dumps(text).replace("wamid.xyzxyz", "wamid.GONE").replace("Body Text", "salah kirim"))
    edit = webhook_payloads("edited_message.json")["image"]
    edit = json.loads(json.dumps(edit).replace("wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=", "wamid.ORIG"))
    revoke = json.loads(json.dumps(webhook_payloads("deleted_message.json")["revoke"])
                        .replace("<ORIGINAL_WHATSAPP_MESSAGE_ID>", "wamid.GONE"))
    f = write_ndjson(tmp_path / "hooks.ndjson", [original, second, original, edit, revoke])
    tenant = get_tenant(settings.tenants_path, "toko-a")
    ingest_stage(tenant, [f], fmt=None, settings=settings, now=NOW)
    con = duckdb.connect(str(settings.warehouse_path("toko-a")), read_only=True)
    rows = con.execute("select message_id, text, is_edited, is_deleted from staging.stg_whatsapp__messages"
                       " order by message_id").fetchall()
    assert rows == [("wamid.GONE", "salah kirim", False, True), ("wamid.ORIG", "Updated image caption", True, False)]
    assert con.execute("select text from marts.fct_customer_voice").fetchall() == [("Updated image caption",)]
