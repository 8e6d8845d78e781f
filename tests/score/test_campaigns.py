"""Campaign performance on a hand-built warehouse: content totals, spread into channels and uplift."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from pipelines.ingest.loader import _insert_frame
from pipelines.ingest.schemas import CONTENT, REVIEWS, conform
from pipelines.tenants import Campaign, Tenant
from warehouse.build import SCORE_MODELS, build_models
from warehouse.connection import connect

TENANT = Tenant(id="toko-a", name="Toko A", timezone="UTC", campaigns=[
    Campaign(name="Aren", hashtags=["#aren"], keywords=["SENJA10"], start=date(2026, 3, 2), end=date(2026, 3, 15))])


def test_campaign_totals_spread_and_uplift(tmp_path) -> None:
    con = connect(tmp_path / "c.duckdb")
    content = conform(CONTENT, pl.DataFrame({
        "native_id": ["1", "2", "3"], "title": ["Kopi #aren", "Promo SENJA10", "Kopi biasa"],
        "posted_at_utc": [datetime(2026, 3, 3), datetime(2026, 3, 4), datetime(2026, 3, 5)],
        "observed_at_utc": [datetime(2026, 3, 20)] * 3, "views": [1000, 500, 700], "shares": [50, 5, 7],
        "likes": [100, 50, 70], "platform": ["tiktok"] * 3, "account": ["a"] * 3, "source_format": ["t"] * 3,
        "locator": ["1", "2", "3"], "raw_json": ["{}"] * 3}))
    # 4 reviews a week in the 4 weeks before (16), 10 a week during the 2 campaign weeks (20), 3 mention it.
    days = [datetime(2026, 2, 2 + i % 28) for i in range(16)] + [datetime(2026, 3, 2 + i % 14) for i in range(20)]
    texts = ["enak"] * 16 + ["pakai kode senja10 ya", "liat #aren di tiktok", "aren enak"] + ["mantap"] * 17
    reviews = conform(REVIEWS, pl.DataFrame({
        "review_id": [str(i) for i in range(36)], "text": texts, "rating": [5] * 36, "created_at_utc": days,
        "platform": ["shopee"] * 36, "source_format": ["s"] * 36, "locator_prefix": ["row "] * 36,
        "row_number": list(range(2, 38)),
        "is_anonymous": [True] * 36, "created_at_is_estimated": [False] * 36}))
    con.execute("begin")
    _insert_frame(con, "raw.content_snapshots", content, "f1", TENANT.id)
    _insert_frame(con, "raw.reviews", reviews, "f2", TENANT.id)
    con.execute("commit")
    build_models(con, TENANT, b"k")
    build_models(con, TENANT, b"k", models=SCORE_MODELS)
    row = con.sql("select * from marts.fct_campaign_performance where campaign = 'Aren'").pl().row(0, named=True)
    assert (row["content_count"], row["total_views"], row["total_engagements"]) == (2, 1500, 150 + 55)
    assert row["amplification_rate"] == pytest.approx(55 / 1500)
    assert row["engagement_rate"] == pytest.approx((150 + 55) / 1500)
    assert (row["review_mentions"], row["whatsapp_mentions"], row["channels_reached"]) == (3, 0, 2)
    # 20 reviews over 2 weeks = 10 a week, against 16 over the 4 weeks before = 4 a week: 2.5x
    assert row["review_uplift"] == pytest.approx(2.5)
    assert row["voice_uplift"] == pytest.approx(2.5)
