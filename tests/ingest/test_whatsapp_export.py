"""The WhatsApp export parser on real fixtures and on every header shape and trap in FORMATS.md."""

from __future__ import annotations

import json
from datetime import datetime

import polars as pl
import pytest

from pipelines.ingest.base import FormatError
from pipelines.ingest.whatsapp_export import TABLE, chat_name_from_path, parse, sniff
from tests.conftest import EXPORTS


def rows(text: str | bytes, name: str = "WhatsApp Chat with Toko.txt") -> pl.DataFrame:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse(data, name).tables[TABLE]


def one(text: str, name: str = "WhatsApp Chat with Toko.txt") -> dict:
    df = rows(text, name)
    assert df.height == 1, df
    return df.row(0, named=True)


@pytest.mark.parametrize("fixture", sorted(p.name for p in EXPORTS.glob("test_*.txt")))
def test_chat_miner_fixtures_match_target(fixture: str) -> None:
    target = json.loads((EXPORTS / "target.json").read_text())
    expected = sorted((t["timestamp"], t["author"], t["message"]) for t in target)
    df = rows((EXPORTS / fixture).read_bytes(), fixture)
    got = sorted(
        (r["sent_at_local"].isoformat(), r["author"], r["body"].replace("\n", " "))
        for r in df.filter(pl.col("message_kind") != "system").iter_rows(named=True)
    )
    assert got == expected
    # The two system lines and the malformed "John Doe:." line are kept, flagged as system.
    kinds = df.filter(pl.col("message_kind") == "system")["system_kind"].to_list()
    assert sorted(kinds) == ["group_created", "member_added", "other"]


def test_legacy_file_with_mixed_headers() -> None:
    df = rows((EXPORTS / "testlog_legacy.txt").read_bytes(), "testlog_legacy.txt")
    assert df.height == 23
    assert set(df["date_order"]) == {"mdy"}
    by_line = {r["line_start"]: r for r in df.iter_rows(named=True)}
    assert by_line[5]["line_end"] == 10 and by_line[5]["body"].count("\n") == 5
    assert by_line[11]["system_kind"] == "encryption"
    assert by_line[15]["sent_at_local"] == datetime(2019, 9, 24, 23, 30)  # "11:30 p.m." without comma
    assert by_line[18]["sent_at_local"] == datetime(2022, 9, 10, 22, 37)  # "10:37:00 p.m."
    assert by_line[20]["sent_at_local"] == datetime(2022, 9, 10, 22, 37)  # "09-10-2022"
    assert by_line[21]["sent_at_local"] == datetime(2021, 10, 24, 15, 21, 43)  # "[10.24.21, 15:21:43]"
    assert by_line[23]["body"] == "Testing dash - in message body"
    assert by_line[24]["body"] == "Testing abnormal unicode"  # U+00A0 in "p.\u00a0m." and in the body: a space
    assert by_line[27]["sent_at_local"] == datetime(2022, 12, 24, 13, 1)  # "13:01." trailing dot
    assert by_line[29]["author"] == "🤓"


# One line per row of the FORMATS.md header table: (line, expected local time, author, body).
HEADER_SHAPES = [
    ("30/08/25 18.00 - Nama: pesan", datetime(2025, 8, 30, 18, 0), "Nama", "pesan"),
    ("[26/01/21 21.05.53] Nama: pesan", datetime(2021, 1, 26, 21, 5, 53), "Nama", "pesan"),
    ("[3/27/22 21.41.35] Nama: pesan", datetime(2022, 3, 27, 21, 41, 35), "Nama", "pesan"),
    ("[3/18/22, 14:56:01] Nama: pesan", datetime(2022, 3, 18, 14, 56, 1), "Nama", "pesan"),
    ("[1/29/18, 12:24:03 PM] Nama: pesan", datetime(2018, 1, 29, 12, 24, 3), "Nama", "pesan"),
    ("8/8/20, 9:36 AM - +62 857-1234-5678: pesan", datetime(2020, 8, 8, 9, 36), "+62 857-1234-5678", "pesan"),
    ("06/01/2023, 1:36\u202fpm - nama: halo", datetime(2023, 1, 6, 13, 36), "nama", "halo"),
    ("10/26/20, 15:43 - Nama: pesan", datetime(2020, 10, 26, 15, 43), "Nama", "pesan"),
    ("01/30/2019, 08:49 p. m. - Nama: pesan", datetime(2019, 1, 30, 20, 49), "Nama", "pesan"),
    ("01/30/2019, 08:49 p.\u00a0m. - Nama: pesan", datetime(2019, 1, 30, 20, 49), "Nama", "pesan"),
    ("06.08.2016, 13:23 - Nama: pesan", datetime(2016, 8, 6, 13, 23), "Nama", "pesan"),
    ("2019-10-20, 10:16 - Nama: pesan", datetime(2019, 10, 20, 10, 16), "Nama", "pesan"),
    ("[2019-04-16 02:09] Nama: pesan", datetime(2019, 4, 16, 2, 9), "Nama", "pesan"),
    ("2019/01/01, 11:25 - Nama: pesan", datetime(2019, 1, 1, 11, 25), "Nama", "pesan"),
    ("[3/18/2565 BE, 14:56:01] Nama: pesan", datetime(2022, 3, 18, 14, 56, 1), "Nama", "pesan"),
    ("[R4/03/18 14:56:01] Nama: pesan", datetime(2022, 3, 18, 14, 56, 1), "Nama", "pesan"),
    ("[令和4/03/18 14:56:01] Nama: pesan", datetime(2022, 3, 18, 14, 56, 1), "Nama", "pesan"),
]


