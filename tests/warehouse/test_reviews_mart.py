"""marts.fct_reviews: every review counts, with words or stars only, in the report's review count and
average stars and in the campaign's review uplift (a real Shopee shop had 448 of 3,009 reviews without text)."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest.loader import _insert_frame
from pipelines.ingest.schemas import REVIEWS, conform
from pipelines.report.data import build_report_data, parse_week
from pipelines.run import ingest_stage, score_stage
from pipelines.settings import Settings
from pipelines.tenants import Campaign, Tenant, get_tenant
from warehouse.build import SCORE_MODELS, build_models
from warehouse.connection import connect

JAKARTA = timezone(timedelta(hours=7))


def rating(i: int, stars: int, comment, when: datetime, *, author: str = "p*****0", reply: str | None = None) -> dict:
    """One rating as Shopee's get_ratings JSON writes it (../shared/FORMATS.md, Marketplace reviews)."""
    return {"cmtid": 24_000_000_000 + i, "ctime": int(when.timestamp()), "rating_star": stars, "comment": comment,
            "author_username": "" if author == "" else author, "anonymous": author == "",
            "product_items": [{"itemid": 2_190_000_001, "modelid": 170_000_000 + stars, "name": "Parfum Melati 30 ml",
                               "model_name": "30 ml" if i % 2 else "50 ml"}],
            "ItemRatingReply": {"comment": reply, "ctime": int(when.timestamp()) + 7200} if reply else None,
            "detailed_rating": {"product_quality": stars, "seller_service": 5, "delivery_service": 5},
            "like_count": i % 3, "images": [], "videos": []}


def shop_ratings() -> list[dict]:
    # The report's week 2026-W10 (2 to 8 March, Jakarta): 3 reviews with words, 4 with stars only (empty
    # comment, a template-free blank, null). Two weeks before: 2 with words, 1 star-only.
    week = datetime(2026, 3, 3, 10, 0, tzinfo=JAKARTA)
    before = datetime(2026, 2, 17, 10, 0, tzinfo=JAKARTA)
    return [
        rating(1, 5, "Wangi:segar\nKetahanan:6-7 jam\nwanginya enak banget kak", week, author="gd.p****m",
               reply="Terima kasih kak, ditunggu order berikutnya 🙏"),
        rating(2, 4, "pengiriman agak lama tapi barang oke", week + timedelta(days=1)),
        rating(3, 1, "botolnya bocor", week + timedelta(days=2), author="b*****i"),
        rating(4, 5, "", week + timedelta(days=2), author=""),
        rating(5, 5, "   ", week + timedelta(days=3)),
        rating(6, 3, None, week + timedelta(days=4), reply="Mohon maaf kak, boleh diceritakan kendalanya?"),
        rating(7, 5, "", datetime(2026, 3, 8, 23, 30, tzinfo=JAKARTA)),  # Sunday night in Jakarta, Sunday 16:30 UTC
        rating(8, 4, "mantap", before),
        rating(9, 5, "sesuai pesanan", before + timedelta(days=1)),
        rating(10, 2, "", before + timedelta(days=2)),
    ]


@pytest.fixture
def shop(settings: Settings, tmp_path: Path) -> Settings:
    path = tmp_path / "shopee_ratings.json"
    path.write_text(json.dumps({"error": 0, "data": {"ratings": shop_ratings(), "item_rating_summary": {}}},
                               ensure_ascii=False), encoding="utf-8")
    saved = datetime(2026, 3, 10, 9, 0, tzinfo=JAKARTA).timestamp()
    os.utime(path, (saved, saved))
    tenant = get_tenant(settings.tenants_path, "toko-a")
    outcomes, _ = ingest_stage(tenant, [path], fmt=None, settings=settings, now=datetime(2026, 3, 10, tzinfo=UTC))
    assert [(o.status, o.rows_loaded, o.rows_quarantined) for o in outcomes] == [("loaded", 10, 0)]
    score_stage(tenant, settings=settings)
    return settings


