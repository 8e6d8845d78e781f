"""TikTok analytics tabs (CSV and XLSX) and the data-download JSON, with every quirk in FORMATS.md."""

from __future__ import annotations

import io
import json
import os
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest import tiktok_analytics, tiktok_data_download
from pipelines.ingest.base import Hints
from pipelines.ingest.schemas import ACCOUNT_DAILY, AUDIENCE, COMMENTS, CONTENT, DIRECT_MESSAGES
from pipelines.run import ingest_stage
from pipelines.settings import Settings
from pipelines.tenants import get_tenant
from tests.conftest import ingest_one, write_workbook
from warehouse.connection import connect


def quoted(rows: list[list[str]]) -> bytes:
    return ("\ufeff" + "\n".join(",".join(f'"{c}"' for c in r) for r in rows) + "\n").encode()


def parse(data: bytes, export: date, name: str = "x.csv"):
    assert tiktok_analytics.sniff(data, name) > 0.5
    return tiktok_analytics.parse(data, name, Hints(export))


def test_overview_years_across_a_year_boundary_negative_counts_and_undefined() -> None:
    rows = [["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"],
            ["December 30", "120", "5", "30", "-2", "1"], ["December 31", "undefined", "5", "30", "4", "1"],
            ["January 1", "1,200", "15", "300", "40", "10"], ["Januray 2", "1", "1", "1", "1", "1"]]
    r = parse(quoted(rows), date(2026, 1, 3))
    df = r.tables[ACCOUNT_DAILY]
    assert df["date"].to_list() == [date(2025, 12, 30), date(2025, 12, 31), date(2026, 1, 1)]
    assert df["views"].to_list() == [120, None, 1200]
    assert df["comments"].to_list() == [-2, 4, 40]  # raw keeps the negative; staging clamps it
    assert r.quarantine["locator"].to_list() == ["overview row 5"] and "Januray 2" in r.quarantine["reason"][0]


@pytest.mark.parametrize(("text", "expected"), [
    ("8 de marzo", date(2026, 3, 8)), ("8 Maret", date(2026, 3, 8)), ("March 8", date(2026, 3, 8)),
    ("8 Mar", date(2026, 3, 8)), ("2026-03-08", date(2026, 3, 8)), ("8 mar.", date(2026, 3, 8)),
    ("8 de mar.", date(2026, 3, 8)), ("mar. 8", date(2026, 3, 8)), ("8 Mrt", date(2026, 3, 8)), ("8 Mxr", None),
])
def test_localized_dates(text: str, expected: date) -> None:
    rows = [["Date", "Followers", "Difference in followers from previous day"], [text, "1,000", "5"]]
    r = parse(quoted(rows), date(2026, 3, 9))
    assert r.tables[ACCOUNT_DAILY]["date"].to_list() == ([expected] if expected else [])
    assert r.quarantine.height == (0 if expected else 1)


def test_blank_rows_a_spreadsheet_leaves_are_skipped_not_quarantined() -> None:
    data = b"Date,Video Views,Profile Views,Likes,Comments,Shares\nApril 1,10,2,3,1,0\n,,,,,\nApril 2,12,x,3,1,0,9\nApril 3,1,1,1,1,1\n\n\n,,,,,\n"
    r = parse(data, date(2026, 5, 1))
    assert r.tables[ACCOUNT_DAILY]["date"].to_list() == [date(2026, 4, 1), date(2026, 4, 3)]
    assert r.quarantine["locator"].to_list() == ["row 4"]  # the row with 7 fields, numbered as a spreadsheet shows it


def test_content_post_times_one_day_order_per_file_and_unreadable_ones_quarantined() -> None:
    head = ["Time", "Video title", "Video link", "Post time", "Total likes", "Total comments", "Total shares", "Total views"]
    link = "https://www.tiktok.com/@kopisenja/video/72345678901234567{}"
    rows = [head, ["March 8", "a", link.format(10), "04/03/2026 19:05", "1", "1", "1", "10"],  # ambiguous alone
            ["March 8", "b", link.format(11), "25/02/2026 7.30", "1", "1", "1", "10"],  # settles day first
            ["March 8", "c", link.format(12), "Mar 1, 2026 2:30 PM", "1", "1", "1", "10"],
            ["March 8", "d", link.format(13), "2026-03-02T10:00:00+07:00", "1", "1", "1", "10"],
            ["March 8", "e", link.format(14), "March 5", "1", "1", "1", "10"],
            ["March 8", "f", link.format(15), "", "1", "1", "1", "10"],
            ["March 8", "g", link.format(16), "kemarin sore", "1", "1", "1", "10"]]
    r = parse(quoted(rows), date(2026, 3, 9))
    posted = dict(zip(r.tables[CONTENT]["title"], r.tables[CONTENT]["posted_at_local"], strict=True))
    assert posted == {"a": datetime(2026, 3, 4, 19, 5), "b": datetime(2026, 2, 25, 7, 30), "c": datetime(2026, 3, 1, 14, 30),
                      "d": datetime(2026, 3, 2, 10, 0), "e": datetime(2026, 3, 5), "f": None}
    assert r.tables[CONTENT].filter(pl.col("title") == "d")["posted_at_utc"].to_list() == [datetime(2026, 3, 2, 3, 0)]
    assert r.quarantine["locator"].to_list() == ["content row 8"]
    assert "'kemarin sore' in column 'Post time'" in r.quarantine["reason"][0]