@pytest.mark.parametrize(("line", "at", "author", "body"), HEADER_SHAPES)
def test_every_header_shape(line: str, at: datetime, author: str, body: str) -> None:
    # One more line that makes the day/month order certain where the shape leaves it open.
    r = rows(line + "\n")
    assert r.height == 1
    row = r.row(0, named=True)
    assert (row["author"], row["body"]) == (author, body)
    if row["date_order"] in ("ymd",) or line.startswith(("[R", "[令", "06.08", "30/08", "[26/01", "[3/27", "01/30")):
        assert row["sent_at_local"] == at
    else:
        assert row["sent_at_local"] in (at, at.replace(month=at.day, day=at.month) if at.day <= 12 else at)


def test_day_month_order_decided_per_file_from_any_field_over_12() -> None:
    dmy = rows("05/04/21 10.00 - A: satu\n25/04/21 10.00 - A: dua\n")
    assert dmy["date_order"].to_list() == ["dmy", "dmy"]
    assert dmy["sent_at_local"][0] == datetime(2021, 4, 5, 10, 0)
    mdy = rows("05/04/21 10.00 - A: satu\n05/24/21 10.00 - A: dua\n")
    assert mdy["sent_at_local"][0] == datetime(2021, 5, 4, 10, 0)


def test_ambiguous_order_chosen_so_messages_run_forward() -> None:
    # 01/02 -> 01/03 -> 01/04: as mm/dd these run forward day by day, as dd/mm they run forward month by
    # month; with a last line of 02/01 only mm/dd keeps the order (Jan 4 -> Feb 1).
    text = "01/02/21 10.00 - A: a\n01/03/21 10.00 - A: b\n01/04/21 10.00 - A: c\n02/01/21 10.00 - A: d\n"
    df = rows(text)
    assert df["date_order"][0] == "mdy"
    assert df["sent_at_local"].is_sorted()


def test_character_traps() -> None:
    text = (
        "\ufeff[26/01/21 21.05.53] Toko: \u200ePesan dan panggilan terenkripsi secara end-to-end.\r\n"
        "\u200e[26/01/21 21.06.00] \u202a+62\u00a0812\u2011-3456-7890\u202c: halo kak\r\n"
        "[26/01/21 21.07.00] Bu Rina: baris satu\r\n"
        "\r\n"
        "baris tiga\ufeff\r\n"
        "[26/01/21 21.08.00] ~\u202fBudi: pesan terakhir tanpa newline"
    )
    df = rows(text)
    assert df.height == 4
    assert df["system_kind"][0] == "encryption"
    assert df["author"][1].startswith("+62 812")
    assert df["body"][2] == "baris satu\n\nbaris tiga"
    assert df["author"][3] == "Budi"
    assert df["body"][3] == "pesan terakhir tanpa newline"


def test_bom_in_the_middle_and_utf16() -> None:
    text = "25/04/21 10.00 - A: satu\n\ufeff25/04/21 10.01 - A: dua\n"
    assert rows(text).height == 2
    assert rows(text.encode("utf-16")).height == 2


