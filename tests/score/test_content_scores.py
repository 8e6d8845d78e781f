"""Content scores against hand-computed values: rates, interpolated velocity, virality vs the account's normal."""

from __future__ import annotations

import math
import statistics
from datetime import date, datetime

import polars as pl
import pytest

from pipelines.ingest.loader import _insert_frame
from pipelines.ingest.schemas import CONTENT, conform
from pipelines.tenants import Tenant
from warehouse.build import SCORE_MODELS, build_models
from warehouse.connection import connect

TENANT = Tenant(id="toko-a", name="Toko A", timezone="UTC")


def scores(tmp_path, rows: list[dict]) -> dict[str, dict]:
    con = connect(tmp_path / "s.duckdb")
    frame = conform(CONTENT, pl.DataFrame(rows).with_columns(
        pl.lit("test").alias("source_format"), pl.lit("tiktok").alias("platform"), pl.lit("acct").alias("account"),
        pl.format("row {}", pl.int_range(pl.len())).alias("locator"), pl.lit("{}").alias("raw_json")))
    con.execute("begin")
    _insert_frame(con, "raw.content_snapshots", frame, "f1", TENANT.id)
    con.execute("commit")
    build_models(con, TENANT, b"k")
    build_models(con, TENANT, b"k", models=SCORE_MODELS)
    out = {r["content_id"]: r for r in con.sql("select * from marts.fct_content_scores").pl().iter_rows(named=True)}
    con.close()
    return out


def snap(nid: str, posted: datetime, observed: datetime, views, shares=0, **extra) -> dict:
    return {"native_id": nid, "posted_at_utc": posted, "observed_at_utc": observed, "views": views, "shares": shares, **extra}


def test_rates(tmp_path) -> None:
    s = scores(tmp_path, [snap("1", datetime(2026, 3, 1), datetime(2026, 3, 5), 1000, 5, likes=80, comments=12, saves=3, reach=800)])
    r = s["tiktok:1"]
    assert r["engagements"] == 100
    assert r["engagement_rate_views"] == pytest.approx(0.1)
    assert r["engagement_rate_reach"] == pytest.approx(0.125)
    assert (r["amplification_rate"], r["applause_rate"], r["conversation_rate"], r["save_rate"]) == pytest.approx(
        (0.005, 0.08, 0.012, 0.003))
    assert r["engagement_rate_followers"] is None


def test_velocity_interpolates_between_snapshots(tmp_path) -> None:
    posted = datetime(2026, 3, 1)
    s = scores(tmp_path, [snap("1", posted, datetime(2026, 3, 1, 12), 600), snap("1", posted, datetime(2026, 3, 2, 12), 1200)])
    r = s["tiktok:1"]
    # views at 24 h = 600 + (1200 - 600) * (24 - 12) / (36 - 12) = 900, so 900 / 24 = 37.5 an hour
    assert r["velocity_24h"] == pytest.approx(37.5)
    assert r["velocity_72h"] is None  # no observation after 72 h: nothing is extrapolated
    assert r["velocity_method"] == "interpolated"


def test_zero_views_and_new_account(tmp_path) -> None:
    s = scores(tmp_path, [snap("1", datetime(2026, 3, 1), datetime(2026, 3, 2), 0)])
    r = s["tiktok:1"]
    assert r["engagement_rate_views"] is None and r["amplification_rate"] is None
    assert r["is_viral"] is False and r["virality_score"] is None
    assert r["viral_reason"] == "cannot be compared yet (fewer than 3 earlier posts)"
    assert r["viral_reason_id"] == "belum bisa dibandingkan (kurang dari 3 konten sebelumnya)"