def test_content_with_export_day_links_and_optional_columns() -> None:
    rows = [["Time", "Video title", "Video link", "Post time", "Total likes", "Total comments", "Total shares",
             "Total views", "Average watch time", "Watched full video", "Add to favorites", "Reach", "New followers"],
            ["March 8", "Kopi 🔥 #promo", "https://www.tiktok.com/@kopisenja/video/7234567890123456789?lang=id", "March 1",
             "1,234", "56", "78", "12,400", "8.5", "12.5%", "9", "10,000", "3"],
            ["March 8", "", "", "March 2", "1", "1", "1", "1", "", "", "", "", ""]]
    r = parse(quoted(rows), date(2026, 3, 9))
    row = r.tables[CONTENT].row(0, named=True)
    assert (row["native_id"], row["account"], row["url"]) == (
        "7234567890123456789", "kopisenja", "https://www.tiktok.com/@kopisenja/video/7234567890123456789")
    assert (row["observed_on"], row["posted_at_local"]) == (date(2026, 3, 8), datetime(2026, 3, 1))
    assert (row["views"], row["likes"], row["saves"], row["reach"], row["new_followers"]) == (12400, 1234, 9, 10000, 3)
    assert (row["avg_watch_time_seconds"], row["full_watch_rate"]) == (8.5, 0.125)
    assert "no TikTok video link" in r.quarantine["reason"][0]


def test_post_day_later_in_the_year_than_the_export_is_last_year() -> None:
    rows = [["Time", "Video title", "Video link", "Post time", "Total likes", "Total comments", "Total shares", "Total views"],
            ["January 5", "x", "https://www.tiktok.com/@a/video/1", "December 28", "1", "1", "1", "1"]]
    row = parse(quoted(rows), date(2026, 1, 6)).tables[CONTENT].row(0, named=True)
    assert (row["observed_on"], row["posted_at_local"].date()) == (date(2026, 1, 5), date(2025, 12, 28))


def test_xlsx_with_text_cells_one_sheet_per_tab() -> None:
    buf = io.BytesIO()
    pl.DataFrame({"Date": ["April 12"], "Hour": ["20"], "Active followers": ["1,234"]}).write_excel(buf, worksheet="FollowerActivity")
    r = parse(buf.getvalue(), date(2026, 4, 13), "FollowerActivity.xlsx")
    row = r.tables[AUDIENCE].row(0, named=True)
    assert (row["dimension"], row["key"], row["value"], row["date"]) == ("active_hour", "20", 1234.0, date(2026, 4, 12))


def test_gender_and_territories() -> None:
    g = parse(quoted([["Gender", "Distribution"], ["Female", "62%"], ["Male", "38%"]]), date(2026, 4, 13))
    assert g.tables[AUDIENCE]["value"].to_list() == [0.62, 0.38]
    t = parse(quoted([["Top territories", "Distribution"], ["ID", "0.91"]]), date(2026, 4, 13))
    assert t.tables[AUDIENCE].row(0, named=True)["dimension"] == "territory"