def test_one_latin1_byte_costs_a_character_not_the_chat() -> None:
    clean = (EXPORTS / "testlog_legacy.txt").read_bytes()
    expected = rows(clean, "testlog_legacy.txt")
    # 'é' as Latin-1 in one message, a stray byte inside otherwise UTF-8 text in another
    broken = clean.replace(b"Hello world", b"Hello caf\xe9", 1).replace(b"Testing am", "Testing äm".encode() + b"\x9d", 1)
    assert broken != clean
    got = rows(broken, "testlog_legacy.txt")
    assert got.select("line_start", "author", "sent_at_local").equals(expected.select("line_start", "author", "sent_at_local"))
    bodies = dict(zip(got["line_start"], got["body"], strict=True))
    assert bodies[15] == "Hello café"  # a line with no UTF-8 in it is read as Windows-1252
    assert bodies[16] == "Testing äm\ufffd"  # UTF-8 with one stray byte: the rest kept as written


ANDROID_SYSTEM = [
    ("Pesan dan panggilan terenkripsi secara end-to-end. Tidak seorang pun di luar chat ini.", "encryption"),
    ('Budi membuat grup "Pelanggan Kopi"', "group_created"),
    ("Rina telah bergabung menggunakan tautan undangan grup ini", "member_joined"),
    ("Rina keluar", "member_left"),
    ("Rina telah ditambahkan", "member_added"),
    ("Rina telah dikeluarkan", "member_removed"),
    ('Budi mengubah subjek menjadi "Promo: Kopi Aren"', "subject_changed"),
    ("Messages and calls are end-to-end encrypted. No one outside of this chat can read them.", "encryption"),
    ("+62 812-3456-7890 left", "member_left"),
    ("You were added", "member_added"),
]


@pytest.mark.parametrize(("text", "kind"), ANDROID_SYSTEM)
def test_android_system_lines(text: str, kind: str) -> None:
    row = one(f"25/04/21 10.00 - {text}\n")
    assert (row["message_kind"], row["system_kind"], row["author"]) == ("system", kind, None)


IOS_SYSTEM = [
    ("\u200ePesan dan panggilan terenkripsi secara end-to-end.", "encryption"),
    ("\u200eBudi menambahkan Rina", "member_added"),
    ("\u200eBudi mengeluarkan Rina", "member_removed"),
    ("\u200eRina keluar", "member_left"),
    ('\u200eBudi membuat grup "Pelanggan"', "group_created"),
]


@pytest.mark.parametrize(("text", "kind"), IOS_SYSTEM)
def test_ios_system_lines_carry_the_chat_name(text: str, kind: str) -> None:
    row = one(f"\u200e[25/04/21 10.00.00] Pelanggan: {text}\r\n", "WhatsApp Chat - Pelanggan.zip!/_chat.txt")
    assert (row["message_kind"], row["system_kind"]) == ("system", kind)


def test_a_customer_saying_keluar_is_not_a_system_line() -> None:
    row = one("25/04/21 10.00 - Rina: aku keluar dulu ya kak\n")
    assert (row["message_kind"], row["author"]) == ("text", "Rina")


MEDIA = [
    ("<Media tidak disertakan>", "unknown", None),
    ("<Media omitted>", "unknown", None),
    ("\u200egambar tidak disertakan", "image", None),
    ("\u200evideo tidak disertakan", "video", None),
    ("\u200eaudio tidak disertakan", "audio", None),
    ("\u200estiker tidak disertakan", "sticker", None),
    ("\u200eGIF tidak disertakan", "gif", None),
    ("\u200edokumen tidak disertakan", "document", None),
    ("\u200eKartu kontak tidak disertakan", "contact", None),
    ("IMG-20220327-WA0001.jpg (file terlampir)", "image", "IMG-20220327-WA0001.jpg"),
    ("VID-20220327-WA0002.mp4 (file attached)", "video", "VID-20220327-WA0002.mp4"),
    ("\u200e<terlampir: 00000148-VIDEO-2022-03-27-21-41-55.mp4>", "video", "00000148-VIDEO-2022-03-27-21-41-55.mp4"),
    ("\u200e<attached: 00000035-PHOTO-2022-03-27-21-41-55.jpg>", "image", "00000035-PHOTO-2022-03-27-21-41-55.jpg"),
]


@pytest.mark.parametrize(("body", "media_kind", "media_file"), MEDIA)
def test_media_placeholders(body: str, media_kind: str, media_file: str | None) -> None:
    row = one(f"25/04/21 10.00 - Rina: {body}\n")
    assert (row["message_kind"], row["media_kind"], row["media_file"]) == ("media", media_kind, media_file)


