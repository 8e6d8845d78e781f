"""Loading with lineage and quarantine: one transaction per file, idempotent, nothing escapes."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.base import export_date_hint
from pipelines.ingest.io import Unit
from pipelines.ingest.loader import ingest_unit
from pipelines.run import ingest_stage
from pipelines.settings import Settings
from pipelines.tenants import get_tenant
from tests.conftest import EXPORTS, webhook_payloads, write_ndjson, write_workbook
from warehouse.connection import connect

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def snapshot(db: Path) -> dict[str, list]:
    """Every row of every table, sorted, for comparing whole warehouses."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = con.execute("select table_schema, table_name from information_schema.tables order by all").fetchall()
        return {f"{s}.{t}": sorted(map(repr, con.execute(f'select * from "{s}"."{t}"').fetchall())) for s, t in tables}
    finally:
        con.close()


def ingest(settings: Settings, *paths: Path, tenant: str = "toko-a", fmt: str | None = None):
    return ingest_stage(get_tenant(settings.tenants_path, tenant), list(paths), fmt=fmt, settings=settings, now=NOW)


def landing_with_everything(settings: Settings) -> Path:
    landing = settings.landing_dir("toko-a")
    landing.mkdir(parents=True)
    for f in EXPORTS.glob("*.txt"):
        shutil.copy(f, landing / f.name)
    write_ndjson(landing / "hooks.ndjson", list(webhook_payloads("message.json").values()))
    (landing / "notes.csv").write_text("a,b\n1,2\n")
    return landing


def test_ingest_twice_leaves_every_table_identical(settings: Settings) -> None:
    landing = landing_with_everything(settings)
    first, counts = ingest(settings, landing)
    assert counts["marts.fct_customer_voice"] is None  # a view: every text is stored once, in raw
    before = snapshot(settings.warehouse_path("toko-a"))
    assert len(before["marts.fct_customer_voice"]) > 0
    second, _ = ingest(settings, landing)
    assert [o.status for o in second if o.status != "rejected"] == ["duplicate"] * 7
    assert snapshot(settings.warehouse_path("toko-a")) == before


def test_rejected_file_names_itself_and_others_still_load(settings: Settings) -> None:
    landing = landing_with_everything(settings)
    outcomes, _ = ingest(settings, landing)
    rejected = [o for o in outcomes if o.status == "rejected"]
    assert [Path(o.path).name for o in rejected] == ["notes.csv"]
    assert "notes.csv" in rejected[0].error and "Supported formats" in rejected[0].error
    assert sum(o.status == "loaded" for o in outcomes) == 7
    con = connect(settings.warehouse_path("toko-a"), read_only=True)
    rows = con.execute("select status, count(*) from ops.ingested_files group by all order by all").fetchall()
    assert rows == [("loaded", 7), ("rejected", 1)]


def test_lineage_every_message_traces_to_file_and_line(settings: Settings) -> None:
    ingest(settings, EXPORTS / "testlog_legacy.txt")
    con = connect(settings.warehouse_path("toko-a"), read_only=True)
    rows = con.execute(
        "select f.path, s.source_locator from staging.stg_whatsapp__messages s"
        " join ops.ingested_files f on f.file_id = s.source_file_id order by s.created_at").fetchall()
    assert len(rows) == 23
    assert all(p.endswith("testlog_legacy.txt") for p, _ in rows)
    assert ("lines 5-10" in {loc for _, loc in rows})


def test_overlapping_exports_do_not_double_count(settings: Settings, tmp_path: Path) -> None:
    early = "25/04/21 10.00 - Rina: halo kak\n25/04/21 10.01 - Rina: ok\n25/04/21 10.01 - Rina: ok\n"
    later = early + "26/04/21 09.00 - Rina: sudah sampai\n"
    a, b = tmp_path / "WhatsApp Chat with Rina.txt", tmp_path / "WhatsApp Chat with Rina (1).txt"
    a.write_text(early)
    b.write_text(later)
    ingest(settings, a, b)
    con = connect(settings.warehouse_path("toko-a"), read_only=True)
    assert con.execute("select count(*) from staging.stg_whatsapp__messages").fetchall() == [(4,)]


