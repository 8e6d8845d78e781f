"""A tenant's landing folder loads only what lies in it: a file or link resolving elsewhere (another tenant's
chat, a folder outside GAUNG_HOME) is skipped with a reason, and nothing of it reaches the warehouse."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from pipelines.ingest.io import OutsidePath, discover
from pipelines.run import ingest_stage
from pipelines.settings import Settings
from pipelines.tenants import get_tenant
from tests.conftest import EXPORTS
from warehouse.connection import connect

NOW = datetime(2025, 9, 1, tzinfo=UTC)


def test_a_link_to_another_tenants_chat_is_skipped_with_a_reason(settings: Settings) -> None:
    other = settings.landing_dir("toko-b")
    other.mkdir(parents=True)
    secret_chat = other / "WhatsApp Chat with Pak Budi.txt"
    shutil.copy(EXPORTS / "test_ddmmyy_24hrs.txt", secret_chat)
    mine = settings.landing_dir("toko-a")
    (mine / "sub").mkdir(parents=True)
    own_chat = mine / "WhatsApp Chat with Bu Ani.txt"
    shutil.copy(EXPORTS / "test_mmddyyyy_12hrs.txt", own_chat)
    (mine / "sub" / "chat-b.txt").symlink_to(secret_chat)
    (mine / "tenant-b").symlink_to(other, target_is_directory=True)
    (mine / "again.txt").symlink_to(own_chat)  # a link inside the folder is the same file, loaded once

    outcomes, _ = ingest_stage(get_tenant(settings.tenants_path, "toko-a"), [mine], fmt=None, settings=settings, now=NOW)
    by_name = {Path(o.path).name: o for o in outcomes}
    assert set(by_name) == {own_chat.name, "chat-b.txt", "tenant-b"}
    assert by_name[own_chat.name].status == "loaded"
    for name in ("chat-b.txt", "tenant-b"):
        assert by_name[name].status == "rejected"
        assert "resolves outside the folder" in by_name[name].error
        assert "ke luar folder" in by_name[name].error_id
        assert "toko-b" not in by_name[name].error.split(":", 1)[1]  # the other tenant's path is not told
    con = connect(settings.warehouse_path("toko-a"), read_only=True)
    try:
        files = con.execute("select count(*) from ops.ingested_files where status = 'loaded'").fetchone()[0]
        rows = con.execute("select count(*) from raw.whatsapp_export_messages").fetchone()[0]
    finally:
        con.close()
    assert files == 1 and rows == by_name[own_chat.name].rows_loaded > 0


def test_discover_marks_only_what_escapes_the_walked_folder(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("a\n1\n")
    root = tmp_path / "landing"
    root.mkdir()
    (root / "in.csv").write_text("a\n2\n")
    (root / "out.csv").symlink_to(outside)
    (root / "dangling.csv").symlink_to(tmp_path / "missing.csv")
    found = {p.name: p for p in discover([root])}
    assert isinstance(found["out.csv"], OutsidePath) and isinstance(found["dangling.csv"], OutsidePath)
    assert not isinstance(found["in.csv"], OutsidePath)
    # a file named on its own is what the user asked for, wherever it lives
    assert [type(p) is OutsidePath for p in discover([root / "out.csv"])] == [False]
