"""Data tests on staging and marts built from the demo data: grain, relationships, invariants, privacy."""

from __future__ import annotations

import json
from datetime import UTC, date
from pathlib import Path

import duckdb
import pytest

from pipelines.demo.businesses import BUSINESSES
from pipelines.demo.generate import write_demo
from pipelines.run import ingest_stage, run_tenant
from pipelines.settings import Settings
from pipelines.tenants import get_tenant, load_tenants
from tests.conftest import DEMO_END as END
from tests.conftest import DEMO_NOW as NOW
from tests.conftest import webhook_payloads, write_ndjson


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
                       " or created_at is null or local_date is null or text is null"
                       " or (author_key is null and author_label <> 'Anonim')"
                       " or platform is null or channel is null or lang is null")
    assert nulls == 0
    assert value(con, "select count(*) from marts.fct_customer_voice") > 100


@pytest.mark.parametrize("tenant", sorted(BUSINESSES))
def test_every_row_belongs_to_its_tenant_and_traces_to_a_loaded_file(demo_home: Path, tenant: str) -> None:
    con = db(demo_home, tenant)
    for table in ("marts.fct_customer_voice", "staging.stg_whatsapp__messages", "raw.whatsapp_export_messages",
                  "raw.whatsapp_cloud_messages", "raw.reviews", "raw.review_files", "ops.ingested_files"):
        assert con.execute(f"select distinct tenant_id from {table}").fetchall() == [(tenant,)], table
    # every stored review has its file's part (tenant, platform, locator prefix): none drops out of raw.reviews
    assert value(con, "select count(*) from raw.review_rows anti join raw.review_files using (file_id, part)") == 0
    assert value(con, "select count(*) from raw.reviews") == value(con, "select count(*) from raw.review_rows") > 0
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


GRAINS = {
    "marts.dim_content": "content_id",
    "marts.fct_content_metrics": "content_id, observed_at",
    "marts.fct_account_daily": "platform, account, date",
    "staging.stg_marketplace__reviews": "review_id",
}


@pytest.mark.parametrize("tenant", sorted(BUSINESSES))
@pytest.mark.parametrize("table", sorted(GRAINS))
def test_content_marts_grain_and_tenant(demo_home: Path, tenant: str, table: str) -> None:
    con = db(demo_home, tenant)
    grain = GRAINS[table]
    assert value(con, f"select count(*) from {table}") > 0
    assert value(con, f"select count(*) - count(distinct ({grain})) from {table}") == 0
    assert con.execute(f"select distinct tenant_id from {table}").fetchall() == [(tenant,)]


@pytest.mark.parametrize("tenant", sorted(BUSINESSES))
def test_content_relationships_and_invariants(demo_home: Path, tenant: str) -> None:
    con = db(demo_home, tenant)
    assert value(con, "select count(*) from marts.fct_content_metrics m anti join marts.dim_content d using (content_id)") == 0
    assert value(con, "select count(*) from marts.fct_customer_voice v where content_id is not null"
                      " and content_id not in (select content_id from marts.dim_content)") == 0
    # Nothing is posted after it was observed, and no count is negative after cleaning.
    assert value(con, "select count(*) from marts.fct_content_metrics m join marts.dim_content d using (content_id)"
                      " where d.posted_at > m.observed_at") == 0
    for col in ("views", "likes", "comments", "shares", "reach", "saves"):
        assert value(con, f"select count(*) from marts.fct_content_metrics where {col} < 0") == 0
    for col in ("views", "profile_views", "likes", "comments", "shares", "followers"):
        assert value(con, f"select count(*) from marts.fct_account_daily where {col} < 0") == 0
    assert value(con, "select count(*) from raw.account_daily where comments < 0") > 0  # raw values kept
    # Lifetime totals never fall between observations of the same post.
    assert value(con, "select count(*) from (select views - lag(views) over (partition by content_id order by observed_at) d"
                      " from marts.fct_content_metrics) where d < 0") == 0


@pytest.mark.parametrize("tenant", sorted(BUSINESSES))
def test_planted_viral_video_leads_and_reviews_reach_the_voice_table(demo_home: Path, tenant: str) -> None:
    truth = json.loads((demo_home / "landing" / "demo_truth.json").read_text())["tenants"][tenant]
    con = db(demo_home, tenant)
    top = con.execute("select content_id from marts.fct_content_metrics qualify row_number() over"
                      " (partition by content_id order by observed_at desc) = 1 order by views desc limit 1").fetchall()
    assert top == [(truth["viral"]["content_id"],)]
    hashtags = con.execute("select hashtags from marts.dim_content where content_id = ?", [truth["viral"]["content_id"]]).fetchall()
    assert truth["campaign"]["hashtags"][0] in hashtags[0][0]
    reviews = value(con, "select count(*) from marts.fct_customer_voice where channel = 'review'")
    assert reviews == value(con, "select count(*) from staging.stg_marketplace__reviews where text is not null")
    assert value(con, "select count(*) from marts.fct_account_daily") == 84