def customer_text(row: dict) -> str | None:
    """What staging keeps as the customer's words: a media message's lines after its attachment line."""
    if row["message_kind"] == "media":
        return "\n".join(row["body"].split("\n")[1:]).strip() or None
    return row["body"]


IOS_CHAT = "WhatsApp Chat - Budi.zip!/_chat.txt"
NEXT_IOS = "\r\n[24/04/24 10.16.00] Budi: oke kak makasih\r\n"


def assert_next_message_loads(df: pl.DataFrame) -> None:
    last = df.row(-1, named=True)
    assert (last["message_kind"], last["body"], last["media_file"]) == ("text", "oke kak makasih", None)


@pytest.mark.parametrize(("line", "media_file"), [
    ("Daftar Harga.pdf (file terlampir)", "Daftar Harga.pdf"),
    ("Price list 2024.pdf (file attached)", "Price list 2024.pdf"),
    ("Katalog (1) - Lebaran ✨.xlsx (file terlampir)", "Katalog (1) - Lebaran ✨.xlsx"),
    ("Foto Produk Baru.pdf (file attached)", "Foto Produk Baru.pdf"),
])
def test_android_attachment_names_with_spaces_are_media_and_the_caption_stays_text(line: str, media_file: str) -> None:
    df = rows(f"24/04/24 10.15 - Budi: {line}\nini daftar harga terbaru kak\n24/04/24 10.16 - Budi: oke kak makasih\n")
    row = df.row(0, named=True)
    assert (row["message_kind"], row["media_kind"], row["media_file"]) == ("media", "document", media_file)
    assert customer_text(row) == "ini daftar harga terbaru kak"
    assert df["line_end"][0] == 2
    last = df.row(-1, named=True)
    assert (last["message_kind"], last["body"]) == ("text", "oke kak makasih")


@pytest.mark.parametrize(("body", "media_file"), [
    ("\u200eDaftar Harga.pdf • \u200e2 halaman \u200e<terlampir: 00000023-Daftar Harga.pdf>", "00000023-Daftar Harga.pdf"),
    ("\u200ePrice list.pdf • \u200e2 pages \u200e<attached: 00000023-Price list.pdf>", "00000023-Price list.pdf"),
    ("\u200eHarga Grosir.xlsx \u200e<attached: 00000024-Harga Grosir.xlsx>", "00000024-Harga Grosir.xlsx"),
])
def test_ios_document_title_is_not_customer_text(body: str, media_file: str) -> None:
    df = rows(f"\u200e[24/04/24 10.15.02] Budi: {body}" + NEXT_IOS, IOS_CHAT)
    row = df.row(0, named=True)
    assert (row["message_kind"], row["media_kind"], row["media_file"]) == ("media", "document", media_file)
    assert customer_text(row) is None
    assert_next_message_loads(df)


@pytest.mark.parametrize(("lines", "caption"), [
    # iOS writes the caption in front of the file tag, on its line or, for several lines, on the lines above it.
    ("Budi: ini fotonya kak \u200e<attached: 00000012-PHOTO-2024-04-24-10-15-02.jpg>", "ini fotonya kak"),
    ("Budi: baris satu\r\nbaris dua \u200e<terlampir: 00000012-PHOTO-2024-04-24-10-15-02.jpg>", "baris satu\nbaris dua"),
    ("Budi: \u200e<attached: 00000012-PHOTO-2024-04-24-10-15-02.jpg> ini fotonya kak", "ini fotonya kak"),
    ("Budi: \u200e<attached: 00000012-PHOTO-2024-04-24-10-15-02.jpg>\r\nini fotonya kak", "ini fotonya kak"),
    ("Budi: \u200e<attached: 00000012-PHOTO-2024-04-24-10-15-02.jpg>", None),
])
def test_ios_caption_stays_text_and_the_file_tag_never_does(lines: str, caption: str | None) -> None:
    df = rows(f"\u200e[24/04/24 10.15.02] {lines}" + NEXT_IOS, IOS_CHAT)
    row = df.row(0, named=True)
    assert (row["message_kind"], row["media_kind"]) == ("media", "image")
    assert row["media_file"] == "00000012-PHOTO-2024-04-24-10-15-02.jpg"
    assert customer_text(row) == caption
    assert_next_message_loads(df)