def test_export_date_is_the_tenants_day_and_a_date_in_the_name_comes_first() -> None:
    saved = datetime(2025, 1, 1, 1, 30, tzinfo=timezone(timedelta(hours=7)))  # 2024-12-31 18:30 UTC
    assert export_date_hint("land/Content.csv", saved, NOW, "Asia/Jakarta") == date(2025, 1, 1)
    assert export_date_hint("land/Content.csv", saved, NOW, "Asia/Makassar") == date(2025, 1, 1)
    assert export_date_hint("land/Content.csv", saved, NOW) == date(2024, 12, 31)  # no timezone: UTC
    # a zip member's time is the zipping machine's wall clock: taken as it is
    assert export_date_hint("x.zip!/Content.csv", datetime(2025, 1, 1, 1, 30), NOW, "Asia/Jakarta") == date(2025, 1, 1)
    assert export_date_hint("land/Content_20241230.csv", saved, NOW, "Asia/Jakarta") == date(2024, 12, 30)
    # a range in the name: the export is at least as late as its last day
    assert export_date_hint("land/Overview_2024-12-01_2024-12-31.csv", saved, NOW) == date(2024, 12, 31)
    assert export_date_hint("2024-11-30/Overview_20241201-20241231.csv", saved, NOW) == date(2024, 12, 31)
    assert export_date_hint("land/Content.csv", None, datetime(2025, 1, 1, 17, 0, tzinfo=UTC), "Asia/Jakarta") == date(2025, 1, 2)


def make_zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_ios_zip_with_media_loads_its_chat_and_refuses_tricks(settings: Settings, tmp_path: Path) -> None:
    chat = b"[26/01/21 21.05.53] Rina: halo\r\n"
    z = tmp_path / "WhatsApp Chat - Bu Rina.zip"
    z.write_bytes(make_zip({
        "_chat.txt": chat,
        "00000035-PHOTO-2022-03-27-21-41-55.jpg": b"\xff\xd8",
        "../../etc/evil.txt": chat,
        "00000036-Daftar harga.xlsx": make_zip({"xl/workbook.xml": b"<workbook/>"}),
        "00000037-catatan.txt": b"beli 2 kopi\n",
        "00000038-arsip.zip": make_zip({"_chat.txt": chat}),
        "00000039-data.csv": b"a,b\n1,2\n",
    }))
    outcomes, _ = ingest(settings, z)
    by_name = {o.path.split("!/")[-1]: o for o in outcomes}
    assert by_name["_chat.txt"].status == "loaded"
    # every other member of a chat export is something the customer sent: skipped, never an error
    for attachment in ("00000035-PHOTO-2022-03-27-21-41-55.jpg", "00000036-Daftar harga.xlsx", "00000037-catatan.txt",
                       "00000038-arsip.zip", "00000039-data.csv"):
        assert by_name[attachment].status == "skipped", attachment
    assert "path traversal" in by_name["../../etc/evil.txt"].error
    nested = tmp_path / "exports.zip"
    nested.write_bytes(make_zip({"inner.zip": make_zip({"Overview.csv": b"x"})}))
    outcomes, _ = ingest(settings, nested)
    assert "archives inside archives" in outcomes[0].error
    con = connect(settings.warehouse_path("toko-a"), read_only=True)
    assert con.execute("select chat_label from staging.stg_whatsapp__messages").fetchall() == [("Bu R***",)]