def test_virality_against_the_accounts_own_baseline(tmp_path) -> None:
    earlier = [(100, 1), (120, 1), (90, 1), (110, 1), (100, 1)]
    rows = [snap(str(i), datetime(2026, 3, 1 + i), datetime(2026, 3, 20), v, sh) for i, (v, sh) in enumerate(earlier)]
    rows.append(snap("9", datetime(2026, 3, 10), datetime(2026, 3, 20), 1000, 20))
    r = scores(tmp_path, rows)["tiktok:9"]
    x = [math.log1p(v) for v, _ in earlier]
    med = statistics.median(x)
    mad = statistics.median(abs(v - med) for v in x)
    z = (math.log1p(1000) - med) / max(1.4826 * mad, 0.25)
    s_med = math.log1p(1)
    z_s = (math.log1p(20) - s_med) / 0.25  # every earlier post had 1 share: MAD 0, so the floor applies
    assert r["baseline_posts"] == 5
    assert r["baseline_views"] == pytest.approx(100)
    assert r["z_views"] == pytest.approx(z)
    assert r["z_shares"] == pytest.approx(z_s)
    assert r["virality_score"] == pytest.approx(0.6 * z + 0.4 * z_s)
    assert r["is_viral"] is True
    assert r["viral_reason"] == "views 10.0x the usual, shares 20x"
    assert r["viral_reason_id"] == "tayangan 10,0x dari biasanya, dibagikan 20x"
    # The earlier, ordinary posts are not viral, and the first posts have no baseline yet.
    assert r["virality_percentile"] == pytest.approx(1.0)


def test_the_reason_writes_numbers_as_the_report_does(tmp_path) -> None:
    # the report shows the mart's reason as it is: multiples from 20 without decimals, counts with thousands
    # separators, no shares part where the account usually gets none, and why there is no multiple
    rows = [snap(str(i), datetime(2026, 3, 1 + i), datetime(2026, 3, 20), 100, 0) for i in range(5)]
    rows += [snap("9", datetime(2026, 3, 10), datetime(2026, 3, 20), 7360, 4),
             snap("z", datetime(2026, 3, 11), datetime(2026, 3, 20), 0, 0)]
    s = scores(tmp_path, rows)
    r = s["tiktok:9"]
    assert (r["viral_reason"], r["viral_reason_id"]) == ("views 74x the usual", "tayangan 74x dari biasanya")
    r = s["tiktok:z"]
    assert (r["viral_reason"], r["viral_reason_id"]) == ("no views recorded yet", "belum ada tayangan tercatat")
    (tmp_path / "none").mkdir()
    rows = [snap(str(i), datetime(2026, 3, 1 + i), datetime(2026, 3, 20), 0, 0) for i in range(5)]
    r = scores(tmp_path / "none", [*rows, snap("9", datetime(2026, 3, 10), datetime(2026, 3, 20), 1234, 0)])["tiktok:9"]
    assert (r["viral_reason"], r["viral_reason_id"]) == ("views 1,234, usually none", "tayangan 1.234, biasanya tidak ada")


def test_a_steady_post_is_not_viral(tmp_path) -> None:
    rows = [snap(str(i), datetime(2026, 3, 1 + i), datetime(2026, 3, 20), 100 + i * 5, 1) for i in range(6)]
    assert not any(r["is_viral"] for r in scores(tmp_path, rows).values())


def test_account_daily_counts_are_never_negative(tmp_path) -> None:
    from pipelines.ingest.schemas import ACCOUNT_DAILY

    con = connect(tmp_path / "d.duckdb")
    frame = conform(ACCOUNT_DAILY, pl.DataFrame({
        "locator": ["r1"], "source_format": ["t"], "platform": ["tiktok"], "tab": ["overview"], "date": [date(2026, 3, 1)],
        "observed_on": [date(2026, 3, 2)], "comments": [-3], "views": [10], "raw_json": ["{}"]}))
    con.execute("begin")
    _insert_frame(con, "raw.account_daily", frame, "f", TENANT.id)
    con.execute("commit")
    build_models(con, TENANT, b"k")
    assert con.execute("select comments, views from marts.fct_account_daily").fetchall() == [(0, 10)]