OMITTED = [
    ("<Media omitted>", "unknown"), ("<Media tidak disertakan>", "unknown"), ("<Video message omitted>", "video"),
    ("<Video note omitted>", "video"), ("<View once voice message omitted>", "voice"),
    ("\u200eimage omitted", "image"), ("\u200evideo omitted", "video"), ("\u200eaudio omitted", "audio"),
    ("\u200esticker omitted", "sticker"), ("\u200eGIF omitted", "gif"), ("\u200eContact card omitted", "contact"),
    ("\u200edocument omitted", "document"), ("\u200egambar tidak disertakan", "image"),
    ("\u200evideo tidak disertakan", "video"), ("\u200eaudio tidak disertakan", "audio"),
    ("\u200estiker tidak disertakan", "sticker"), ("\u200edokumen tidak disertakan", "document"),
    ("image omitted", "image"), ("dokumen tidak disertakan", "document"),  # marks stripped by a re-save
    ("\u200eDaftar Harga.pdf • \u200e2 halaman \u200edokumen tidak disertakan", "document"),
    ("\u200ePrice list.pdf • \u200e3 pages \u200edocument omitted", "document"),
    ("\u200eHarga Grosir.xlsx \u200edocument omitted", "document"),
]


@pytest.mark.parametrize(("body", "media_kind"), OMITTED)
def test_media_left_out_in_both_languages_is_media_not_text(body: str, media_kind: str) -> None:
    for text, name in ((f"\u200e[24/04/24 10.15.02] Budi: {body}" + NEXT_IOS, IOS_CHAT),
                       (f"24/04/24 10.15 - Budi: {body}\n24/04/24 10.16 - Budi: oke kak makasih\n", "chat.txt")):
        df = rows(text, name)
        row = df.row(0, named=True)
        assert (row["message_kind"], row["media_kind"], row["media_file"]) == ("media", media_kind, None)
        assert customer_text(row) is None
        assert_next_message_loads(df)


@pytest.mark.parametrize(("lines", "caption"), [
    ("ini videonya kak \u200evideo omitted", "ini videonya kak"),
    ("ini videonya kak\r\nyang warna merah \u200evideo tidak disertakan", "ini videonya kak\nyang warna merah"),
])
def test_ios_caption_in_front_of_a_left_out_video_stays_text(lines: str, caption: str) -> None:
    df = rows(f"\u200e[24/04/24 10.15.02] Budi: {lines}" + NEXT_IOS, IOS_CHAT)
    row = df.row(0, named=True)
    assert (row["message_kind"], row["media_kind"], customer_text(row)) == ("media", "video", caption)
    assert_next_message_loads(df)


@pytest.mark.parametrize("body", [
    "file nya udah kak (file attached)", "harga 25.000 ya kak", "oke.siap", "cek katalog.pdf ya kak",
    "kok gambar tidak disertakan", "fotonya belum masuk, image omitted katanya", "kirim <attached> nanti ya",
])
def test_words_that_look_like_attachments_stay_text(body: str) -> None:
    row = one(f"[24/04/24 10.15.02] Budi: {body}\r\n", IOS_CHAT)
    assert (row["message_kind"], row["body"], row["media_file"]) == ("text", body, None)
    assert one(f"24/04/24 10.15 - Budi: {body}\n")["message_kind"] == "text"


@pytest.mark.parametrize(("body", "media_kind"), [
    ("\u200e<attached: 00000011-GIF-2024-04-24-10-15-02.mp4>", "gif"),
    ("\u200e<attached: 00000010-AUDIO-2024-04-24-10-15-02.opus>", "audio"),
    ("\u200e<attached: 00000009-STICKER-2024-04-24-10-15-02.webp>", "sticker"),
    ("\u200e<attached: 00000008-Budi.vcf>", "contact"),
    ("PTT-20240424-WA0001.opus (file attached)", "voice"),
    ("Video promo.pdf (file attached)", "document"),
])
def test_attached_file_kind_comes_from_whatsapp_name_parts_then_the_extension(body: str, media_kind: str) -> None:
    row = one(f"24/04/24 10.15 - Budi: {body}\n")
    assert (row["message_kind"], row["media_kind"]) == ("media", media_kind)


