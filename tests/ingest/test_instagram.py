"""Instagram: Business Suite CSV in any UI language, data download JSON with Meta's encoding, Graph API."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from pipelines.ingest import instagram_data_download as dyi
from pipelines.ingest import instagram_graph_api as graph
from pipelines.ingest import meta_business_suite as bs
from pipelines.ingest.base import Hints
from pipelines.ingest.formats import detect
from pipelines.ingest.schemas import COMMENTS, CONTENT
from pipelines.settings import Settings
from tests.conftest import FIXTURES, ingest_one

HINTS = Hints(date(2026, 5, 1))
EN = "Post ID,Account ID,Account username,Account name,Description,Duration (sec),Publish time,Permalink,Post type,Data comment,Date,Views,Reach,Likes,Shares,Follows,Comments,Saves"
ID = "ID Postingan,ID Akun,Nama pengguna akun,Nama akun,Deskripsi,Durasi (detik),Waktu publikasi,Tautan permanen,Jenis postingan,Komentar data,Tanggal,Tayangan,Jangkauan,Suka,Dibagikan,Mengikuti,Komentar,Disimpan"
SV = "Inläggs-id,Konto-id,Kontots användarnamn,Kontonamn,Beskrivning,Längd (sek),Publiceringstid,Permanent länk,Inläggstyp,Datakommentar,Datum,Visningar,Räckvidd,Gilla-markeringar,Delningar,Följningar,Kommentarer,Sparade objekt"
ROW = '17900000000000001,1784,kopisenja,Kopi Senja,"Kopi aren #kopi",30,04/22/2026 19:05,https://www.instagram.com/reel/ABC123xyz/,IG reel,,Lifetime,"12,400","10,000",1200,88,5,40,31'


@pytest.mark.parametrize("header", [EN, ID, SV])
def test_business_suite_headers_in_any_language(header: str) -> None:
    data = f"{header}\n{ROW}\n".encode()
    assert bs.sniff(data, "x.csv") > 0.5
    row = bs.parse(data, "x.csv", HINTS).tables[CONTENT].row(0, named=True)
    assert (row["native_id"], row["url"], row["post_type"]) == ("17900000000000001", "https://www.instagram.com/reel/ABC123xyz/", "IG reel")
    assert (row["views"], row["reach"], row["likes"], row["saves"], row["duration_seconds"]) == (12400, 10000, 1200, 31, 30.0)
    assert row["posted_at_local"] == datetime(2026, 4, 22, 19, 5)


def test_business_suite_before_2025_has_impressions_and_plays() -> None:
    header = EN.replace("Views", "Impressions") + ",Plays"
    row = bs.parse(f"{header}\n{ROW},\"9,000\"\n".encode(), "x.csv", HINTS).tables[CONTENT].row(0, named=True)
    assert (row["impressions"], row["plays"], row["views"]) == (12400, 9000, None)


def publish_times(header: str, *times: str) -> tuple[list, list, list]:
    """Parse a Business Suite CSV with one post per publish time: (local times, UTC times, quarantine)."""
    rows = "".join(f'{i},1784,kopisenja,Kopi Senja,x,0,{t},https://www.instagram.com/p/P{i}/,IG image,,Lifetime,1,2,3,0,0,0,0\n'
                   for i, t in enumerate(times, start=1))
    result = bs.parse(f"{header}\n{rows}".encode(), "x.csv", HINTS)
    content = result.tables[CONTENT]
    return content["posted_at_local"].to_list(), content["posted_at_utc"].to_list(), result.quarantine.rows(named=True)


@pytest.mark.parametrize(("times", "expected"), [
    (["04/05/2024 14:30", "13/05/2024 09:00"], [datetime(2024, 5, 4, 14, 30), datetime(2024, 5, 13, 9, 0)]),
    (["04/05/2024 14:30", "05/13/2024 09:00"], [datetime(2024, 4, 5, 14, 30), datetime(2024, 5, 13, 9, 0)]),
])
def test_business_suite_date_order_is_decided_once_per_file(times: list[str], expected: list[datetime]) -> None:
    assert publish_times(EN, *times)[0] == expected


@pytest.mark.parametrize(("header", "expected"), [(EN, datetime(2024, 4, 5, 14, 30)), (ID, datetime(2024, 5, 4, 14, 30))])
def test_business_suite_ambiguous_dates_follow_the_header_language(header: str, expected: datetime) -> None:
    assert publish_times(header, "04/05/2024 14:30", "05/06/2024 08:00")[0][0] == expected


def test_business_suite_reads_12_hour_iso_and_dotted_times() -> None:
    local, utc, quarantine = publish_times(EN, "04/25/2024 2:30 PM", "04/25/2024 12:05 AM", "2024-04-25T14:30:00+0700",
                                           "2024-04-25T14:30:00+07:00", "04/25/2024 14.30")
    assert quarantine == []
    assert local == [datetime(2024, 4, 25, 14, 30), datetime(2024, 4, 25, 0, 5), datetime(2024, 4, 25, 14, 30),
                     datetime(2024, 4, 25, 14, 30), datetime(2024, 4, 25, 14, 30)]
    assert utc == [None, None, datetime(2024, 4, 25, 7, 30), datetime(2024, 4, 25, 7, 30), None]
    local, _, quarantine = publish_times(ID, "25/04/2024 14.30", "26/04/2024 09.05")
    assert (local, quarantine) == ([datetime(2024, 4, 25, 14, 30), datetime(2024, 4, 26, 9, 5)], [])


def test_business_suite_unreadable_publish_time_is_quarantined_not_null() -> None:
    local, _, quarantine = publish_times(EN, "25/04/2024 10:00", "kemarin", "26/04/2024 10:00", "04/27/2024 10:00", "--", "")
    assert local == [datetime(2024, 4, 25, 10, 0), datetime(2024, 4, 26, 10, 0), None, None]
    assert [q["locator"] for q in quarantine] == ["row 3", "row 5"]
    assert "'kemarin' in column 'Publish time'" in quarantine[0]["reason"]
    assert "'04/27/2024 10:00'" in quarantine[1]["reason"] and "day first" in quarantine[1]["reason"]
    assert "P4" in quarantine[1]["raw"]


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


INSIGHTS_ID = {"Stempel waktu pembuatan": {"timestamp": 1714000000}, "Akun yang dijangkau": {"value": "1.234", "timestamp": 0},
               "Tayangan": {"value": "2.345"}, "Suka": {"value": "56"}, "Komentar": {"value": "7"},
               "Dibagikan": {"value": "--"}, "Disimpan": {"value": "9"}, "Kunjungan profil": {"value": "3"}}


@pytest.mark.parametrize(("doc", "path"), [
    ({"organic_insights_posts": [{"media_map_data": {"Thumbnail media": {"title": "Kopi", "creation_timestamp": 1714000000}},
                                  "string_map_data": INSIGHTS_ID}]}, "posts.json"),
    ({"organic_insights_posts": [{"string_map_data": INSIGHTS_ID}]}, "posts.json"),
    ([{"string_map_data": INSIGHTS_ID}], "instagram-kopisenja.zip!/logged_information/past_instagram_insights/posts.json"),
])
def test_data_download_indonesian_past_insights_are_insights_not_comments(doc, path: str) -> None:
    data = json.dumps(doc).encode()
    assert detect(data, path, HINTS) == dyi.FORMAT
    result = dyi.parse(data, path, HINTS)
    assert result.tables[COMMENTS].is_empty() and result.quarantine.is_empty()
    row = result.tables[CONTENT].row(0, named=True)
    assert (row["native_id"], row["posted_at_utc"]) == ("dyi:1714000000", datetime(2024, 4, 24, 23, 6, 40))
    assert (row["reach"], row["views"], row["likes"], row["comments"], row["shares"], row["saves"], row["profile_views"]) == \
        (1234, 2345, 56, 7, None, 9, 3)


@pytest.mark.parametrize("path", ["post_comments_1.json", "your_instagram_activity/comments/post_comments_1.json"])
def test_data_download_indonesian_comments_stay_comments(path: str) -> None:
    items = [{"string_map_data": {"Komentar": {"value": "12"}, "Pemilik media": {"value": "kopisenja"}, "Waktu": {"timestamp": 1714000000}}},
             {"string_map_data": {"Komentar": {"value": "mantap"}, "Pemilik media": {"value": "kopisenja"}, "Waktu": {"timestamp": 1714000100}}}]
    rows = dyi.parse(json.dumps(items).encode(), path, HINTS).tables[COMMENTS]
    assert rows["text"].to_list() == ["12", "mantap"]


def test_tayangan_is_views_in_every_instagram_format() -> None:
    row = bs.parse(f"{ID}\n{ROW}\n".encode(), "x.csv", HINTS).tables[CONTENT].row(0, named=True)
    assert (row["views"], row["impressions"]) == (12400, None)
    doc = {"organic_insights_posts": [{"media_map_data": {"Thumbnail media": {"creation_timestamp": 1714000000}},
                                       "string_map_data": {"Akun yang dijangkau": {"value": "1.234"}, "Tayangan": {"value": "2.345"},
                                                           "Impresi": {"value": "3.000"}}}]}
    row = dyi.parse(json.dumps(doc).encode(), "posts.json", HINTS).tables[CONTENT].row(0, named=True)
    assert (row["reach"], row["views"], row["impressions"]) == (1234, 2345, 3000)


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
    outcomes, con = ingest_one(settings, path, datetime(2025, 1, 5, tzinfo=UTC))
    assert outcomes == [("loaded", "instagram_graph_api", 3, 0)]
    assert con.execute("select locator, native_id, post_type, likes, posted_at_utc from raw.content_snapshots"
                       " order by locator").fetchall() == [
        ("/0/data/0", "35076616084176123", "feed", 52, datetime(2019, 5, 2, 11, 42, 1)),
        ("/1/data/0", "17900000000000002", "reels", 120, datetime(2025, 1, 3, 12, 0)),
        ("/1/data/1", "17900000000000003", "carousel_album", 7, datetime(2025, 1, 2, 1, 30))]
