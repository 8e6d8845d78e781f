"""TikTok "Download your data" posts of 2025-2026 exports, whose Link is a signed CDN download URL with no
video id (../shared/FORMATS.md, TikTok): every post loads, known by its posting second, and meets the same
post from a file that carries ids (an older data download, the Display API, TikTok Analytics) once only."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from pipelines.ingest import tiktok_data_download
from pipelines.ingest.base import Hints
from pipelines.ingest.schemas import CONTENT
from pipelines.run import ingest_stage, score_stage
from pipelines.settings import Settings
from pipelines.tenants import get_tenant
from warehouse.connection import connect

# (Date in UTC as the file writes it, likes in the first export, likes in the second, cover object, sound)
POSTS = [
    ("2025-11-02 11:15:42", "48", "61", "oQAbIeEzDqgAfBfQnAEIf6CRgEBtCAIFjAEWkD", "original sound - kopisenja"),
    ("2025-11-09 12:01:07", "312", "340", "owAEfIABoEB3QnCAgfIoZDbYzQ6iAefeBfDQAg", "Kopi Dangdut - Fahmi Aziz"),
    ("2026-01-20 09:30:00", "57", "75", "ocIAqBfEgCEQ5IBEAn8AfIgDzUzGj7FAAeIHbW", "original sound - kopisenja"),
]
NEW_POST = ("2026-02-20 12:45:33", None, "9", "oEAgfQBqIAzQEeBWfDfCDAgPIAAIeCEnzg8jIb", "suara asli - kopisenja")
IDS = {"2025-11-02 11:15:42": "7567012345678901234", "2025-11-09 12:01:07": "7569598765432109876",
       "2026-01-20 09:30:00": "7597123456789012345", "2026-02-20 12:45:33": "7608765432109876543"}


def cdn_link(cover: str, expires: int) -> str:
    """A signed download link as real exports write it: host, path and a query that changes every export."""
    return (f"https://video-useast5.tiktokv.us/storage/v1/tos-useast5-v-0068c799-tx/{cover[::-1]}"
            f"?a=1233&bti=OUBzOTg7QGo6OjZAL3AjLTAzYCMxNDNg&ch=0&cr=13&dr=0&er=0&cd=0%7C0%7C0%7C0&br=2134"
            f"&bt=1067&ft=.NpOcInz7ThPqn8KXq8Zmo&mime_type=video_mp4&qs=0&rc=ZTk0aGk3&vvpl=1&l={expires}9A0"
            f"&btag=e000b8000&x-tos-expires={expires}&x-tos-signature=Ui{expires % 97}Jq8%3D")


def cover_link(cover: str, expires: int) -> str:
    return (f"https://p16-common-sign-useastred.tiktokcdn-eu.com/tos-useast5-p-0068-tx/{cover}~tplv-tiktokx-origin.image"
            f"?dr=9636&x-expires={expires}&x-signature=q{expires % 89}xU%3D&t=4d5b0474&ps=13740610&idc=useast5")


def post(when: str, likes: str | None, cover: str, sound: str, expires: int, *, lower: bool = False) -> dict:
    item = {"Date": when, "Link": cdn_link(cover, expires), "Likes": likes, "Title": "N/A", "Sound": sound,
            "Location": "N/A", "WhoCanView": "Everyone", "AllowComments": "Yes", "AIGeneratedContent": "No",
            "CoverImage": cover_link(cover, expires), "AddYoursText": "", "AlternativeText": "N/A"}
    if lower:  # key case is mixed even within one file
        item = {k[0].lower() + k[1:]: v for k, v in item.items()}
    return item


def export(posts: list[dict], *, with_profile: bool = True) -> dict:
    doc = {"Activity": {"Favorite Videos": {"FavoriteVideoList": []}, "Like List": {"ItemFavoriteList": None}},
           "Comment": {"Comments": {"CommentsList": "N/A"}},
           "Post": {"Posts": {"VideoList": posts}}}
    if with_profile:
        doc["Profile"] = {"Profile Info": {"ProfileMap": {"userName": "kopisenja", "bioDescription": "N/A"}}}
    return doc


def first_export() -> dict:
    return export([post(w, a, c, s, 1769990400, lower=i == 1) for i, (w, a, _, c, s) in enumerate(POSTS)])


def second_export() -> dict:
    return export([post(w, b, c, s, 1772409600) for w, _, b, c, s in [*POSTS, NEW_POST]])


def epoch(when: str) -> int:
    return int(datetime.strptime(when, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC).timestamp())


def test_posts_with_signed_cdn_links_load_known_by_their_posting_second() -> None:
    data = json.dumps(first_export()).encode()
    assert tiktok_data_download.sniff(data, "user_data_tiktok.json") > 0.5
    r = tiktok_data_download.parse(data, "user_data_tiktok.json", Hints(date(2026, 2, 1)))
    posts = r.tables[CONTENT]
    assert r.quarantine.height == 0
    assert posts["native_id"].to_list() == [f"dyi:{epoch(p[0])}" for p in POSTS]
    assert posts["likes"].to_list() == [48, 312, 57]
    assert posts["title"].to_list() == [None] * 3  # "N/A" is no title
    assert posts["url"].to_list() == [None] * 3  # a download link that expires is no link to the post
    assert posts["account"].to_list() == ["kopisenja"] * 3
    assert posts["posted_at_utc"].to_list() == [datetime.strptime(p[0], "%Y-%m-%d %H:%M:%S") for p in POSTS]


def test_a_post_with_neither_an_id_nor_a_date_is_quarantined_with_its_reason() -> None:
    doc = export([{"Link": cdn_link("abc", 1), "Likes": "3"}, {"Date": "N/A", "Link": "N/A"}])
    r = tiktok_data_download.parse(json.dumps(doc).encode(), "user_data_tiktok.json", Hints(date(2026, 2, 1)))
    assert r.tables[CONTENT].height == 0
    assert r.quarantine["reason"].to_list() == [
        "unreadable post: the post has neither a video link with an id (…/video/<id>) nor a Date to know it by"] * 2


def test_two_posts_in_one_second_stay_two_and_keep_their_keys_when_links_are_signed_again() -> None:
    when = "2025-12-01 08:00:00"
    keys = []
    for expires in (1769990400, 1772409600):
        doc = export([post(when, "5", "oCoverA", "original sound - kopisenja", expires),
                      post(when, "9", "oCoverB", "original sound - kopisenja", expires)])
        r = tiktok_data_download.parse(json.dumps(doc).encode(), "user_data_tiktok.json", Hints(date(2026, 2, 1)))
        keys.append(r.tables[CONTENT]["native_id"].to_list())
    assert len(set(keys[0])) == 2 and all(k.startswith(f"dyi:{epoch(when)}:") for k in keys[0])
    assert keys[0] == keys[1]


def write(path: Path, doc_or_text, saved: datetime) -> Path:
    path.write_text(doc_or_text if isinstance(doc_or_text, str) else json.dumps(doc_or_text), encoding="utf-8")
    os.utime(path, (saved.timestamp(), saved.timestamp()))
    return path


def load(settings: Settings, paths: list[Path], now: datetime) -> None:
    tenant = get_tenant(settings.tenants_path, "toko-a")
    outcomes, _ = ingest_stage(tenant, paths, fmt=None, settings=settings, now=now)
    assert all(o.status == "loaded" and o.rows_quarantined == 0 for o in outcomes), outcomes
    score_stage(tenant, settings=settings)


JAKARTA = timezone(timedelta(hours=7))


def test_exports_signed_again_and_sources_with_ids_count_each_post_once(settings: Settings, tmp_path: Path) -> None:
    feb = datetime(2026, 2, 1, 9, 0, tzinfo=JAKARTA)
    mar = datetime(2026, 3, 1, 9, 0, tzinfo=JAKARTA)
    (tmp_path / "feb").mkdir()
    (tmp_path / "mar").mkdir()
    load(settings, [write(tmp_path / "feb" / "user_data_tiktok.json", first_export(), feb)], feb)
    load(settings, [write(tmp_path / "mar" / "user_data_tiktok.json", second_export(), mar)], mar)
    con = connect(settings.warehouse_path("toko-a"), read_only=True)
    assert con.execute("select count(*) from raw.content_snapshots").fetchall() == [(7,)]
    assert con.execute("select count(*), count(distinct content_id) from marts.dim_content").fetchall() == [(4, 4)]
    # the post seen in both exports has two observations: likes grew from 48 to 61
    first = f"tiktok:dyi:{epoch(POSTS[0][0])}"
    assert con.execute("select observed_local_date, likes from marts.fct_content_metrics where content_id = ?"
                       " order by observed_at", [first]).fetchall() == [(date(2026, 2, 1), 48), (date(2026, 3, 1), 61)]
    con.close()

    # Later, files that carry ids: an older-style data download with video links for the first two posts,
    # a Display API page for the third (create_time to the second) and a TikTok Studio Content export for
    # the new one (Post time in local time, to the minute).
    apr = datetime(2026, 4, 1, 9, 0, tzinfo=JAKARTA)
    (tmp_path / "apr").mkdir()
    with_links = export([{"Date": w, "Link": f"https://www.tiktokv.com/share/video/{IDS[w]}/", "Likes": str(int(b) + 5),
                          "Sound": s} for w, _, b, _, s in POSTS[:2]])
    api = {"data": {"videos": [{"id": IDS[POSTS[2][0]], "create_time": epoch(POSTS[2][0]), "title": "Es kopi susu aren",
                                "share_url": f"https://www.tiktok.com/@kopisenja/video/{IDS[POSTS[2][0]]}?utm_source=x",
                                "view_count": 2400, "like_count": 70, "comment_count": 6, "share_count": 3,
                                "duration": 21}], "cursor": 0, "has_more": False}, "error": {"code": "ok"}}
    posted_local = (datetime.strptime(NEW_POST[0], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC).astimezone(JAKARTA))
    content = "\ufeff" + "\n".join(",".join(f'"{c}"' for c in row) for row in [
        ["Time", "Video title", "Video link", "Post time", "Total likes", "Total comments", "Total shares", "Total views"],
        ["April 1", "Kopi susu gula aren", f"https://www.tiktok.com/@kopisenja/video/{IDS[NEW_POST[0]]}",
         posted_local.strftime("%d/%m/%Y %H:%M"), "12", "2", "1", "900"]]) + "\n"
    pulled = datetime(2026, 2, 15, 9, 0, tzinfo=JAKARTA)  # the API page was pulled between the two exports
    load(settings, [write(tmp_path / "apr" / "user_data_tiktok.json", with_links, apr),
                    write(tmp_path / "apr" / "videos.json", api, pulled),
                    write(tmp_path / "apr" / "Content.csv", content, apr)], apr)
    con = connect(settings.warehouse_path("toko-a"), read_only=True)
    rows = con.execute("select content_id, native_id, posted_at, sources from marts.dim_content order by posted_at").fetchall()
    assert [r[0] for r in rows] == [f"tiktok:{IDS[p[0]]}" for p in [*POSTS, NEW_POST]]
    assert [r[1] for r in rows] == [IDS[p[0]] for p in [*POSTS, NEW_POST]]
    assert rows[3][3] == ["tiktok_analytics", "tiktok_data_download"]
    assert rows[2][3] == ["tiktok_data_download", "tiktok_display_api"]
    # every observation of a post is under its one id, and the scores count each post once
    assert con.execute("select count(distinct content_id), count(*) from marts.fct_content_metrics").fetchall() == [(4, 11)]
    assert con.execute("select count(*), sum(likes) from marts.fct_content_scores").fetchall() == [(4, 66 + 345 + 75 + 12)]
    # the third post keeps the views the Display API saw in February though its latest observation, the
    # March data download, has likes only
    assert con.execute("select views, likes from marts.fct_content_scores where content_id = ?",
                       [f"tiktok:{IDS[POSTS[2][0]]}"]).fetchall() == [(2400, 75)]
    con.close()


def test_a_minute_with_two_posts_is_not_guessed(settings: Settings, tmp_path: Path) -> None:
    saved = datetime(2026, 3, 1, 9, 0, tzinfo=JAKARTA)
    doc = export([post("2026-02-20 12:45:03", "4", "oA", "a", 1), post("2026-02-20 12:45:41", "6", "oB", "b", 1)])
    content = "\n".join([
        "Time,Video title,Video link,Post time,Total likes,Total comments,Total shares,Total views",
        "March 1,Kopi,https://www.tiktok.com/@kopisenja/video/7608765432109876543,20/02/2026 19:45,6,0,0,300"]) + "\n"
    load(settings, [write(tmp_path / "user_data_tiktok.json", doc, saved), write(tmp_path / "Content.csv", content, saved)],
         saved)
    con = connect(settings.warehouse_path("toko-a"), read_only=True)
    # which of the two the analytics row is cannot be told from the minute: three posts, none merged
    assert con.execute("select count(*) from marts.dim_content").fetchall() == [(3,)]


@pytest.mark.parametrize("other_account", ["kopisenja", "tehsore"])
def test_the_same_second_on_another_account_is_another_post(settings: Settings, tmp_path: Path, other_account: str) -> None:
    saved = datetime(2026, 3, 1, 9, 0, tzinfo=JAKARTA)
    when = "2026-02-20 12:45:03"
    content = "\n".join([
        "Time,Video title,Video link,Post time,Total likes,Total comments,Total shares,Total views",
        f"March 1,Kopi,https://www.tiktok.com/@{other_account}/video/7608765432109876543,20/02/2026 19:45,6,0,0,300"]) + "\n"
    load(settings, [write(tmp_path / "user_data_tiktok.json", export([post(when, "4", "oA", "a", 1)]), saved),
                    write(tmp_path / "Content.csv", content, saved)], saved)
    con = connect(settings.warehouse_path("toko-a"), read_only=True)
    assert con.execute("select count(*) from marts.dim_content").fetchall() == [(1 if other_account == "kopisenja" else 2,)]


_values = st.one_of(st.none(), st.text(max_size=30), st.integers(), st.floats(allow_nan=True), st.booleans(),
                    st.sampled_from(["N/A", "", "2025-08-06 19:08:26", "2025-08-06", "1,234", cdn_link("o", 1),
                                     "https://www.tiktok.com/@a/video/7234567890123456789"]),
                    st.lists(st.integers(), max_size=2))


@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["Date", "date", "Link", "link", "Likes", "likes", "Title", "Sound",
                                                 "CoverImage", "coverImage", "VideoLink"]), _values, max_size=8),
                max_size=6))
@example(items=[{"date": 0, "Likes": 2**63}])  # a count past BIGINT: quarantined, not a ComputeError
def test_any_post_either_loads_or_is_quarantined_with_a_reason(items: list[dict]) -> None:
    r = tiktok_data_download.parse(json.dumps(export(items)).encode(), "user_data_tiktok.json", Hints(date(2026, 2, 1)))
    posts = r.tables[CONTENT]
    assert posts.height + r.quarantine.height == len(items)
    assert posts["native_id"].null_count() == 0 and posts["native_id"].n_unique() <= posts.height
    assert all(reason.startswith("unreadable post: ") for reason in r.quarantine["reason"])


def test_a_day_only_post_time_meets_the_one_post_of_that_day(settings: Settings, tmp_path: Path) -> None:
    # TikTok Studio writes some post times as a day only ("February 20"): stored as local midnight. The
    # data download's post that local day is the same post when each side has one post that day; a day
    # with two posts on either side is left alone.
    saved = datetime(2026, 3, 1, 9, 0, tzinfo=JAKARTA)
    doc = export([post("2026-02-20 12:45:03", "4", "oA", "a", 1),   # 19:45 on 20 February in Jakarta
                  post("2026-02-23 02:10:00", "6", "oB", "b", 1),   # 09:10 on 23 February
                  post("2026-02-23 11:30:00", "2", "oC", "c", 1)])  # 18:30 on 23 February
    content = "\n".join([
        "Time,Video title,Video link,Post time,Total likes,Total comments,Total shares,Total views",
        "March 1,Kopi,https://www.tiktok.com/@kopisenja/video/7608765432109876543,February 20,6,0,0,300",
        "March 1,Teh,https://www.tiktok.com/@kopisenja/video/7608765432109876544,February 23,9,0,0,500"]) + "\n"
    load(settings, [write(tmp_path / "user_data_tiktok.json", doc, saved), write(tmp_path / "Content.csv", content, saved)],
         saved)
    con = connect(settings.warehouse_path("toko-a"), read_only=True)
    ids = [r[0] for r in con.execute("select content_id from marts.dim_content order by content_id").fetchall()]
    assert ids == ["tiktok:7608765432109876543", "tiktok:7608765432109876544",
                   f"tiktok:dyi:{epoch('2026-02-23 02:10:00')}", f"tiktok:dyi:{epoch('2026-02-23 11:30:00')}"]