def test_every_review_is_one_row_with_words_or_stars_only(shop: Settings) -> None:
    con = connect(shop.warehouse_path("toko-a"), read_only=True)
    assert con.execute("select count(*), count(distinct review_id), count(*) filter (where has_text)"
                       " from marts.fct_reviews").fetchall() == [(10, 10, 5)]
    assert con.execute("select count(*) from marts.fct_customer_voice where channel = 'review'").fetchall() == [(5,)]
    row = con.execute("select platform, product_name, variant, rating, local_date, has_seller_reply, seller_reply,"
                      " is_anonymous, source_format, source_locator from marts.fct_reviews"
                      " where review_id = 'shopee:24000000006'").fetchall()
    assert row == [("shopee", "Parfum Melati 30 ml", "50 ml", 3, date(2026, 3, 7), True,
                    "Mohon maaf kak, boleh diceritakan kendalanya?", False, "shopee_reviews", "/ratings/5")]
    # the local date is the tenant's (Asia/Jakarta), not UTC's
    assert con.execute("select local_date, cast(created_at at time zone 'UTC' as date) from marts.fct_reviews"
                       " where review_id = 'shopee:24000000007'").fetchall() == [(date(2026, 3, 8), date(2026, 3, 8))]
    # reviewers are keyed pseudonyms, never their names; the anonymous one has none
    authors = con.execute("select is_anonymous, author_key from marts.fct_reviews order by review_id").fetchall()
    assert all((key is None) == anonymous for anonymous, key in authors)
    raw = {a for (a,) in con.execute("select distinct author from raw.reviews where author <> ''").fetchall()}
    keys = {k for _, k in authors if k}
    assert raw and not (keys & raw) and all(len(k) >= 16 for k in keys)
    # ratings 1-5, a tenant on every row, lineage to a loaded file
    assert con.execute("select count(*) from marts.fct_reviews where rating not between 1 and 5"
                       " or tenant_id <> 'toko-a'").fetchall() == [(0,)]
    assert con.execute("select count(*) from marts.fct_reviews r anti join ops.ingested_files f"
                       " on f.file_id = r.source_file_id and f.status = 'loaded'").fetchall() == [(0,)]


def test_the_report_counts_and_averages_stars_without_words(shop: Settings) -> None:
    tenant = get_tenant(shop.tenants_path, "toko-a")
    con = connect(shop.warehouse_path("toko-a"), read_only=True)
    data = build_report_data(con, tenant, parse_week("2026-W10"))
    kpis = {k.key: k for k in data.kpis}
    assert kpis["kpi_reviews"].value == 7
    assert kpis["kpi_rating"].value == pytest.approx((5 + 4 + 1 + 5 + 5 + 3 + 5) / 7)
    assert kpis["kpi_reviews"].before == pytest.approx(3 / 4)  # 3 reviews over the 4 weeks before
    assert kpis["kpi_rating"].before == pytest.approx((4 + 5 + 2) / 3)
    assert [p.reviews for p in data.series if p.start in (date(2026, 2, 16), date(2026, 3, 2))] == [3, 7]


def test_review_uplift_counts_star_only_reviews(tmp_path: Path) -> None:
    tenant = Tenant(id="toko-a", name="Toko A", timezone="Asia/Jakarta", campaigns=[
        Campaign(name="Melati", hashtags=["#melati"], keywords=[], start=date(2026, 3, 2), end=date(2026, 3, 15))])
    # 4 reviews in the 4 weeks before (1 a week); during the 2 campaign weeks 6, of which 4 are stars only
    days = [datetime(2026, 2, 3 + 7 * i, 3) for i in range(4)] + [datetime(2026, 3, 3 + 2 * i, 3) for i in range(6)]
    texts = ["wangi", "oke", "mantap", "bagus", "wangi #melati", None, "", None, "enak", None]
    con = connect(tmp_path / "w.duckdb")
    reviews = conform(REVIEWS, pl.DataFrame({
        "review_id": [str(i) for i in range(10)], "text": texts, "rating": [5, 4, 5, 3, 5, 5, 4, 5, 2, 5],
        "created_at_utc": days, "platform": ["shopee"] * 10, "source_format": ["shopee_reviews"] * 10,
        "locator_prefix": ["/data/ratings/"] * 10, "row_number": list(range(10)), "is_anonymous": [True] * 10,
        "created_at_is_estimated": [False] * 10}))
    con.execute("begin")
    _insert_frame(con, "raw.reviews", reviews, "f1", tenant.id)
    con.execute("commit")
    build_models(con, tenant, b"k")
    build_models(con, tenant, b"k", models=SCORE_MODELS)
    row = con.sql("select reviews_during, reviews_before, review_uplift, review_mentions, voice_uplift"
                  " from marts.fct_campaign_performance where campaign = 'Melati'").fetchall()[0]
    # 6 reviews in 2 weeks = 3 a week, against 4 in the 4 weeks before = 1 a week: 3x (the voice mart alone
    # saw 2 during and 4 before, 1x)
    assert row[:3] == (6, 4, pytest.approx(3.0))
    assert row[3] == 1 and row[4] == pytest.approx(1.0)


def test_scoring_a_warehouse_built_before_the_reviews_mart_builds_it_first(shop: Settings) -> None:
    con = connect(shop.warehouse_path("toko-a"))
    con.execute("drop view marts.fct_reviews")  # as a warehouse built by an older Gaung
    con.close()
    counts = score_stage(get_tenant(shop.tenants_path, "toko-a"), settings=shop)
    assert "marts.fct_reviews" in counts and "marts.fct_campaign_performance" in counts
    con = connect(shop.warehouse_path("toko-a"), read_only=True)
    assert con.execute("select count(*) from marts.fct_reviews").fetchall() == [(10,)]
