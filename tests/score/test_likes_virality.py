"""Posts with likes and no views (TikTok and Instagram data downloads) are judged against the account's own
likes and comments, and the report says so: "disukai 7,5x dari biasanya (tanpa data tayangan)"."""

from __future__ import annotations

import json
import math
import os
import re
import statistics
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest.loader import _insert_frame
from pipelines.ingest.schemas import CONTENT, conform
from pipelines.report.data import build_report_data, parse_week
from pipelines.report.render import render_html
from pipelines.run import ingest_stage, score_stage
from pipelines.settings import Settings
from pipelines.tenants import Tenant, get_tenant
from warehouse.build import SCORE_MODELS, build_models
from warehouse.connection import connect

TENANT = Tenant(id="toko-a", name="Toko A", timezone="UTC")


def scores(tmp_path: Path, rows: list[dict], platform: str = "tiktok") -> dict[str, dict]:
    con = connect(tmp_path / "s.duckdb")
    frame = conform(CONTENT, pl.DataFrame(rows).with_columns(
        pl.lit("data_download").alias("source_format"), pl.lit(platform).alias("platform"), pl.lit("acct").alias("account"),
        pl.format("row {}", pl.int_range(pl.len())).alias("locator"), pl.lit("{}").alias("raw_json")))
    con.execute("begin")
    _insert_frame(con, "raw.content_snapshots", frame, "f1", TENANT.id)
    con.execute("commit")
    build_models(con, TENANT, b"k")
    build_models(con, TENANT, b"k", models=SCORE_MODELS)
    out = {r["content_id"]: r for r in con.sql("select * from marts.fct_content_scores").pl().iter_rows(named=True)}
    con.close()
    return out


def post(nid: str, day: int, likes: int | None, comments: int | None = None, views: int | None = None) -> dict:
    return {"native_id": nid, "posted_at_utc": datetime(2026, 3, day, 12), "observed_at_utc": datetime(2026, 3, 31),
            "likes": likes, "comments": comments, "views": views}


def robust_z(x: float, earlier: list[float]) -> float:
    med = statistics.median(earlier)
    mad = statistics.median(abs(v - med) for v in earlier)
    return (x - med) / max(1.4826 * mad, 0.25)


def test_likes_only_posts_are_judged_on_likes_against_the_accounts_own(tmp_path: Path) -> None:
    earlier = [20, 25, 18, 22, 20]
    rows = [post(f"dyi:{i}", 1 + i, likes) for i, likes in enumerate(earlier)] + [post("dyi:9", 10, 150)]
    s = scores(tmp_path, rows)
    r = s["tiktok:dyi:9"]
    assert r["views"] is None and r["virality_basis"] == "likes"
    assert r["baseline_posts"] == 5 and r["baseline_likes"] == pytest.approx(20)
    z = robust_z(math.log1p(150), [math.log1p(v) for v in earlier])
    assert r["z_likes"] == pytest.approx(z)
    assert r["z_comments"] is None  # TikTok data downloads carry no comments received
    assert r["virality_score"] == pytest.approx(z)
    assert r["likes_vs_usual"] == pytest.approx(7.5)
    assert r["is_viral"] is True
    assert r["viral_reason"] == "liked 7.5x the usual (no views in this data)"
    assert r["viral_reason_id"] == "disukai 7,5x dari biasanya (tanpa data tayangan)"
    assert r["z_views"] is None and r["views_vs_usual"] is None
    assert r["virality_percentile"] == pytest.approx(1.0)
    assert not any(v["is_viral"] for k, v in s.items() if k != "tiktok:dyi:9")


def test_comments_weigh_in_where_the_download_has_them(tmp_path: Path) -> None:
    # Instagram's past insights give likes and comments per post but no views for older posts
    earlier = [(40, 4), (50, 6), (45, 5), (38, 3), (42, 5)]
    rows = [post(f"dyi:{i}", 1 + i, li, co) for i, (li, co) in enumerate(earlier)] + [post("dyi:9", 10, 200, 40)]
    r = scores(tmp_path, rows, platform="instagram")["instagram:dyi:9"]
    z_l = robust_z(math.log1p(200), [math.log1p(v) for v, _ in earlier])
    z_c = robust_z(math.log1p(40), [math.log1p(c) for _, c in earlier])
    assert (r["z_likes"], r["z_comments"]) == (pytest.approx(z_l), pytest.approx(z_c))
    assert r["virality_score"] == pytest.approx(0.6 * z_l + 0.4 * z_c)
    assert r["baseline_comments"] == pytest.approx(5) and r["comments_vs_usual"] == pytest.approx(8)
    assert r["is_viral"] is True
    assert r["viral_reason_id"] == "disukai 4,8x dari biasanya, komentar 8,0x (tanpa data tayangan)"


@pytest.mark.parametrize(("likes", "viral"), [(9, False), (59, False), (60, True)])
def test_a_handful_of_likes_or_less_than_3x_is_not_viral(tmp_path: Path, likes: int, viral: bool) -> None:
    # usual 20 likes: 59 is under 3x; 9 likes on an account that usually gets 2 is 4.5x but only 9 likes
    usual = 2 if likes == 9 else 20
    rows = [post(f"dyi:{i}", 1 + i, usual + (i % 2)) for i in range(5)] + [post("dyi:9", 10, likes)]
    assert scores(tmp_path, rows)["tiktok:dyi:9"]["is_viral"] is viral


