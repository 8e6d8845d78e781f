"""People in the voice mart and report quotes: phone numbers in every form people write, @handles and the
names of people the warehouse knows are masked; usernames whole, never split into words; the business's own
names and the words customers use as words (a perfume shop's 'parfum') are not names."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from pipelines.privacy import mask_names_in_text, mask_quote, name_words, people_terms
from pipelines.run import ingest_stage
from pipelines.settings import Settings
from pipelines.tenants import get_tenant
from warehouse.connection import connect

JAKARTA = timezone(timedelta(hours=7))
WHEN = datetime(2026, 3, 3, 10, 0, tzinfo=JAKARTA)


def rating(i: int, author: str, comment: str, reply: str | None = None) -> dict:
    """One rating as Shopee's get_ratings JSON writes it (../shared/FORMATS.md, Marketplace reviews)."""
    return {"cmtid": 24_000_000_000 + i, "ctime": int((WHEN + timedelta(hours=i)).timestamp()), "rating_star": 5,
            "comment": comment, "author_username": author, "anonymous": False,
            "product_items": [{"itemid": 2_190_000_001, "modelid": 170_000_001, "name": "Eau de Melati 30 ml",
                               "model_name": "30 ml"}],
            "ItemRatingReply": {"comment": reply, "ctime": int(WHEN.timestamp()) + 7200} if reply else None, "detailed_rating": {"product_quality": 5}, "like_count": 0, "images": [], "videos": []}


RATINGS = [
    rating(1, "gd.parfum", "parfum nya wangi, awet seharian"),
    rating(2, "parfumpemula", "parfum pertama saya, cocok. wa saya (0812) 3456-7890"),
    rating(3, "Parfum Murah Jaya", "parfum ori, pengiriman cepat"),
    rating(4, "dewi.ayu", "wanginya enak, beli parfum lagi nanti. Kata Jaya juga enak"),
    rating(5, "b*****i", "mantap parfum nya, sudah order ke gd.parfum dan @parfumpemula"),
    rating(6, "rinaldi", "paket rapi, hubungi +62 (812) 3456 7890 atau 021-5551234",
           reply="Terima kasih kak, salam untuk kak Jaya dan gd.parfum 🙏"),
]
CHAT = """03/03/26, 10.00 - Sari Rahayu: kak parfum melati ready?
03/03/26, 10.01 - SMB Telkom: Halo kak Sari, ready ya. Ini akun SMB resmi Telkom
03/03/26, 10.02 - Sari Rahayu: ok kak, wa saya 0812 345 678 90
03/03/26, 10.03 - SMB Telkom: siap, kak Sari Rahayu
"""


@pytest.fixture
def shop(settings: Settings, tmp_path: Path) -> Settings:
    reviews = tmp_path / "shopee_ratings.json"
    reviews.write_text(json.dumps({"error": 0, "data": {"ratings": RATINGS, "item_rating_summary": {}}}), encoding="utf-8")
    chat = tmp_path / "WhatsApp Chat with Sari Rahayu.txt"
    chat.write_text(CHAT, encoding="utf-8")
    tenant = get_tenant(settings.tenants_path, "toko-a")
    outcomes, _ = ingest_stage(tenant, [reviews, chat], fmt=None, settings=settings, now=datetime(2026, 3, 10, tzinfo=UTC))
    assert all(o.status == "loaded" for o in outcomes), [(o.path, o.error) for o in outcomes]
    return settings


def test_usernames_are_masked_whole_and_never_split() -> None:
    words = name_words(["gd.parfum", "parfumpemula", "~ dewi.ayu", "Rina (rina_x)", "p*****0", "+62 812-1111-2222"])
    assert set(words) == {"gd.parfum", "parfumpemula", "dewi.ayu", "Rina", "rina_x"}
    assert mask_names_in_text("parfum dari gd.parfum, kata parfumpemula", words) == "parfum dari g***, kata p***"
    assert mask_names_in_text("gd.parfumku dan xgd.parfum", words) == "gd.parfumku dan xgd.parfum"