def test_export_date_is_the_day_in_the_tenants_timezone(settings: Settings, tmp_path: Path) -> None:
    # Saved at 01:30 on 1 January in Jakarta: still 31 December in UTC, which put every year-less date
    # of the export a year back.
    saved = datetime(2025, 1, 1, 1, 30, tzinfo=timezone(timedelta(hours=7))).timestamp()
    content = tmp_path / "Content.csv"
    content.write_bytes(quoted([
        ["Time", "Video title", "Video link", "Post time", "Total likes", "Total comments", "Total shares", "Total views"],
        ["January 1", "Promo tahun baru", "https://www.tiktok.com/@kopisenja/video/7234567890123456789", "December 30",
         "10", "2", "1", "500"]]))
    overview = tmp_path / "Overview.csv"
    overview.write_bytes(quoted([["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"],
                                 ["December 31", "100", "1", "2", "3", "4"], ["January 1", "200", "1", "2", "3", "4"]]))
    for f in (content, overview):
        os.utime(f, (saved, saved))
    tenant = get_tenant(settings.tenants_path, "toko-a")
    assert tenant.timezone == "Asia/Jakarta"
    outcomes, _ = ingest_stage(tenant, [content, overview], fmt=None, settings=settings,
                               now=datetime(2025, 1, 2, tzinfo=UTC))
    assert [(o.status, o.source_format) for o in outcomes] == [("loaded", "tiktok_analytics")] * 2
    assert all("export date 2025-01-01" in o.notes[0] for o in outcomes)
    con = connect(settings.warehouse_path("toko-a"), read_only=True)
    assert con.execute("select native_id, observed_on, posted_at_local from raw.content_snapshots").fetchall() == [
        ("7234567890123456789", date(2025, 1, 1), datetime(2024, 12, 30))]
    assert con.execute("select date, views from raw.account_daily order by date").fetchall() == [
        (date(2024, 12, 31), 100), (date(2025, 1, 1), 200)]


def test_workbook_with_a_notes_sheet_first_is_detected_and_its_tab_loads(settings: Settings, tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "Content_2026-03-09.xlsx", {
        "Catatan": [["Diunduh dari TikTok Studio oleh admin"], ["Periode: 7 hari"]],
        "Content": [["Time", "Video title", "Video link", "Post time", "Total likes", "Total comments", "Total shares",
                     "Total views"],
                    ["March 8", "Kopi 🔥", "https://www.tiktok.com/@kopisenja/video/7234567890123456789", "March 1",
                     "1,234", "56", "78", "12,400"],
                    ["March 8", "Es teh", "https://www.tiktok.com/@kopisenja/video/7234567890123456790", "March 5",
                     "10", "1", "0", "900"]],
    })
    outcomes, con = ingest_one(settings, path, datetime(2026, 3, 9, tzinfo=UTC))
    assert outcomes == [("loaded", "tiktok_analytics", 2, 1)]
    assert con.execute("select native_id, views, likes, observed_on from raw.content_snapshots order by views").fetchall() == [
        ("7234567890123456790", 900, 10, date(2026, 3, 8)), ("7234567890123456789", 12400, 1234, date(2026, 3, 8))]
    # the notes sheet is not a tab: reported in quarantine, as an unknown sheet always was
    assert con.execute("select locator, reason from ops.quarantine").fetchall() == [
        ("sheet Catatan", "sheet is not a known TikTok analytics tab")]


def test_not_a_tiktok_tab() -> None:
    assert tiktok_analytics.sniff(b"a,b\n1,2\n", "x.csv") == 0.0