@pytest.mark.parametrize("tenant", sorted(BUSINESSES))
def test_reviews_mart_grain_ratings_tenant_and_lineage(demo_home: Path, tenant: str) -> None:
    con = db(demo_home, tenant)
    assert value(con, "select count(*) - count(distinct review_id) from marts.fct_reviews") == 0
    nulls = value(con, "select count(*) from marts.fct_reviews where review_id is null or tenant_id is null"
                       " or platform is null or has_text is null or has_seller_reply is null or is_anonymous is null"
                       " or source_format is null or source_file_id is null or source_locator is null"
                       " or (created_at is not null and local_date is null) or (author_key is null and not is_anonymous)")
    assert nulls == 0
    assert value(con, "select count(*) from marts.fct_reviews where rating not between 1 and 5") == 0
    assert con.execute("select distinct tenant_id from marts.fct_reviews").fetchall() == [(tenant,)]
    # one row per review staging keeps, text or not; the voice mart holds the ones with words
    assert value(con, "select count(*) from marts.fct_reviews") == value(
        con, "select count(*) from staging.stg_marketplace__reviews") > 0
    assert value(con, "select count(*) from marts.fct_reviews where has_text") == value(
        con, "select count(*) from marts.fct_customer_voice where channel = 'review'")
    assert value(con, "select count(*) from marts.fct_reviews r anti join ops.ingested_files f"
                      " on f.file_id = r.source_file_id and f.status = 'loaded'") == 0
    tz = BUSINESSES[tenant]["timezone"]
    assert value(con, f"select count(*) from marts.fct_reviews where local_date <> cast(timezone('{tz}', created_at) as date)"
                      f" or created_at > timestamptz '{NOW.isoformat()}'") == 0


def test_overlapping_exports_never_double_count(settings: Settings, tmp_path: Path) -> None:
    header = '"Date","Video Views","Profile Views","Likes","Comments","Shares"\n'
    week = "".join(f'"March {d}","{d * 10}","1","1","1","1"\n' for d in range(1, 8))
    month = "".join(f'"March {d}","{d * 100}","1","1","1","1"\n' for d in range(1, 15))
    (tmp_path / "Overview_2026-03-08.csv").write_text(header + week)
    (tmp_path / "Overview_2026-03-15.csv").write_text(header + month)
    content = ('"Time","Video title","Video link","Post time","Total likes","Total comments","Total shares","Total views"\n'
               '"March 8","a","https://www.tiktok.com/@t/video/1","March 1","1","1","1","100"\n')
    (tmp_path / "Content_2026-03-09.csv").write_text(content)
    (tmp_path / "copy of Content_2026-03-09.csv").write_text(content + "\n")
    tenant = get_tenant(settings.tenants_path, "toko-a")
    ingest_stage(tenant, [tmp_path], fmt=None, settings=settings, now=NOW)
    con = duckdb.connect(str(settings.warehouse_path("toko-a")), read_only=True)
    rows = con.execute("select date, views from marts.fct_account_daily order by date").fetchall()
    assert len(rows) == 14 and rows[0] == (date(2026, 3, 1), 100)  # the later export's value, once
    assert con.execute("select count(*), max(views) from marts.fct_content_metrics").fetchall() == [(1, 100)]


@pytest.mark.parametrize("tenant", sorted(BUSINESSES))
def test_scores_find_the_planted_viral_video_campaign_spread_and_trend(demo_home: Path, tenant: str) -> None:
    truth = json.loads((demo_home / "landing" / "demo_truth.json").read_text())["tenants"][tenant]
    con = db(demo_home, tenant)
    top = con.execute("select content_id, is_viral from marts.fct_content_scores order by virality_score desc nulls last limit 1").fetchall()
    assert top == [(truth["viral"]["content_id"], True)]
    assert value(con, "select count(*) from marts.fct_content_scores where is_viral") == 1
    camp = con.execute("select whatsapp_mentions, review_mentions, whatsapp_forwards, channels_reached, review_uplift,"
                       " viral_content_count from marts.fct_campaign_performance where campaign = ?",
                       [truth["campaign"]["name"]]).fetchall()[0]
    assert camp[0] > 0 and camp[1] > 0 and camp[2] > 0 and camp[3] >= 3 and camp[4] > 1.5 and camp[5] == 1
    term, start = truth["trend"]["term"], date.fromisoformat(truth["trend"]["start_date"])
    first = con.execute("select first_notable_week, min(week_start) from marts.fct_trends where term = ? group by 1",
                        [term]).fetchall()
    assert first == [(start, start)]  # notable in the week it starts, and absent before
    rates = ("engagement_rate_views", "amplification_rate", "applause_rate", "conversation_rate", "save_rate")
    for col in rates:
        assert value(con, f"select count(*) from marts.fct_content_scores where {col} < 0 or {col} > 1") == 0