def test_the_name_list_learns_names_from_the_tenants_own_data(shop: Settings) -> None:
    con = connect(shop.warehouse_path("toko-a"), read_only=True)
    try:
        terms = {t.casefold() for t in people_terms(con, "toko-a", own={"Toko A"}, keep={"Toko"})}
    finally:
        con.close()
    # people: whole usernames, words of written names, as far as some text holds them
    assert {"gd.parfum", "parfumpemula", "sari", "rahayu", "jaya"} <= terms
    assert not terms & {"dewi.ayu", "rinaldi", "murah"}  # names no text mentions need no masking
    # 'parfum' is written by five reviewers and borne by one: a word; the business (the other side of a chat
    # named after Sari Rahayu) is no customer; Shopee's own masked names hide themselves
    assert not terms & {"parfum", "smb", "telkom", "b*****i"}


def test_the_voice_mart_masks_names_handles_and_phones(shop: Settings) -> None:
    con = connect(shop.warehouse_path("toko-a"), read_only=True)
    try:
        texts = {r[0] for r in con.execute("select text from marts.fct_customer_voice").fetchall()}
        replies = {r[0] for r in con.execute("select seller_reply from marts.fct_reviews where seller_reply is not null"
                                             " union all select reply_text from marts.fct_customer_voice"
                                             " where reply_text is not null").fetchall()}
        staged = " ".join(r[0] for r in con.execute(
            "select text from staging.stg_marketplace__reviews union all select text from staging.stg_whatsapp__messages"
        ).fetchall())
    finally:
        con.close()
    joined = " ".join(texts)
    for leaked in ("3456-7890", "3456 7890", "345 678", "5551234", "gd.parfum", "@parfumpemula", "Sari", "Jaya"):
        assert leaked not in joined, leaked
    for leaked in ("3456", "5551234", "345 678"):
        assert leaked not in staged, leaked  # staging masks phone numbers already
    assert "mantap parfum nya, sudah order ke g*** dan @p***" in texts
    assert "Halo kak S***, ready ya. Ini akun SMB resmi Telkom" in texts
    assert "parfum ori, pengiriman cepat" in texts
    assert "paket rapi, hubungi +62 812-****-90 atau +62 21-****-34" in texts
    assert "siap, kak S*** R***" in texts
    assert replies == {"Terima kasih kak, salam untuk kak J*** dan g*** 🙏"}


def test_report_quotes_use_the_same_list(shop: Settings) -> None:
    con = connect(shop.warehouse_path("toko-a"), read_only=True)
    try:
        terms = people_terms(con, "toko-a")
    finally:
        con.close()
    assert mask_quote("beli parfum lagi kak Sari, ke gd.parfum ya 0812 345 678 90", terms) == \
        "beli parfum lagi kak S***, ke g*** ya +62 812-****-90"


def test_cloud_api_profile_names_are_pseudonymised_so_the_report_masks_them(settings: Settings, tmp_path: Path) -> None:
    """A WhatsApp Cloud API sender is known by number and by profile name: both reach ops.pseudonyms, the one
    list the report takes the names to mask in its quotes from (it never reads raw)."""
    from pipelines.report.data import name_candidates
    from tests.conftest import ingest_one, webhook_payloads

    payload = webhook_payloads("message.json")["text"]
    value = payload["entry"][0]["changes"][0]["value"]
    value["contacts"][0]["profile"]["name"] = "Rizky Kusuma"
    value["messages"][0]["text"]["body"] = "kak Rizky Kusuma mau pesan 2 ya"
    path = tmp_path / "webhook.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    outcomes, con = ingest_one(settings, path, datetime(2026, 3, 10, tzinfo=UTC))
    try:
        assert outcomes[0][0] == "loaded", outcomes
        known = {r for (r,) in con.execute("select raw from ops.pseudonyms").fetchall()}
        assert {"Rizky Kusuma", "972987654321"} <= known
        tables = {f"{s}.{t}" for s, t in con.execute("select table_schema, table_name from information_schema.tables").fetchall()}
        words = name_candidates(con, get_tenant(settings.tenants_path, "toko-a"), tables)
        assert {"Rizky", "Kusuma"} <= set(words)
    finally:
        con.close()
