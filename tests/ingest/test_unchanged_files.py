"""A second ingest of files unchanged since they were loaded (same absolute path, size and modification time)
does not read them, and changes nothing; a changed, touched or re-formatted file is read as before."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipelines.ingest.loader import ingest_paths
from pipelines.run import ingest_stage
from pipelines.settings import Settings
from pipelines.tenants import get_tenant
from tests.conftest import EXPORTS
from tests.ingest.test_loader import snapshot
from warehouse.connection import connect

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
CHAT = EXPORTS / "test_ddmmyy_24hrs.txt"


def ingest(settings: Settings, *paths: Path, fmt: str | None = None, quick: bool = True):
    return ingest_stage(get_tenant(settings.tenants_path, "toko-a"), list(paths), fmt=fmt, settings=settings, now=NOW,
                        quick=quick)[0]


def lineage(settings: Settings) -> list[tuple]:
    with connect(settings.warehouse_path("toko-a"), read_only=True) as con:
        return con.execute("select path, bytes, mtime_ns, status, source_format from ops.ingested_files order by path"
                           ).fetchall()


@pytest.fixture
def landed(settings: Settings, tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "chat.txt").write_bytes(CHAT.read_bytes())
    return folder


def test_an_unchanged_file_is_not_read_again_and_nothing_changes(settings: Settings, landed: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    first = ingest(settings, landed)
    assert [o.status for o in first] == ["loaded"]
    chat = landed / "chat.txt"
    assert lineage(settings) == [(str(chat), chat.stat().st_size, chat.stat().st_mtime_ns, "loaded", "whatsapp_export")]
    before = snapshot(settings.warehouse_path("toko-a"))

    def no_reading(self: Path) -> bytes:
        raise AssertionError(f"{self} was read")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    again = ingest(settings, landed)
    assert [(o.status, o.file_id, o.source_format) for o in again] == [("duplicate", first[0].file_id, "whatsapp_export")]
    assert "not read again" in again[0].notes[0]
    assert snapshot(settings.warehouse_path("toko-a")) == before


def test_a_touched_file_is_read_once_and_then_taken_as_unchanged(settings: Settings, landed: Path) -> None:
    ingest(settings, landed)
    chat = landed / "chat.txt"
    os.utime(chat, ns=(chat.stat().st_atime_ns, chat.stat().st_mtime_ns + 5_000_000_000))
    again = ingest(settings, landed)
    assert [o.status for o in again] == ["duplicate"] and "same bytes" in again[0].notes[0]  # read and hashed
    assert lineage(settings)[0][2] == chat.stat().st_mtime_ns  # its new time recorded
    assert "not read again" in ingest(settings, landed)[0].notes[0]


def test_a_changed_file_is_read_and_the_trade_off_of_size_and_time(settings: Settings, landed: Path) -> None:
    ingest(settings, landed)
    chat = landed / "chat.txt"
    stamp = chat.stat()
    data = chat.read_bytes()
    same_size = data.replace(b"a", b"o", 1)
    assert same_size != data and len(same_size) == len(data)
    chat.write_bytes(same_size)
    os.utime(chat, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    # Another file at the same path with the same size and time is taken as unchanged, as rsync does...
    assert [o.status for o in ingest(settings, landed)] == ["duplicate"]
    # ...unless every file is read (gaung ingest --check-contents).
    assert [o.status for o in ingest(settings, landed, quick=False)] == ["loaded"]
    chat.write_bytes(data + b"01/02/21 10:00 - Rina: satu lagi\n")  # a longer file: read, loaded
    assert [o.status for o in ingest(settings, landed)] == ["loaded"]


def test_another_format_rereads_an_unchanged_file(settings: Settings, tmp_path: Path) -> None:
    reviews = tmp_path / "ulasan.csv"
    reviews.write_text("reviewContent,rating,reviewTime\nbagus banget,5,12 Jan 2024\njelek,1,13 Jan 2024\n")
    assert [o.source_format for o in ingest(settings, reviews)] == ["lazada_reviews"]
    assert [o.status for o in ingest(settings, reviews, fmt="lazada_reviews")] == ["duplicate"]
    out = ingest(settings, reviews, fmt="tokopedia_reviews")
    assert out[0].status != "duplicate" and out[0].source_format == "tokopedia_reviews"


def test_zip_members_and_rejected_files_are_always_read(settings: Settings, tmp_path: Path) -> None:
    import zipfile

    archive = tmp_path / "WhatsApp Chat - Rina.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("_chat.txt", CHAT.read_bytes())
    empty = tmp_path / "kosong.csv"
    empty.write_bytes(b"")
    first = ingest(settings, archive, empty)
    assert [o.status for o in first] == ["loaded", "rejected"]
    again = ingest(settings, archive, empty)
    assert [o.status for o in again] == ["duplicate", "rejected"] and "same bytes" in again[0].notes[0]


def test_a_file_now_larger_than_allowed_is_refused_as_before(settings: Settings, landed: Path) -> None:
    ingest(settings, landed)
    with connect(settings.warehouse_path("toko-a")) as con:
        out = ingest_paths(con, "toko-a", [landed], fmt=None, ingested_at=NOW, max_file=10, max_total=10**9,
                           max_ratio=100)
    assert [o.status for o in out] == ["rejected"]


def test_a_second_ingest_of_unchanged_files_imports_no_parser_and_no_polars(settings: Settings, landed: Path) -> None:
    import subprocess
    import sys

    ingest(settings, landed)
    script = ("import sys; from typer.testing import CliRunner; from pipelines.cli import app; "
              f"r = CliRunner().invoke(app, ['ingest', {str(landed)!r}, '--tenant', 'toko-a', '--json']); "
              "print(r.exit_code, r.output.count('duplicate'), "
              "sorted(m for m in ('polars', 'pipelines.ingest.loader', 'warehouse.build') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert out.stdout.split("\n")[-2] == "0 1 []", out.stdout + out.stderr