def test_a_post_with_views_is_still_judged_on_views(tmp_path: Path) -> None:
    rows = [post(str(i), 1 + i, 20, views=1000 + 10 * i) for i in range(5)] + [post("9", 10, 200, views=1100)]
    r = scores(tmp_path, rows)["tiktok:9"]
    assert r["virality_basis"] == "views" and r["z_likes"] is None and r["is_viral"] is False
    assert r["viral_reason"].startswith("views 1.1x the usual")


JAKARTA = timezone(timedelta(hours=7))


def test_a_data_download_alone_gets_verdicts_in_the_report(settings: Settings, tmp_path: Path) -> None:
    likes = ["31", "24", "40", "28", "35", "33", "240"]
    start = datetime(2026, 2, 2, 11, 0, 7)
    videos = [{"Date": (start + timedelta(days=4 * i, minutes=i)).strftime("%Y-%m-%d %H:%M:%S"),
               "Link": f"https://v16m.tiktokcdn-us.com/{i}abc/video/tos/useast5/?a=1233&x-tos-expires=177{i}&l=2026",
               "Likes": n, "Title": "N/A" if i != 6 else "Kopi susu aren 🔥 #kopisenja", "Sound": "original sound",
               "CoverImage": f"https://p16-sign.tiktokcdn-us.com/obj/cover{i}~tplv.image?x-expires=1{i}"}
              for i, n in enumerate(likes)]
    path = tmp_path / "user_data_tiktok.json"
    path.write_text(json.dumps({"Profile": {"Profile Info": {"ProfileMap": {"userName": "kopisenja"}}},
                                "Post": {"Posts": {"VideoList": videos}}}), encoding="utf-8")
    saved = datetime(2026, 3, 2, 8, 0, tzinfo=JAKARTA).timestamp()
    os.utime(path, (saved, saved))
    tenant = get_tenant(settings.tenants_path, "toko-a")
    outcomes, _ = ingest_stage(tenant, [path], fmt=None, settings=settings, now=datetime(2026, 3, 2, tzinfo=UTC))
    assert [(o.status, o.rows_loaded, o.rows_quarantined) for o in outcomes] == [("loaded", 7, 0)]
    score_stage(tenant, settings=settings)
    con = connect(settings.warehouse_path("toko-a"), read_only=True)
    verdicts = con.execute("select count(*), count(*) filter (where is_viral), count(viral_reason)"
                           " from marts.fct_content_scores").fetchall()
    assert verdicts == [(7, 1, 7)]
    data = build_report_data(con, tenant, parse_week("2026-W09"))
    assert data.has_content
    viral = data.viral_recent[0]
    assert (viral.title, viral.basis, viral.likes) == ("Kopi susu aren 🔥 #kopisenja", "likes", 240)
    html = {lang: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", render_html(data, lang))) for lang in ("id", "en")}
    # the six earlier posts, all within 90 days: the usual is the median of ln(1 + likes), back in likes
    usual = math.exp(statistics.median(math.log1p(int(n)) for n in likes[:6])) - 1
    times = f"{240 / usual:.1f}"
    assert times == "7.5"
    assert f"disukai {times.replace('.', ',')}x dari biasanya (tanpa data tayangan)" in html["id"]
    assert "240 suka" in html["id"] and "0 tayangan" not in html["id"]
    assert f"liked {times}x the usual (no views in this data)" in html["en"]
    assert "Dasar: Disukai 7,5x dari biasanya (26 Februari); data ini tanpa jumlah tayangan." in html["id"]
    # a post without a title is named by its local posting time, not left blank
    assert any(c.title == "2026-02-02 18:00" for c in data.top_content)
    assert date(2026, 2, 26) == viral.posted


def test_instagram_past_insights_without_views_get_a_verdict(settings: Settings, tmp_path: Path) -> None:
    # past_instagram_insights/posts.json as older exports write it: reach, likes and comments, no views
    counts = [(410, 38, 4), (380, 41, 5), (450, 36, 3), (400, 44, 6), (395, 40, 4), (2900, 310, 52)]
    start = 1_771_000_000
    doc = {"organic_insights_posts": [
        {"media_map_data": {"Media Thumbnail": {"title": f"Kopi aren hari ke-{i}", "creation_timestamp": start + i * 86400 * 3}},
         "string_map_data": {"Accounts reached": {"value": f"{reach:,}"}, "Likes": {"value": str(likes)},
                             "Comments": {"value": str(comments)}, "Impressions": {"value": "--"}}}
        for i, (reach, likes, comments) in enumerate(counts)]}
    path = tmp_path / "posts.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    tenant = get_tenant(settings.tenants_path, "toko-a")
    outcomes, _ = ingest_stage(tenant, [path], fmt=None, settings=settings, now=datetime(2026, 3, 2, tzinfo=UTC))
    assert [(o.status, o.source_format, o.rows_loaded) for o in outcomes] == [("loaded", "instagram_data_download", 6)]
    score_stage(tenant, settings=settings)
    con = connect(settings.warehouse_path("toko-a"), read_only=True)
    rows = con.execute("select virality_basis, is_viral, viral_reason_id from marts.fct_content_scores"
                       " order by posted_at").fetchall()
    assert [r[0] for r in rows] == ["likes"] * 6
    assert [r[1] for r in rows] == [False] * 5 + [True]
    assert re.fullmatch(r"disukai 7,\dx dari biasanya, komentar 1\d,\dx \(tanpa data tayangan\)", rows[-1][2]), rows[-1][2]