def test_oversized_and_broken_zips_are_rejected(settings: Settings, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("GAUNG_MAX_ARCHIVE_BYTES", "1000")
    z = tmp_path / "big.zip"
    z.write_bytes(make_zip({"_chat.txt": b"25/04/21 10.00 - A: b\n" * 200}))
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 this is not really a zip")
    outcomes, _ = ingest(Settings(), z, broken)
    assert "over the limit" in outcomes[0].error and "GAUNG_MAX_ARCHIVE_BYTES" in outcomes[0].error
    assert "damaged" in outcomes[1].error


def test_nothing_escapes_the_loader(settings: Settings) -> None:
    con = connect(settings.warehouse_path("toko-a"))
    out = ingest_unit(con, "toko-a", Unit("x.txt", data=b"\x00\x01\x02" * 1000), fmt="whatsapp_export", ingested_at=NOW)
    assert out.status == "rejected" and out.error.startswith("x.txt:")
    again = ingest_unit(con, "toko-a", Unit("x.txt", data=b"\x00\x01\x02" * 1000), fmt="whatsapp_export", ingested_at=NOW)
    assert again.status == "rejected"
    assert con.execute("select count(*) from ops.ingested_files").fetchall() == [(1,)]


@pytest.mark.slow  # a child process killed mid-file
def test_killed_mid_file_leaves_nothing_partial_and_a_rerun_completes(settings: Settings, tmp_path: Path) -> None:
    big = tmp_path / "WhatsApp Chat with Banyak.txt"
    big.write_text("".join(f"01/02/21 10.{i % 60:02d} - Rina {i % 50}: pesan nomor {i}\n" for i in range(400_000)))
    env = {**os.environ, "GAUNG_HOME": str(settings.home), "GAUNG_SECRET_KEY": "test-secret"}
    cmd = [sys.executable, "-m", "pipelines.cli", "ingest", str(big), "--tenant", "toko-a", "--json"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    db = settings.warehouse_path("toko-a")
    if db.exists():
        con = duckdb.connect(str(db), read_only=True)
        tables = {t for (t,) in con.execute("select table_name from information_schema.tables").fetchall()}
        if "whatsapp_export_messages" in tables:
            n = con.execute("select count(*) from raw.whatsapp_export_messages").fetchall()[0][0]
            assert n in (0, 400_000)
        con.close()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from raw.whatsapp_export_messages").fetchall() == [(400_000,)]
    assert con.execute("select count(*) from ops.ingested_files").fetchall() == [(1,)]


def test_a_messy_folder_loads_its_exports_and_names_each_bad_file(settings: Settings, tmp_path: Path) -> None:
    """What people's folders hold: media beside an unpacked chat, system and lock files, empty and cut-off
    downloads, a saved login page, hand-edited JSON, one file named twice. Every export loads once; every bad
    file is rejected with a reason a person can act on; system files are not reported at all."""
    folder = tmp_path / "Unduhan"
    (folder / "__MACOSX").mkdir(parents=True)
    chat = folder / "WhatsApp Chat with Bu Ani 🌸.txt"
    shutil.copy(EXPORTS / "test_ddmmyy_24hrs.txt", chat)
    (folder / "link.txt").symlink_to(chat)
    for name in ("IMG-20250830-WA0001.jpg", "PTT-20250830-WA0002.opus", "katalog.pdf", "surat.docx"):
        (folder / name).write_bytes(b"PK\x03\x04 not an export")
    for name in ("desktop.ini", "Thumbs.db", "~$Ulasan.xlsx", "__MACOSX/._Ulasan.csv"):
        (folder / name).write_bytes(b"\x00system")
    for name in ("kosong.csv", "kosong.JSON", "kosong.xlsx", "kosong.zip"):
        (folder / name).write_bytes(b"")
    good_book = write_workbook(tmp_path / "book.xlsx", {"Sheet1": [["a", "b"], ["1", "2"]]}).read_bytes()
    (folder / "Ulasan Shopee.XLSX").write_bytes(good_book[: len(good_book) // 2])
    (folder / "ulasan.csv").write_text("<!DOCTYPE html>\n<html><head><title>Masuk</title></head><body></body></html>\n")
    (folder / "hooks.json").write_text('{\n  "data": [\n    {"rating": 5, "comment": "enak"},\n  ],\n}\n')

    outcomes, _ = ingest(settings, folder, chat)
    by_name = {Path(o.path).name: o for o in outcomes}
    assert set(by_name) == {chat.name, "IMG-20250830-WA0001.jpg", "PTT-20250830-WA0002.opus", "katalog.pdf",
                            "surat.docx", "kosong.csv", "kosong.JSON", "kosong.xlsx", "kosong.zip",
                            "Ulasan Shopee.XLSX", "ulasan.csv", "hooks.json"}
    assert len(outcomes) == len(by_name)  # the chat named twice and its link are one file
    assert by_name[chat.name].status == "loaded"
    assert {by_name[n].status for n in ("IMG-20250830-WA0001.jpg", "PTT-20250830-WA0002.opus", "katalog.pdf",
                                        "surat.docx")} == {"skipped"}
    for name in ("kosong.csv", "kosong.JSON", "kosong.xlsx", "kosong.zip"):
        assert by_name[name].status == "rejected" and "empty (0 bytes)" in by_name[name].error
    assert "Excel workbook is damaged" in by_name["Ulasan Shopee.XLSX"].error
    assert "web page (HTML)" in by_name["ulasan.csv"].error
    assert "JSON is broken at line 4, column 3" in by_name["hooks.json"].error
    assert all(o.error.startswith(o.path + ":") for o in outcomes if o.status == "rejected")

    before = snapshot(settings.warehouse_path("toko-a"))
    again, _ = ingest(settings, folder, chat)
    assert [o.status for o in again] == [o.status if o.status != "loaded" else "duplicate" for o in outcomes]
    assert snapshot(settings.warehouse_path("toko-a")) == before


def test_lineage_records_where_a_file_is_whatever_folder_the_run_started_in(settings: Settings, tmp_path: Path,
                                                                            monkeypatch) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "chat.txt").write_bytes(b"[26/01/21 21.05.53] Rina: halo\r\n")
    (exports / "chat-lama.zip").write_bytes(make_zip({"_chat.txt": b"[25/01/21 20.00.00] Rina: pagi\r\n"}))
    monkeypatch.chdir(tmp_path)  # paths as a person types them, relative to where they stand
    outcomes, _ = ingest(settings, Path("exports/chat.txt"), Path("exports/chat-lama.zip"))
    assert [o.status for o in outcomes] == ["loaded", "loaded"]
    assert outcomes[0].path == "exports/chat.txt"  # shown as typed
    con = connect(settings.warehouse_path("toko-a"), read_only=True)
    assert sorted(p for (p,) in con.execute("select path from ops.ingested_files").fetchall()) == [
        f"{exports}/chat-lama.zip!/_chat.txt", f"{exports}/chat.txt"]


def test_a_file_loaded_as_the_wrong_format_is_read_again_as_the_one_asked_for(settings: Settings) -> None:
    con = connect(settings.warehouse_path("toko-a"))
    data = b"reviewContent,rating,reviewTime\nbagus banget,5,12 Jan 2024\njelek,1,13 Jan 2024\nenak,x,14 Jan 2024\n"
    maps = {"tiktok_shop": {"platform": "tiktok_shop", "text": "reviewContent", "rating": "rating",
                            "created_at": "reviewTime"}}

    def load(fmt: str | None):
        out = ingest_unit(con, "toko-a", Unit("ulasan.csv", data=data), fmt=fmt, ingested_at=NOW, mappings=maps)
        reviews = con.execute("select platform, count(*) from raw.reviews group by all").fetchall()
        lineage = con.execute("select source_format, status, rows_loaded from ops.ingested_files").fetchall()
        quarantined = con.execute("select count(*) from ops.quarantine").fetchall()[0][0]
        return out, reviews, lineage, quarantined

    first, reviews, lineage, quarantined = load(None)  # detected as Lazada: the wrong guess for this shop
    assert (first.status, first.source_format, reviews, quarantined) == ("loaded", "lazada_reviews", [("lazada", 2)], 1)
    right, reviews, lineage, quarantined = load("mapped_reviews")
    assert right.status == "loaded" and reviews == [("tiktok_shop", 2)]  # replaced, not added
    assert lineage == [("mapped_reviews", "loaded", 2)] and quarantined == 1  # its quarantine too
    # the same file with the same format, or with none, is still a no-op
    for fmt in ("mapped_reviews", None):
        again, reviews_again, lineage_again, _ = load(fmt)
        assert again.status == "duplicate" and (reviews_again, lineage_again) == (reviews, lineage)
    # a format that does not fit leaves the earlier load as it was
    wrong, reviews_after, lineage_after, _ = load("whatsapp_export")
    assert wrong.status == "rejected" and "still loaded as mapped_reviews" in wrong.notes[-1]
    assert (reviews_after, lineage_after) == (reviews, lineage)


def test_json_nested_too_deeply_is_rejected_as_such(settings: Settings) -> None:
    con = connect(settings.warehouse_path("toko-a"))
    for data, fmt in ((b"[" * 100_000, None), (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "shopee_reviews"),
                      (b'{"entry":' * 100_000, "whatsapp_cloud_api")):
        out = ingest_unit(con, "toko-a", Unit("dalam.json", data=data), fmt=fmt, ingested_at=NOW)
        assert out.status == "rejected" and "nested too deeply" in out.error, out.error
        assert "bersarang terlalu dalam" in out.error_id and "RecursionError" not in out.error


def _workbook_with_sheet(tmp_path: Path, sheet_xml: bytes) -> bytes:
    """A real workbook (xlsxwriter) whose first sheet's XML is replaced."""
    src = zipfile.ZipFile(io.BytesIO(write_workbook(tmp_path / "base.xlsx", {"Ulasan": [["text", "rating"], ["enak", "5"]]})
                                     .read_bytes()))
    return make_zip({i.filename: sheet_xml if i.filename == "xl/worksheets/sheet1.xml" else src.read(i.filename)
                     for i in src.infolist()})


SHEET_HEAD = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'


def test_workbooks_are_bounded_like_zips(settings: Settings, tmp_path: Path, monkeypatch) -> None:
    con = connect(settings.warehouse_path("toko-a"))
    # two cells, A1 and XFD1048576: a few hundred bytes that a reader would hold as 17 billion cells
    far = _workbook_with_sheet(tmp_path, SHEET_HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>text</t></is></c></row>'
                               b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>')
    out = ingest_unit(con, "toko-a", Unit("Ulasan.xlsx", data=far), fmt=None, ingested_at=NOW)
    assert out.status == "rejected" and "GAUNG_MAX_ARCHIVE_BYTES" in out.error and "1,048,576 rows" in out.error
    assert "sheet 'Ulasan' spans" in out.error  # named as Excel shows it, not by its part in the zip
    # more rows than Excel has (rows without numbers, so no reference gives them away)
    rows = _workbook_with_sheet(tmp_path, SHEET_HEAD + b"<row/>" * 1_100_000 + b"</sheetData></worksheet>")
    assert len(rows) < 100_000
    out = ingest_unit(con, "toko-a", Unit("Baris.xlsx", data=rows), fmt="mapped_reviews", ingested_at=NOW,
                      max_ratio=10_000)
    assert out.status == "rejected" and "more than Excel allows" in out.error
    assert "melebihi batas Excel" in out.error_id
    # a part that compresses like a zip bomb (over 10 MB unpacked, over GAUNG_MAX_ARCHIVE_RATIO)
    bomb = _workbook_with_sheet(tmp_path, SHEET_HEAD + b'<row r="1"><c r="A1"><v>1</v></c></row>' * 400_000
                                + b"</sheetData></worksheet>")
    out = ingest_unit(con, "toko-a", Unit("Bom.xlsx", data=bomb), fmt=None, ingested_at=NOW)
    assert out.status == "rejected" and "GAUNG_MAX_ARCHIVE_RATIO" in out.error
    # GAUNG_MAX_ARCHIVE_BYTES applies to the unpacked workbook, as to a zip
    book = tmp_path / "Ulasan Shopee.xlsx"
    write_workbook(book, {"Ulasan": [["cmtid", "ctime", "comment", "rating_star"]]
                          + [[str(i), "1714000000", f"ulasan nomor {i}", "5"] for i in range(2000)]})
    monkeypatch.setenv("GAUNG_MAX_ARCHIVE_BYTES", "20000")
    outcomes, _ = ingest(Settings(), book)
    assert outcomes[0].status == "rejected" and "GAUNG_MAX_ARCHIVE_BYTES" in outcomes[0].error
    monkeypatch.delenv("GAUNG_MAX_ARCHIVE_BYTES")
    outcomes, _ = ingest(Settings(), book)
    assert (outcomes[0].status, outcomes[0].rows_loaded) == ("loaded", 2000), outcomes[0].error
