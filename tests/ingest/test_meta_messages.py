"""Instagram and Facebook Messenger direct messages from "Download your information" (message_1.json)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest import meta_messages
from pipelines.ingest.base import FormatError, Hints
from pipelines.ingest.formats import detect
from pipelines.ingest.schemas import DIRECT_MESSAGES
from pipelines.run import ingest_stage
from pipelines.settings import Settings
from pipelines.tenants import Tenant, add_tenant, get_tenant
from tests.conftest import FIXTURES

HINTS = Hints(date(2026, 11, 23))
NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
REAL = FIXTURES / "instagram" / "dm_json" / "ig_dm_test_export.json"


def meta_json(doc: dict) -> bytes:
    """JSON as Meta writes it: every UTF-8 byte of every string as its own \\u00XX escape."""
    def mangle(v):
        if isinstance(v, str):
            return v.encode("utf-8").decode("latin-1")
        if isinstance(v, list):
            return [mangle(x) for x in v]
        if isinstance(v, dict):
            return {mangle(k): mangle(x) for k, x in v.items()}
        return v
    return json.dumps(mangle(doc), ensure_ascii=True, indent=2).encode()


def thread(customer: str, owner: str, messages: list[dict], path: str = "inbox/pelanggan_123") -> dict:
    return {"participants": [{"name": customer}, {"name": owner}], "messages": messages, "title": customer,
            "is_still_participant": True, "thread_path": path, "magic_words": []}


def ms(day: int, hour: int) -> int:
    return int(datetime(2026, 11, day, hour, tzinfo=UTC).timestamp() * 1000)


INDONESIAN = thread("Siti Aminah", "Kopi Senja", [
    {"sender_name": "Kopi Senja", "timestamp_ms": ms(20, 9), "content": "Bisa kak, varian less sugar ready 🙏",
     "reactions": [{"reaction": "❤", "actor": "Siti Aminah"}]},
    {"sender_name": "Siti Aminah", "timestamp_ms": ms(20, 8), "content": "kak ada yg less sugar gak? wa aku 0812-3456-7890 ya"},
    {"sender_name": "Siti Aminah", "timestamp_ms": ms(20, 7), "photos": [{"uri": "photos/1.jpg", "creation_timestamp": 1}]},
    {"sender_name": "Siti Aminah", "timestamp_ms": ms(20, 6), "share": {"link": "https://www.instagram.com/p/abc/",
                                                                       "share_text": "yang ini kak"}},
    {"sender_name": "Siti Aminah", "timestamp_ms": ms(20, 5), "content": "Liked a message"},
    {"sender_name": "Siti Aminah", "timestamp_ms": ms(20, 4), "is_unsent": True},
    {"sender_name": "Kopi Senja", "timestamp_ms": ms(20, 3), "call_duration": 0},
    {"sender_name": "Siti Aminah", "timestamp_ms": ms(20, 2), "is_geoblocked_for_viewer": False},
    {"sender_name": "Kopi Senja", "timestamp_ms": ms(20, 1), "content": "Kopi Senja added Budi to the group.",
     "type": "Subscribe"},
    {"sender_name": "Siti Aminah", "timestamp_ms": "kemarin", "content": "halo"},
    "not a message",
])


def test_real_instagram_export_is_detected_and_read() -> None:
    data = REAL.read_bytes()
    assert meta_messages.sniff(data, REAL.name) >= 0.5
    assert detect(data, str(REAL), HINTS) == meta_messages.FORMAT
    result = meta_messages.parse(data, str(REAL), HINTS)
    rows = result.tables[DIRECT_MESSAGES].select("locator", "platform", "sender", "sent_at_utc", "kind", "text").rows()
    assert rows == [
        ("/messages/0", "instagram", "John Doe", datetime(2020, 1, 17, 20, 49), "text", "Hello Jane!"),
        ("/messages/1", "instagram", "Jane Doe", datetime(2019, 12, 24, 11, 23), "text", "Hello John!"),
    ]
    assert result.quarantine.is_empty()


def test_every_kind_of_message_and_meta_encoding() -> None:
    result = meta_messages.parse(meta_json(INDONESIAN), "messages/inbox/pelanggan_123/message_1.json", HINTS)
    frame = result.tables[DIRECT_MESSAGES]
    assert frame["kind"].to_list() == ["text", "text", "media", "share", "system", "unsent", "call", "system", "system"]
    assert frame["text"][0] == "Bisa kak, varian less sugar ready 🙏"  # the \u00XX bytes repaired
    assert frame["text"][3] == "yang ini kak" and frame["share_link"][3] == "https://www.instagram.com/p/abc/"
    assert frame["thread"].unique().to_list() == ["inbox/pelanggan_123"]
    assert json.loads(frame["raw_json"][0])["reactions"] == [{"reaction": "❤", "actor": "Siti Aminah"}]
    reasons = dict(zip(result.quarantine["locator"], result.quarantine["reason"], strict=True))
    assert reasons == {
        "/messages/9": "unreadable message: timestamp_ms 'kemarin' is not a time in milliseconds since 1970",
        "/messages/10": "unreadable message: a message must be an object",
    }


def test_odd_field_types_cost_only_their_own_message() -> None:
    data = meta_json(thread("Budi", "Toko", [
        {"sender_name": "Budi", "timestamp_ms": ms(2, 1), "share": {"link": {"url": "x"}, "share_text": {"a": 1}}},
        {"sender_name": ["Budi"], "timestamp_ms": ms(2, 2), "content": "halo"},
        {"sender_name": "Budi", "timestamp_ms": ms(2, 3), "content": "masih ada stok?"},
    ]))
    result = meta_messages.parse(data, "message_1.json", HINTS)
    rows = result.tables[DIRECT_MESSAGES].select("locator", "kind", "text", "share_link").rows()
    assert rows == [("/messages/0", "share", None, None), ("/messages/2", "text", "masih ada stok?", None)]
    quarantined = result.quarantine.select("locator", "raw", "reason").rows()
    assert quarantined == [("/messages/1", '{"sender_name": ["Budi"], "timestamp_ms": ' + str(ms(2, 2))
                            + ', "content": "halo"}', "unreadable message: message has no sender_name")]


def test_facebook_messenger_by_its_folder_and_not_a_conversation_is_a_clear_error() -> None:
    data = meta_json(thread("Budi", "Toko", [{"sender_name": "Budi", "timestamp_ms": ms(1, 1), "content": "halo"}]))
    frame = meta_messages.parse(data, "your_facebook_activity/messages/inbox/budi_1/message_1.json", HINTS)
    assert frame.tables[DIRECT_MESSAGES]["platform"].to_list() == ["facebook"]
    assert meta_messages.sniff(b'{"messages": [{"from": "x"}], "sender_name": 1}', "x.json") == 0.0
    with pytest.raises(FormatError, match="message_1.json"):
        meta_messages.parse(b'{"messages": [{"from": "x"}]}', "x.json", HINTS)


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("GAUNG_HOME", str(tmp_path / "gaung"))
    monkeypatch.setenv("GAUNG_SECRET_KEY", "test-secret")
    s = Settings()
    add_tenant(s.tenants_path, Tenant(id="kopi", name="Kopi Senja Jambi", timezone="Asia/Jakarta"))
    return s


def test_conversations_reach_the_voice_mart_with_the_business_flagged_and_people_masked(settings: Settings,
                                                                                        tmp_path: Path) -> None:
    inbox = tmp_path / "export" / "your_instagram_activity" / "messages" / "inbox"
    (inbox / "siti_1").mkdir(parents=True)
    (inbox / "budi_2").mkdir(parents=True)
    (inbox / "siti_1" / "message_1.json").write_bytes(meta_json(INDONESIAN))
    (inbox / "budi_2" / "message_1.json").write_bytes(meta_json(thread("Budi Santoso", "Kopi Senja", [
        {"sender_name": "Kopi Senja", "timestamp_ms": ms(21, 10), "content": "Siap kak, dikirim besok"},
        {"sender_name": "Budi Santoso", "timestamp_ms": ms(21, 9), "content": "botolnya bocor kak pas sampe"},
    ], path="inbox/budi_2")))
    (inbox / "ani_3").mkdir(parents=True)  # the business never answered here: still a participant
    (inbox / "ani_3" / "message_1.json").write_bytes(meta_json(thread("Ani", "Kopi Senja", [
        {"sender_name": "Ani", "timestamp_ms": ms(19, 9), "content": "kak buka jam berapa?"}], path="inbox/ani_3")))
    tenant = get_tenant(settings.tenants_path, "kopi")
    outcomes, _ = ingest_stage(tenant, [tmp_path / "export"], fmt=None, settings=settings, now=NOW)
    assert sorted((o.status, o.rows_loaded, o.rows_quarantined) for o in outcomes) == [
        ("loaded", 1, 0), ("loaded", 2, 0), ("loaded", 9, 2)]
    con = duckdb.connect(str(settings.warehouse_path("kopi")), read_only=True)
    try:
        voice = con.execute("select author_label, is_from_business, text, local_date from marts.fct_customer_voice"
                            " where platform = 'instagram' and channel = 'message' order by created_at").fetchall()
        # the owner takes part in both conversations: the business; photos, likes, unsent and calls are no words
        assert voice == [
            ("A***", False, "kak buka jam berapa?", date(2026, 11, 19)),
            ("S*** A***", False, "yang ini kak", date(2026, 11, 20)),
            ("S*** A***", False, "kak ada yg less sugar gak? wa aku +62 812-****-90 ya", date(2026, 11, 20)),
            ("K*** S***", True, "Bisa kak, varian less sugar ready 🙏", date(2026, 11, 20)),
            ("B*** S***", False, "botolnya bocor kak pas sampe", date(2026, 11, 21)),
            ("K*** S***", True, "Siap kak, dikirim besok", date(2026, 11, 21)),
        ]
        staged = con.execute("select * from staging.stg_social__messages").fetchall()
        assert not any(name in repr(staged) for name in ("Siti", "Budi", "Kopi Senja", "pelanggan_123", "budi_2"))
    finally:
        con.close()
    # the same conversation exported again a day later, with one message more: nothing counted twice
    later = tmp_path / "later" / "messages" / "inbox" / "budi_2"
    later.mkdir(parents=True)
    (later / "message_1.json").write_bytes(meta_json(thread("Budi Santoso", "Kopi Senja", [
        {"sender_name": "Budi Santoso", "timestamp_ms": ms(22, 9), "content": "udah sampe, makasih kak"},
        {"sender_name": "Kopi Senja", "timestamp_ms": ms(21, 10), "content": "Siap kak, dikirim besok"},
        {"sender_name": "Budi Santoso", "timestamp_ms": ms(21, 9), "content": "botolnya bocor kak pas sampe"},
    ], path="inbox/budi_2")))
    ingest_stage(tenant, [tmp_path / "later", tmp_path / "export"], fmt=None, settings=settings, now=NOW)
    con = duckdb.connect(str(settings.warehouse_path("kopi")), read_only=True)
    try:
        texts = [t for (t,) in con.execute("select text from marts.fct_customer_voice where channel = 'message'"
                                           " and author_label = 'B*** S***' order by created_at").fetchall()]
        assert texts == ["botolnya bocor kak pas sampe", "udah sampe, makasih kak"]
    finally:
        con.close()


def test_one_conversation_alone_knows_the_business_by_its_name(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "message_1.json"
    path.write_bytes(meta_json(thread("Ani", "Kopi Senja Jambi", [
        {"sender_name": "Kopi Senja Jambi", "timestamp_ms": ms(21, 10), "content": "Halo kak, ada yang bisa dibantu?"},
        {"sender_name": "Ani", "timestamp_ms": ms(21, 9), "content": "kak ukuran jumbo ada?"},
    ])))
    ingest_stage(get_tenant(settings.tenants_path, "kopi"), [path], fmt=None, settings=settings, now=NOW)
    con = duckdb.connect(str(settings.warehouse_path("kopi")), read_only=True)
    try:
        rows = con.execute("select text, is_from_business from marts.fct_customer_voice order by created_at").fetchall()
        assert rows == [("kak ukuran jumbo ada?", False), ("Halo kak, ada yang bisa dibantu?", True)]
    finally:
        con.close()


def test_a_whole_instagram_download_loads_what_it_can_and_skips_the_rest(settings: Settings, tmp_path: Path) -> None:
    import zipfile

    archive = tmp_path / "instagram-kopisenja-2026-11-24.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("your_instagram_activity/messages/inbox/johndoe_1/message_1.json", REAL.read_bytes())
        zf.writestr("your_instagram_activity/messages/inbox/johndoe_1/photos/1.jpg", b"\xff\xd8\xff")
        zf.writestr("personal_information/personal_information/personal_information.json",
                    json.dumps({"profile_user": [{"string_map_data": {"Name": {"value": "Kopi"}}}]}))
        zf.writestr("connections/followers_and_following/followers_1.json",
                    json.dumps([{"string_list_data": [{"value": "budi", "timestamp": 1700000000}]}]))
        zf.writestr("security_and_login_information/login_activity.html", "<html><head></head><body>x</body></html>")
    outcomes, _ = ingest_stage(get_tenant(settings.tenants_path, "kopi"), [archive], fmt=None, settings=settings, now=NOW)
    by_name = {o.path.rsplit("/", 1)[-1]: o for o in outcomes}
    assert by_name["message_1.json"].status == "loaded" and by_name["message_1.json"].rows_loaded == 2
    assert {by_name[n].status for n in ("1.jpg", "personal_information.json", "followers_1.json")} == {"skipped"}
    assert "Download your information" in by_name["followers_1.json"].notes[0]
    html = by_name["login_activity.html"]  # the HTML flavour of the download: ask for JSON instead
    assert html.status == "rejected" and "Format: JSON" in html.error


def test_only_meta_archive_folders_make_an_unknown_file_skipped() -> None:
    from pipelines.ingest.loader import meta_archive_part

    assert meta_archive_part("landing/instagram.zip!/connections/followers_and_following/followers_1.json")
    assert meta_archive_part("landing/your_instagram_activity/saved/saved_posts.json")
    assert not meta_archive_part("landing/connections/pelanggan.csv")  # a folder of one's own: still rejected
    assert not meta_archive_part("landing/notes.json")