def test_scoring_twice_changes_nothing(demo_copy: Path) -> None:
    from tests.ingest.test_loader import snapshot

    settings = Settings(home=demo_copy, secret_key="test-secret")
    path = settings.warehouse_path("kopi-senja-jambi")
    before = snapshot(path)
    from pipelines.run import score_stage

    score_stage(load_tenants(settings.tenants_path)["kopi-senja-jambi"], settings=settings)
    assert snapshot(path) == before


@pytest.mark.parametrize("tenant", sorted(BUSINESSES))
def test_staging_views_open_for_an_analyst_without_gaung(demo_home: Path, tenant: str) -> None:
    con = db(demo_home, tenant)  # a plain read-only connection: nothing registered by Gaung
    kinds = dict(con.execute("select table_name, table_type from information_schema.tables"
                             " where table_schema = 'staging'").fetchall())
    assert kinds["stg_marketplace__reviews"] == "VIEW" and kinds["stg_whatsapp__messages"] == "BASE TABLE"
    reviews = con.execute("select count(*), count(author_key), count(distinct review_id) from staging.stg_marketplace__reviews"
                          " where text is not null and trim(text) <> ''").fetchall()[0]
    assert reviews[0] > 0 and reviews[0] == reviews[2]
    assert reviews[0] == value(con, "select count(*) from marts.fct_customer_voice where channel = 'review'")
    keys = value(con, "select count(*) from staging.stg_marketplace__reviews s join marts.fct_customer_voice v"
                      " on v.channel = 'review' and v.source_file_id = s.source_file_id and v.source_locator = s.source_locator"
                      " where s.author_key is not distinct from v.author_key")
    assert keys == reviews[0]
    raw = {a for (a,) in con.execute("select distinct author from raw.reviews where author is not null").fetchall()}
    cells = {v for (v,) in con.execute("select distinct author_label from staging.stg_marketplace__reviews").fetchall()}
    assert raw and not (cells & raw)
    # the voice mart is a view too, languages included, over texts stored once
    assert value(con, "select table_type from information_schema.tables where table_name = 'fct_customer_voice'") == "VIEW"
    langs = dict(con.execute("select lang, count(*) from marts.fct_customer_voice group by all").fetchall())
    assert langs.get("id", 0) > sum(langs.values()) / 2 and None not in langs


def test_languages_are_left_to_the_feedback_stage_and_detected_once_per_text(settings: Settings, tmp_path: Path) -> None:
    from warehouse.build import sync_languages

    (tmp_path / "shopee.csv").write_text(
        "cmtid,ctime,author_username,comment,rating_star\n"
        "1,1700000000,Budi,enak banget kak barangnya,5\n2,1700000100,Siti,the bottle was leaking,1\n"
        "3,1700000200,Ani,enak banget kak barangnya,5\n")
    tenant = get_tenant(settings.tenants_path, "toko-a")
    ingest_stage(tenant, [tmp_path], fmt=None, settings=settings, now=NOW)
    con = duckdb.connect(str(settings.warehouse_path("toko-a")))
    try:
        langs = "select lang from marts.fct_customer_voice order by source_locator"
        # the ingest does not detect languages (only the feedback stage uses them)
        assert [lang for (lang,) in con.execute(langs).fetchall()] == [None, None, None]
        assert sync_languages(con) == 2  # one per distinct text
        assert [lang for (lang,) in con.execute(langs).fetchall()] == ["id", "en", "id"]
        assert sync_languages(con) == 0
    finally:
        con.close()


def test_a_new_secret_key_rehashes_everyone_and_a_rebuild_hashes_no_one_twice(
        settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "shopee.csv").write_text(
        "cmtid,ctime,author_username,comment,rating_star\n"
        "1,1700000000,Budi Santoso,enak kak,5\n2,1700000100,Siti Aminah,bocor,1\n3,1700000200,Budi Santoso,lagi,5\n")
    tenant = get_tenant(settings.tenants_path, "toko-a")
    ingest_stage(tenant, [tmp_path], fmt=None, settings=settings, now=NOW)

    def keys() -> tuple[set[str], int]:
        con = duckdb.connect(str(settings.warehouse_path("toko-a")), read_only=True)
        try:
            found = {k for (k,) in con.execute("select author_key from marts.fct_customer_voice").fetchall()}
            return found, value(con, "select count(*) - count(distinct raw) from ops.pseudonyms")
        finally:
            con.close()

    first, dupes = keys()
    assert len(first) == 2 and dupes == 0
    run_tenant(tenant, settings=settings, now=NOW, themes=False)  # rebuild: the lookup is reused, not duplicated
    assert keys() == (first, 0)
    monkeypatch.setenv("GAUNG_SECRET_KEY", "another-secret")
    (tmp_path / "more.csv").write_text("cmtid,ctime,author_username,comment,rating_star\n4,1700000300,Ani,oke,4\n")
    ingest_stage(tenant, [tmp_path / "more.csv"], fmt=None, settings=Settings(), now=NOW)
    second, dupes = keys()
    assert len(second) == 3 and dupes == 0 and not (second & first)
