"""Instagram: Business Suite CSV in any UI language, data download JSON with Meta's encoding, Graph API."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from pipelines.ingest import instagram_business_suite as bs
from pipelines.ingest import instagram_data_download as dyi
from pipelines.ingest import instagram_graph as graph
from pipelines.ingest.base import Hints
from pipelines.ingest.schemas import COMMENTS, CONTENT
from pipelines.run import ingest_stage
from pipelines.settings import Settings
from pipelines.tenants import get_tenant
from tests.conftest import FIXTURES
from warehouse.connection import connect

HINTS = Hints(date(2026, 5, 1))
EN = "Post ID,Account ID,Account username,Account name,Description,Duration (sec),Publish time,Permalink,Post type,Data comment,Date,Views,Reach,Likes,Shares,Follows,Comments,Saves"
ID = "ID Postingan,ID Akun,Nama pengguna akun,Nama akun,Deskripsi,Durasi (detik),Waktu publikasi,Tautan permanen,Jenis postingan,Komentar data,Tanggal,Tayangan,Jangkauan,Suka,Dibagikan,Mengikuti,Komentar,Disimpan"
SV = "Inläggs-id,Konto-id,Kontots användarnamn,Kontonamn,Beskrivning,Längd (sek),Publiceringstid,Permanent länk,Inläggstyp,Datakommentar,Datum,Visningar,Räckvidd,Gilla-markeringar,Delningar,Följningar,Kommentarer,Sparade objekt"
ROW = '17900000000000001,1784,kopisenja,Kopi Senja,"Kopi aren #kopi",30,04/12/2026 19:05,https://www.instagram.com/reel/ABC123xyz/,IG reel,,Lifetime,"12,400","10,000",1200,88,5,40,31'


@pytest.mark.parametrize("header", [EN, ID, SV])
def test_business_suite_headers_in_any_language(header: str) -> None:
    data = f"{header}\n{ROW}\n".encode()
    assert bs.sniff(data, "x.csv") > 0.5
    row = bs.parse(data, "x.csv", HINTS).tables[CONTENT].row(0, named=True)
    assert (row["native_id"], row["url"], row["post_type"]) == ("17900000000000001", "https://www.instagram.com/reel/ABC123xyz/", "IG reel")
    assert (row["views"], row["reach"], row["likes"], row["saves"], row["duration_seconds"]) == (12400, 10000, 1200, 31, 30.0)
    assert row["posted_at_local"] == datetime(2026, 4, 12, 19, 5)


def test_business_suite_before_2025_has_impressions_and_plays() -> None:
    header = EN.replace("Views", "Impressions") + ",Plays"
    row = bs.parse(f"{header}\n{ROW},\"9,000\"\n".encode(), "x.csv", HINTS).tables[CONTENT].row(0, named=True)
    assert (row["impressions"], row["plays"], row["views"]) == (12400, 9000, None)


def meta(s: str) -> str:
    """How Meta writes text: every UTF-8 byte as its own \\u00XX character."""
    return s.encode("utf-8").decode("latin-1")


def test_data_download_posts_with_encoding_repair() -> None:
    posts = [{"media": [{"uri": "media/posts/1.jpg", "creation_timestamp": 1714000000, "title": meta("Kopi aren 🇮🇩 enak")}]},
             {"title": meta("Carousel café"), "creation_timestamp": 1714100000, "media": [{"uri": "a.jpg"}, {"uri": "b.jpg"}]}]
    data = json.dumps(posts).encode()
    assert dyi.sniff(data, "posts_1.json") > 0.5
    rows = dyi.parse(data, "posts_1.json", HINTS).tables[CONTENT]
    assert rows["title"].to_list() == ["Kopi aren 🇮🇩 enak", "Carousel café"]
    assert rows["post_type"].to_list() == ["post", "carousel"]


@pytest.mark.parametrize(("comment", "owner", "time"), [("Comment", "Media Owner", "Time"), ("Komentar", "Pemilik media", "Waktu")])
def test_data_download_comments_with_translated_keys(comment: str, owner: str, time: str) -> None:
    items = [{"string_map_data": {comment: {"value": meta("makasih kak 🙏")}, owner: {"value": "kopisenja"},
                                  time: {"timestamp": 1714000000}}}]
    rows = dyi.parse(json.dumps(items).encode(), "post_comments_1.json", HINTS).tables[COMMENTS]
    assert rows["text"].to_list() == ["makasih kak 🙏"] and rows["is_own"].to_list() == [True]


def test_data_download_past_insights_with_dashes() -> None:
    doc = {"organic_insights_posts": [{"media_map_data": {"Media Thumbnail": {"title": "Kopi", "creation_timestamp": 1714000000}},
                                       "string_map_data": {"Accounts reached": {"value": "1,234"}, "Impressions": {"value": "--"},
                                                           "Likes": {"value": "56"}}}]}
    row = dyi.parse(json.dumps(doc).encode(), "posts.json", HINTS).tables[CONTENT].row(0, named=True)
    assert (row["reach"], row["impressions"], row["likes"], row["native_id"]) == (1234, None, 56, "dyi:1714000000")


def test_graph_api_fixtures() -> None:
    media = (FIXTURES / "instagram" / "graph_api" / "media_for_general_media.json").read_bytes()
    insights = (FIXTURES / "instagram" / "graph_api" / "media_insights_for_reels.json").read_bytes()
    assert graph.sniff(media, "m.json") > 0.5 and graph.sniff(insights, "i.json") > 0.5
    m = graph.parse(media, "m.json", HINTS).tables[CONTENT].row(0, named=True)
    assert (m["native_id"], m["likes"], m["posted_at_utc"]) == ("35076616084176123", 52, datetime(2019, 5, 2, 11, 42, 1))
    i = graph.parse(insights, "i.json", HINTS).tables[CONTENT].row(0, named=True)
    assert (i["native_id"], i["reach"], i["plays"], i["avg_watch_time_seconds"]) == ("84386203808767123", 2006, 2385, 12.549)


def test_graph_api_missing_metric_is_missing_not_zero() -> None:
    doc = {"data": [{"name": "views", "period": "lifetime", "values": [], "id": "1/insights/views/lifetime"},
                    {"name": "reach", "period": "lifetime", "values": [{"value": 10}], "id": "1/insights/reach/lifetime"}]}
    row = graph.parse(json.dumps(doc).encode(), "i.json", HINTS).tables[CONTENT].row(0, named=True)
    assert (row["views"], row["reach"]) == (None, 10)


def test_graph_api_media_pages_saved_as_a_list_load_every_page(settings: Settings, tmp_path: Path) -> None:
    first = json.loads((FIXTURES / "instagram" / "graph_api" / "media_for_general_media.json").read_text())
    first["paging"]["next"] = "https://graph.facebook.com/v23.0/17841400000000000/media?after=QVFIUn"
    second = {"data": [
        {"id": "17900000000000002", "caption": "Kopi aren 🔥", "comments_count": 4, "like_count": 120,
         "media_type": "VIDEO", "media_product_type": "REELS", "permalink": "https://www.instagram.com/reel/AB2/",
         "timestamp": "2025-01-03T12:00:00+0000", "username": "kopisenja"},
        {"id": "17900000000000003", "caption": "", "comments_count": 0, "like_count": 7, "media_type": "CAROUSEL_ALBUM",
         "permalink": "https://www.instagram.com/p/AB3/", "timestamp": "2025-01-02T01:30:00+0000", "username": "kopisenja"}],
        "paging": {"cursors": {"before": "QVFIUm", "after": "QVFIUn"}}}
    last = {"data": [], "paging": {"cursors": {"before": "QVFIUo"}}}
    path = tmp_path / "ig_media_pages.json"
    path.write_text(json.dumps([first, second, last], ensure_ascii=False), encoding="utf-8")
    outcomes, _ = ingest_stage(get_tenant(settings.tenants_path, "toko-a"), [path], fmt=None, settings=settings,
                               now=datetime(2025, 1, 5, tzinfo=UTC))
    assert [(o.status, o.source_format, o.rows_loaded, o.rows_quarantined) for o in outcomes] == [
        ("loaded", "instagram_graph_api", 3, 0)]
    con = connect(settings.warehouse_path("toko-a"), read_only=True)
    assert con.execute("select locator, native_id, post_type, likes, posted_at_utc from raw.content_snapshots"
                       " order by locator").fetchall() == [
        ("/0/data/0", "35076616084176123", "feed", 52, datetime(2019, 5, 2, 11, 42, 1)),
        ("/1/data/0", "17900000000000002", "reels", 120, datetime(2025, 1, 3, 12, 0)),
        ("/1/data/1", "17900000000000003", "carousel_album", 7, datetime(2025, 1, 2, 1, 30))]