LAYOUTS = {
    "2025": {"Post": {"Posts": {"VideoList": [{"Date": "2025-08-06 19:08:26", "Link": "https://www.tiktokv.com/share/video/7234567890123456789/", "Likes": "1,234", "Title": "Kopi 🔥", "Sound": "x", "Location": "N/A", "WhoCanView": "Everyone"}]}},
             "Comment": {"Comments": {"CommentsList": [{"date": "2025-08-07 10:00:00", "comment": "makasih kak", "photo": "N/A", "url": ""}]}},
             "Profile": {"Profile Info": {"ProfileMap": {"userName": "kopisenja"}}}},
    "2024": {"Video": {"Videos": {"VideoList": [{"Date": "2024-03-01 08:00:00", "VideoLink": "https://www.tiktokv.com/share/video/7111111111111111111/", "Likes": "12"}]}},
             "Comment": {"Comments": {"CommentsList": [{"Date": "2024-03-02 09:00:00", "Comment": "ditunggu ya"}]}}},
    "2026": {"Your Activity": {"Posts": {"videoList": [{"date": "2026-01-01 00:00:00", "link": "https://www.tiktok.com/@x/video/7999999999999999999", "likes": None}]}},
             "Comment": None, "Activity": {"Favorite Videos": {"FavoriteVideoList": []}, "Like List": "N/A"}},
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_data_download_layouts(layout: str) -> None:
    data = json.dumps(LAYOUTS[layout]).encode()
    assert tiktok_data_download.sniff(data, "user_data_tiktok.json") > 0.5
    r = tiktok_data_download.parse(data, "user_data_tiktok.json", Hints(date(2026, 2, 1)))
    posts = r.tables[CONTENT]
    assert posts.height == 1 and posts["native_id"][0].startswith("7")
    assert r.quarantine.height == 0
    if layout != "2026":
        assert r.tables[COMMENTS]["is_own"].to_list() == [True]


def test_data_download_bad_post_is_quarantined() -> None:
    doc = {"Post": {"Posts": {"VideoList": [{"Date": "kemarin", "Link": "https://www.tiktok.com/@x/video/1"}, {"Link": "none"}]}}}
    r = tiktok_data_download.parse(json.dumps(doc).encode(), "u.json", Hints(date(2026, 2, 1)))
    assert r.tables[CONTENT].height == 0 and r.quarantine.height == 2


def test_data_download_watch_and_browsing_history_are_not_own_posts() -> None:
    watched = {"Date": "2025-08-01 10:00:00", "Link": "https://www.tiktokv.com/share/video/7359012345678901234/"}
    doc = {"Your Activity": {"Watch History": {"VideoList": [watched] * 3}},
           "Activity": {"Video Browsing History": {"VideoList": [watched]}, "Like List": {"ItemFavoriteList": [watched]}},
           "Post": {"Posts": {"VideoList": [{"Date": "2025-08-06 19:08:26", "Likes": "3",
                                             "Link": "https://www.tiktokv.com/share/video/7234567890123456789/"}]}}}
    r = tiktok_data_download.parse(json.dumps(doc).encode(), "user_data_tiktok.json", Hints(date(2026, 2, 1)))
    assert r.tables[CONTENT]["native_id"].to_list() == ["7234567890123456789"]
    assert r.quarantine.height == 0


CHATS = {"Profile": {"Profile Information": {"ProfileMap": {"userName": "kopisenja"}}},
         "Direct Message": {"Direct Messages": {"ChatHistory": {
             "Chat History with budi_santoso:": [
                 {"Date": "2025-08-07 10:05:00", "From": "kopisenja", "Content": "Bisa kak, ready"},
                 {"Date": "2025-08-07 10:00:00", "From": "budi_santoso", "Content": "kak ada ukuran jumbo? wa 081234567890"},
                 {"Date": "2025-08-07 09:59:00", "From": "budi_santoso",
                  "Content": "https://www.tiktokv.com/share/video/7234567890123456789/"},
                 {"Date": "kemarin", "From": "budi_santoso", "Content": "halo"}],
             "Chat History with ani:": None}}}}


def test_data_download_direct_messages() -> None:
    data = json.dumps(CHATS).encode()
    assert tiktok_data_download.sniff(data, "user_data_tiktok.json") > 0.5  # chats alone, no posts: still a data download
    r = tiktok_data_download.parse(data, "user_data_tiktok.json", Hints(date(2026, 2, 1)))
    rows = r.tables[DIRECT_MESSAGES].select("sender", "from_owner", "sent_at_utc", "kind", "text", "share_link").rows()
    assert rows == [
        ("kopisenja", True, datetime(2025, 8, 7, 10, 5), "text", "Bisa kak, ready", None),
        ("budi_santoso", False, datetime(2025, 8, 7, 10, 0), "text", "kak ada ukuran jumbo? wa 081234567890", None),
        ("budi_santoso", False, datetime(2025, 8, 7, 9, 59), "share", None,
         "https://www.tiktokv.com/share/video/7234567890123456789/"),
    ]
    assert r.quarantine.select("locator", "raw", "reason").rows() == [
        ("/direct message/direct messages/chathistory/chat history with budi_santoso:/3",
         '{"date": "kemarin", "from": "budi_santoso", "content": "halo"}',
         "unreadable message: date 'kemarin' is not like '2025-08-06 19:08:26'")]


def test_data_download_direct_messages_reach_the_voice_mart(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "user_data_tiktok.json"
    path.write_text(json.dumps(CHATS))
    outcomes, con = ingest_one(settings, path, datetime(2026, 2, 1, tzinfo=UTC))
    assert outcomes == [("loaded", "tiktok_data_download", 3, 1)]
    rows = con.execute("select platform, channel, author_label, is_from_business, text from marts.fct_customer_voice"
                       " order by created_at").fetchall()
    assert rows == [("tiktok", "message", "b***", False, "kak ada ukuran jumbo? wa +62 812-****-90"),
                    ("tiktok", "message", "k***", True, "Bisa kak, ready")]


def test_overview_row_with_an_extra_field_is_quarantined_and_later_rows_keep_their_numbers() -> None:
    data = (b'"Date","Video Views","Profile Views","Likes","Comments","Shares"\n'
            b'"January 1","1","2","3","4","5"\n'
            b'"January 2","1,234",2,"3","4","5","x"\n'
            b'"January 3","1","2","3","4","5"\n')
    r = tiktok_analytics.parse(data, "Overview.csv", Hints(date(2026, 2, 1)))
    assert r.tables[ACCOUNT_DAILY].height == 2
    assert r.quarantine["locator"].to_list() == ["row 3"]
    assert "7 fields where the header has 6" in r.quarantine["reason"][0]
    assert "1,234" in r.quarantine["raw"][0]