@pytest.mark.parametrize("body", [
    "Pesan ini dihapus", "Pesan ini telah dihapus", "Pesan ini dihapus.", "Anda telah menghapus pesan ini",
    "Anda menghapus pesan ini.", "Anda telah menghapus pesan ini.", "This message was deleted", "You deleted this message",
])
def test_deleted_messages(body: str) -> None:
    assert one(f"25/04/21 10.00 - Rina: \u200e{body}\n")["message_kind"] == "deleted"


@pytest.mark.parametrize("body", ["Panggilan suara tak terjawab", "Panggilan video tak terjawab", "\u200eMissed voice call"])
def test_missed_calls(body: str) -> None:
    row = one(f"25/04/21 10.00 - Rina: {body}\n")
    assert (row["message_kind"], row["system_kind"]) == ("call", "call")


@pytest.mark.parametrize("body", ["lokasi: https://maps.google.com/?q=-1.6,103.6", "Lokasi: https://maps.google.com/?q=-1.6,103.6"])
def test_location(body: str) -> None:
    assert one(f"25/04/21 10.00 - Rina: {body}\n")["message_kind"] == "location"


def test_edited_suffix_removed_and_flagged() -> None:
    row = one("25/04/21 10.00 - Rina: jadi 2 liter ya <This message was edited>\n")
    assert (row["body"], row["is_edited"]) == ("jadi 2 liter ya", True)


def test_bad_header_is_quarantined_with_its_continuation_and_the_rest_loads() -> None:
    good = "".join(f"01/02/21 10.{i % 60:02d} - Rina: pesan {i}\n" for i in range(999))
    bad = "31/02/21 10.00 - Rina: tanggal mustahil\nlanjutan\n"
    result = parse((good + bad).encode(), "chat.txt")
    assert result.tables[TABLE].height == 999
    q = result.quarantine.row(0, named=True)
    assert q["locator"] == "lines 1000-1001" and "31/02/21" in q["reason"] and "lanjutan" in q["raw"]


def test_text_before_the_first_header_is_quarantined() -> None:
    result = parse(b"potongan pesan lama\n25/04/21 10.00 - Rina: halo\n", "chat.txt")
    assert result.tables[TABLE].height == 1
    assert result.quarantine["locator"].to_list() == ["lines 1-1"]


def test_no_header_at_all_is_a_format_error() -> None:
    with pytest.raises(FormatError, match="no WhatsApp message header"):
        parse(b"just some notes\nnothing else\n", "notes.txt")


@pytest.mark.parametrize(("path", "name"), [
    ("WhatsApp Chat with Bu Rina.txt", "Bu Rina"),
    ("Chat WhatsApp dengan Pelanggan Kopi (1).txt", "Pelanggan Kopi"),
    ("/x/WhatsApp Chat - Grup Reseller.zip!/_chat.txt", "Grup Reseller"),
    ("export/_chat.txt", "export"),
])
def test_chat_name_from_file_name(path: str, name: str) -> None:
    assert chat_name_from_path(path) == name


def test_sniff() -> None:
    assert sniff(b"\xef\xbb\xbf[26/01/21 21.05.53] A: b", "x.txt") > 0.5
    assert sniff(b"Date,Video Views\n", "x.csv") == 0.0


def test_one_to_one_chat_customer_words_that_sound_like_system_lines_stay_messages() -> None:
    # Android: system lines never have an author, whatever the chat's name
    android = ("30/08/25 18.00 - Budi: Halo kak, saya lagi keluar\n30/08/25 18.01 - Toko Kita: Baik kak\n"
               "30/08/25 18.02 - Budi: Pesanan sudah ditambahkan\n30/08/25 18.04 - Budi: ini akun bisnis resmi?\n")
    df = parse(android.encode(), "WhatsApp Chat with Budi.txt").tables[TABLE]
    assert df["system_kind"].is_null().all() and df["author"].to_list() == ["Budi", "Toko Kita", "Budi", "Budi"]
    # iOS: the chat's name is the author of system lines too, but those carry U+200E
    ios = ("[3/27/22, 21:41:35] Budi: \u200eMessages and calls are end-to-end encrypted.\n"
           "[3/27/22, 21:41:40] Budi: I just joined your membership program\n"
           "[3/27/22, 21:42:00] Budi: Sorry I left\n[3/27/22, 21:43:00] Toko: ok\n")
    df = parse(ios.encode(), "WhatsApp Chat - Budi/_chat.txt").tables[TABLE]
    assert df["system_kind"].to_list() == ["encryption", None, None, None]
    assert df["body"].to_list()[1:3] == ["I just joined your membership program", "Sorry I left"]
