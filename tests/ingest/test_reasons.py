"""Quarantine reasons in the reader's language: parsers store a catalogue key and its values beside the English
text, and the report shows the reason from the catalogue (pipelines/messages.toml)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from pipelines.ingest import shopee_reviews, whatsapp_cloud_api, whatsapp_export
from pipelines.ingest.base import Hints, quarantine_frame
from pipelines.ingest.quarantine import common_reasons
from pipelines.messages import Reason, catalogue, reason_text, text
from warehouse.connection import connect

HINTS = Hints(date(2026, 5, 1))


def _indonesian(frame) -> list[str]:
    return [reason_text(k, v, en, "id") for en, k, v in frame.select("reason", "reason_key", "reason_values").rows()]


def test_reasons_parsers_write_have_their_key_and_indonesian() -> None:
    reviews = ("cmtid,ctime,comment,rating_star\n"
               "1,1714000000,,\n"                  # neither text nor rating
               "2,1714000001,oke,lima\n"           # rating as a word
               "3,1714000002,oke,7\n"              # outside 1-5
               "4,kemarin sore,oke,5\n"            # a time Gaung cannot read
               "5,1714000003,enak, mantap,5\n")    # an unquoted comma: one field too many
    chat = ("halo ini sisa pesan kemarin\n"
            "31/02/24, 10.00 - Budi: tanggal yang tidak ada\n"
            "25/04/24, 10.01 - Budi: pesan biasa\n")
    cloud = "\n".join([
        "{not json",
        json.dumps({"object": "page", "entry": []}),
        json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "1"}]}),
        json.dumps({"hello": "world"}),
        json.dumps({"object": "whatsapp_business_account",
                    "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
                        "messaging_product": "whatsapp", "messages": [{"from": "62812", "id": "m1", "timestamp": "1714000000",
                                                                        "type": "text", "text": {"body": "halo"}}]}}]}]}),
    ]).encode()
    frames = [shopee_reviews.parse(reviews.encode(), "ulasan.csv", HINTS).quarantine,
              whatsapp_export.parse(chat.encode(), "WhatsApp Chat with Budi.txt", HINTS).quarantine,
              whatsapp_cloud_api.parse(cloud, "webhook.ndjson", HINTS).quarantine]
    written = [row for f in frames for row in f.select("reason", "reason_key", "reason_values").rows()]
    assert len(written) == 11
    for english, key, values in written:
        assert key in catalogue(), key
        assert text(key, "en", **json.loads(values)) == english
        assert reason_text(key, values, english, "id") != english, english
        assert reason_text(key, values, english, "en") == english
    indonesian = [i for f in frames for i in _indonesian(f)]
    assert "rating 'lima' bukan jumlah bintang bulat dari 1 sampai 5" in indonesian
    assert "rating 7 di luar 1-5" in indonesian
    assert any(r.startswith("waktu 'kemarin sore' bukan tanggal") for r in indonesian)
    assert any(r.startswith("berisi 5 kolom padahal header-nya 4 kolom (baris 6 di berkas)") for r in indonesian)
    assert any(r.startswith("tanggal atau jam '31/02/24 10.00' tidak ada di kalender") for r in indonesian)
    assert any(r.startswith("bukan JSON yang sah (") for r in indonesian)
    assert "object-nya 'page', bukan 'whatsapp_business_account'" in indonesian


@pytest.mark.parametrize(("reason", "english", "indonesian"), [
    (Reason("reason_unreadable_comment", error="'NoneType' object has no attribute 'get'"),
     "unreadable comment: 'NoneType' object has no attribute 'get'",
     "Komentar tidak terbaca: 'NoneType' object has no attribute 'get'"),
    (Reason("reason_publish_time_day_first", value="32/13/2024 10:00", column="Publish time"),
     "'32/13/2024 10:00' in column 'Publish time' is not a publish time Gaung can read (this file's dates are "
     "day first (DD/MM/YYYY); times are read such as 04/25/2024 14:30, 04/25/2024 2:30 PM, 25/04/2024 14.30 or "
     "2024-04-25T14:30:00+07:00); fix that cell and load the file again",
     "'32/13/2024 10:00' di kolom 'Publish time' bukan waktu terbit yang bisa dibaca Gaung (tanggal di berkas ini "
     "hari dulu (DD/MM/YYYY); waktu dibaca seperti 04/25/2024 14:30, 04/25/2024 2:30 PM, 25/04/2024 14.30 atau "
     "2024-04-25T14:30:00+07:00); perbaiki sel itu lalu muat ulang berkasnya"),
    (Reason("reason_unknown_tiktok_tab"), "sheet is not a known TikTok analytics tab",
     "sheet ini bukan tab analitik TikTok yang dikenal"),
])
def test_reasons_quote_the_file_as_written(reason: Reason, english: str, indonesian: str) -> None:
    row = quarantine_frame([("row 2", None, reason)]).row(0, named=True)
    assert row["reason"] == english
    assert reason_text(row["reason_key"], row["reason_values"], row["reason"], "id") == indonesian


def test_a_reason_without_a_key_is_shown_in_english_not_lost() -> None:
    assert reason_text(None, None, "something new went wrong", "id") == "something new went wrong"
    assert reason_text("reason_no_longer_here", "{}", "an old reason", "id") == "an old reason"


def test_every_quarantine_reason_has_indonesian_of_its_own() -> None:
    reasons = {k: v for k, v in catalogue().items() if k.startswith("reason_")}
    assert len(reasons) > 30
    assert [k for k, v in reasons.items() if v["id"] == v["en"]] == []


def test_the_commonest_reasons_read_back_in_both_languages_old_rows_in_english(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    frame = quarantine_frame([("row 2", "x", Reason("reason_rating_range", value="7")),
                              ("row 3", "y", Reason("reason_rating_range", value="7")),
                              ("row 4", "z", Reason("reason_review_empty"))])
    con.register("q", frame.to_arrow())
    con.execute("insert into ops.quarantine by name select 'f1' as file_id, 't' as tenant_id, * from q")
    con.execute("insert into ops.quarantine (file_id, tenant_id, locator, raw, reason) values "
                "('f0', 't', 'line 1', null, 'written by an older Gaung')")
    assert common_reasons(con, "t") == [("rating 7 is outside 1-5", "rating 7 di luar 1-5", 2),
                                        ("review has neither text nor a rating", "ulasan tanpa teks dan tanpa rating", 1),
                                        ("written by an older Gaung", "written by an older Gaung", 1)]
    con.close()
