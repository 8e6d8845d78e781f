"""Quarantine reasons in the reader's language: what parsers really write, and its Bahasa Indonesia."""

from __future__ import annotations

import json
from datetime import date

import pytest

from pipelines.ingest import shopee_reviews, whatsapp_cloud_api, whatsapp_export
from pipelines.ingest.base import Hints
from pipelines.ingest.reasons import reason_text

HINTS = Hints(date(2026, 5, 1))


def _reasons(result) -> list[str]:
    return result.quarantine["reason"].to_list()


def test_reasons_parsers_write_have_their_indonesian() -> None:
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
    written = (_reasons(shopee_reviews.parse(reviews.encode(), "ulasan.csv", HINTS))
               + _reasons(whatsapp_export.parse(chat.encode(), "WhatsApp Chat with Budi.txt", HINTS))
               + _reasons(whatsapp_cloud_api.parse(cloud, "webhook.ndjson", HINTS)))
    assert len(written) == 11
    for reason in written:
        indonesian = reason_text(reason, "id")
        assert indonesian != reason, reason
        assert reason_text(reason, "en") == reason
    assert any(reason_text(r) == "rating 'lima' bukan jumlah bintang bulat dari 1 sampai 5" for r in written)
    assert any(reason_text(r) == "rating 7 di luar 1-5" for r in written)
    assert any(reason_text(r).startswith("waktu 'kemarin sore' bukan tanggal") for r in written)
    assert any(reason_text(r).startswith("berisi 5 kolom padahal header-nya 4 kolom (baris 6 di berkas)") for r in written)
    assert any(reason_text(r).startswith("tanggal atau jam '31/02/24 10.00' tidak ada di kalender") for r in written)
    assert any(reason_text(r).startswith("bukan JSON yang sah (") for r in written)


@pytest.mark.parametrize(("english", "indonesian"), [
    ("unreadable comment: 'NoneType' object has no attribute 'get'",
     "Komentar tidak terbaca: 'NoneType' object has no attribute 'get'"),
    ("'32/13/2024 10:00' in column 'Publish time' is not a publish time Gaung can read (this file's dates are "
     "day first (DD/MM/YYYY); times are read such as 04/25/2024 14:30); fix that cell and load the file again",
     "'32/13/2024 10:00' di kolom 'Publish time' bukan waktu terbit yang bisa dibaca Gaung (tanggal di berkas ini "
     "hari dulu (DD/MM/YYYY); waktu dibaca seperti 04/25/2024 14:30, 04/25/2024 2:30 PM, 25/04/2024 14.30 atau "
     "2024-04-25T14:30:00+07:00); perbaiki sel itu lalu muat ulang berkasnya"),
    ("sheet is not a known TikTok analytics tab", "sheet ini bukan tab analitik TikTok yang dikenal"),
])
def test_reasons_quote_the_file_as_written(english: str, indonesian: str) -> None:
    assert reason_text(english, "id") == indonesian


def test_a_reason_without_indonesian_is_shown_in_english_not_lost() -> None:
    assert reason_text("something new went wrong", "id") == "something new went wrong"


@pytest.mark.parametrize("english", [
    "a rating must be an object", "a review must be an object", "a metric must be an object",
    "row has neither a post id nor a permalink", "change has no 'value' object",
    "no TikTok video link (…/video/<id>) in 'Video link'; cannot tell which video this is",
    "insights page names no media id (each metric's 'id' starts with it)",
    "page holds neither media nor insight metrics",
    "'kemarin' in column 'Post time' is not a post time Gaung can read (read are 'April 12', '12 Apr 2024', "
    "'Apr 12, 2024 2:30 PM' and numeric times such as 04/25/2024 14:30); fix that cell and load the file again",
])
def test_every_other_reason_shape_has_its_indonesian(english: str) -> None:
    assert reason_text(english, "id") != english
