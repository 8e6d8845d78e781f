"""API clients against a local fake server: pagination, 429 storms, 5xx, timeouts, malformed JSON,
expired tokens, signed Shopee requests, the April 2025 Graph metrics, and resumed pulls without duplicates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipelines.connectors.http import ApiClient, ApiError, TokenError, redact
from pipelines.connectors.io import get_state, secret
from pipelines.connectors.pulls import pull_instagram, pull_shopee, pull_tenant, pull_tiktok
from pipelines.run import ingest_stage
from pipelines.tenants import Tenant, add_tenant
from tests.connectors.servers import FakeApi, Running
from warehouse.connection import connect

NOW = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)


@pytest.fixture
def api():
    fake = FakeApi()
    server = Running(fake)
    yield fake, server.url
    server.stop()


def client(url: str, **kw) -> ApiClient:
    return ApiClient("Test", url, sleep=lambda s: None, token_hint="GAUNG_TEST_TOKEN", **kw)


def test_instagram_pagination_insights_and_ingest(api, settings, tmp_path) -> None:
    fake, url = api
    con = connect(settings.warehouse_path("toko-a"))
    landing = settings.landing_dir("toko-a")
    with client(url) as c:
        result = pull_instagram(c, con, "toko-a", "178414", "good-token", landing, NOW, insights_days=3650)
    assert (result.pages, result.items) == (3, 6)
    assert sum(1 for h in fake.hits if h.endswith("/insights")) == 6
    watermark, cursor = get_state(con, "toko-a", "instagram")
    assert watermark == "2026-11-20T10:00:00+0000" and cursor is None
    con.close()
    tenant = Tenant(id="toko-a", name="Toko A")
    outcomes, counts = ingest_stage(tenant, [landing], fmt=None, settings=settings, now=NOW)
    assert {o.source_format for o in outcomes} == {"instagram_graph_api"} and all(o.status == "loaded" for o in outcomes)
    con = connect(settings.warehouse_path("toko-a"), read_only=True)
    # media and insights of one post meet under one content id (the shortcode from the permalink)
    assert con.execute("select count(*) from marts.dim_content").fetchall() == [(6,)]
    assert con.execute("select count(*) from marts.fct_content_metrics where reach = 7 and likes > 0").fetchall()[0][0] >= 5


def test_a_second_pull_stops_at_the_watermark(api, settings) -> None:
    fake, url = api
    con = connect(settings.warehouse_path("toko-a"))
    with client(url) as c:
        pull_instagram(c, con, "toko-a", "178414", "good-token", settings.landing_dir("toko-a"), NOW, insights_days=0)
        fake.hits.clear()
        again = pull_instagram(c, con, "toko-a", "178414", "good-token", settings.landing_dir("toko-a"), NOW, insights_days=0)
    assert again.items == 0 and again.pages == 1


def test_429_storms_and_500s_are_retried(api, settings) -> None:
    fake, url = api
    fake.faults["/178414/media"] = [429, 429, 429, 500, 503]
    waits: list[float] = []
    con = connect(settings.warehouse_path("toko-a"))
    with ApiClient("Test", url, sleep=waits.append, max_attempts=8) as c:
        result = pull_instagram(c, con, "toko-a", "178414", "good-token", settings.landing_dir("toko-a"), NOW, insights_days=0)
    assert result.pages == 3 and len(waits) == 5
    # jittered exponential backoff: each wait lies in [b/2, b] for b = 1, 2, 4, 8, 16
    assert all(2 ** i / 2 <= w <= 2 ** i for i, w in enumerate(waits))


def test_gives_up_with_a_clear_error(api) -> None:
    fake, url = api
    fake.faults["/x"] = [500] * 10
    with client(url, max_attempts=3) as c, pytest.raises(ApiError, match="gave up after 3 attempts"):
        c.request("GET", "/x")


def test_timeouts_are_retried(api) -> None:
    fake, url = api
    fake.faults["/178414/media"] = ["slow", "slow"]
    with client(url, timeout=0.3) as c:
        page = c.request("GET", "/178414/media", params={"access_token": "good-token"})
    assert len(page["data"]) == 2 and c.calls == 3


def test_malformed_json_is_an_error(api) -> None:
    fake, url = api
    fake.faults["/178414/media"] = ["garbage"]
    with client(url) as c, pytest.raises(ApiError, match="not JSON"):
        c.request("GET", "/178414/media", params={"access_token": "good-token"})


def test_expired_token_is_named_without_leaking_it(api, settings) -> None:
    fake, url = api
    con = connect(settings.warehouse_path("toko-a"))
    with client(url) as c, pytest.raises(TokenError) as info:
        pull_instagram(c, con, "toko-a", "178414", "s3cret-expired", settings.landing_dir("toko-a"), NOW)
    assert "GAUNG_TEST_TOKEN" in str(info.value) and "s3cret-expired" not in str(info.value)
    assert redact("https://x/y?access_token=abc&limit=2") == "https://x/y?access_token=***&limit=2"


def test_graph_api_before_april_2025_falls_back_to_impressions(api, settings) -> None:
    fake, url = api
    fake.reject_views = True
    con = connect(settings.warehouse_path("toko-a"))
    with client(url) as c:
        pull_instagram(c, con, "toko-a", "178414", "good-token", settings.landing_dir("toko-a"), NOW, insights_days=3650)
    asked = fake.metric_requests
    assert len(asked) == 12  # each post: `views` refused, then the legacy metrics
    assert all("views" in m for m in asked[0::2]) and all("impressions" in m and "views" not in m for m in asked[1::2])


def test_interrupted_pull_resumes_without_duplicates(api, settings) -> None:
    fake, url = api
    fake.faults["/v2/video/list/"] = ["ok", 500, 500, 500]
    con = connect(settings.warehouse_path("toko-a"))
    landing = settings.landing_dir("toko-a")
    with client(url, max_attempts=3) as c:
        with pytest.raises(ApiError):
            pull_tiktok(c, con, "toko-a", "good-token", landing, NOW)
        assert get_state(con, "toko-a", "tiktok")[1] is not None  # a cursor to resume from
        resumed = pull_tiktok(c, con, "toko-a", "good-token", landing, NOW)
    assert resumed.pages == 2 and get_state(con, "toko-a", "tiktok") == ("1790000000", None)
    con.close()
    ingest_stage(Tenant(id="toko-a", name="Toko A"), [landing], fmt=None, settings=settings, now=NOW)
    con = connect(settings.warehouse_path("toko-a"), read_only=True)
    assert con.execute("select count(*), count(distinct content_id) from marts.dim_content").fetchall() == [(6, 6)]
    assert con.execute("select count(*) from marts.fct_content_metrics").fetchall() == [(6,)]


def test_shopee_requests_are_signed_and_comments_ingested(api, settings) -> None:
    fake, url = api
    con = connect(settings.warehouse_path("toko-a"))
    with client(url) as c:
        result = pull_shopee(c, con, "toko-a", partner_id=1001, partner_key="pkey", access_token="good-token", shop_id=42,
                             landing=settings.landing_dir("toko-a"), now=NOW)
        assert result.items == 6
        with pytest.raises(ApiError, match="403"):
            pull_shopee(c, con, "toko-b", partner_id=1001, partner_key="wrong", access_token="good-token", shop_id=42,
                        landing=settings.landing_dir("toko-b"), now=NOW)
    con.close()
    ingest_stage(Tenant(id="toko-a", name="Toko A"), [settings.landing_dir("toko-a")], fmt=None, settings=settings, now=NOW)
    con = connect(settings.warehouse_path("toko-a"), read_only=True)
    rows = con.execute("select text, reply_text from marts.fct_customer_voice order by text").fetchall()
    assert len(rows) == 6 and rows[0] == ("enak kak 0", "makasih")


def test_credentials_come_from_the_environment_or_airflow(monkeypatch) -> None:
    monkeypatch.delenv("GAUNG_TIKTOK_TOKEN", raising=False)
    with pytest.raises(TokenError, match="GAUNG_TIKTOK_TOKEN__TOKO_A"):
        secret("TIKTOK_TOKEN", "toko-a", airflow_conn="gaung_tiktok")
    monkeypatch.setenv("AIRFLOW_CONN_GAUNG_TIKTOK", '{"conn_type": "http", "password": "from-airflow"}')
    assert secret("TIKTOK_TOKEN", "toko-a", airflow_conn="gaung_tiktok") == "from-airflow"
    monkeypatch.setenv("GAUNG_TIKTOK_TOKEN__TOKO_A", "per-tenant")
    assert secret("TIKTOK_TOKEN", "toko-a", airflow_conn="gaung_tiktok") == "per-tenant"


def test_pull_tenant_uses_tenants_toml_ids(api, settings, monkeypatch) -> None:
    fake, url = api
    monkeypatch.setenv("GAUNG_INSTAGRAM_TOKEN", "good-token")
    tenant = Tenant(id="toko-a", name="Toko A", api={"instagram_user_id": "178414"})
    add_tenant(settings.tenants_path, tenant, replace=True)
    con = connect(settings.warehouse_path("toko-a"))
    results = pull_tenant(tenant, con, landing=settings.landing_dir("toko-a"), sources=["instagram"],
                          urls={"instagram": url}, now=NOW, sleep=lambda s: None)
    assert results[0].pages == 3
    with pytest.raises(ApiError, match="shopee_shop_id"):
        pull_tenant(tenant, con, landing=settings.landing_dir("toko-a"), sources=["shopee"], urls={"shopee": url}, now=NOW)


def test_gaung_pull_pulls_the_configured_sources_and_ingests_them(api, settings, monkeypatch) -> None:
    from typer.testing import CliRunner

    from pipelines.cli import app

    fake, url = api
    add_tenant(settings.tenants_path, Tenant(id="toko-a", name="Toko A", api={"instagram_user_id": "178414"}),
               replace=True)
    runner = CliRunner()
    nothing = runner.invoke(app, ["pull", "--tenant", "toko-a"])  # an id in tenants.toml but no token
    assert nothing.exit_code == 2 and "nothing to pull" in nothing.output and "GAUNG_INSTAGRAM_TOKEN" in nothing.output
    monkeypatch.setenv("GAUNG_INSTAGRAM_TOKEN", "good-token")
    monkeypatch.setenv("GAUNG_GRAPH_API_URL", url)
    result = runner.invoke(app, ["pull", "--tenant", "toko-a"])
    assert result.exit_code == 0, result.output
    assert "instagram: 3 pages, 6 new items" in result.output and "instagram_graph_api" in result.output
    assert not any("tiktok" in h or "get_comment" in h for h in fake.hits)
