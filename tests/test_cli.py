"""The gaung command as a person uses it: exit codes, tables, JSON, languages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from pipelines.cli import app
from tests.conftest import EXPORTS

runner = CliRunner()


def test_ingest_prints_a_table_and_exits_0(home: Path, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(EXPORTS / "test_ddmmyy_24hrs.txt", src)
    result = runner.invoke(app, ["ingest", str(src), "--tenant", "toko-a"])
    assert result.exit_code == 0, result.output
    assert "dimuat" in result.output and "whatsapp_export" in result.output
    again = runner.invoke(app, ["ingest", str(src), "--tenant", "toko-a", "--lang", "en"])
    assert again.exit_code == 0 and "duplicate" in again.output


def test_ingest_json_and_exit_2_on_rejection(home: Path, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(EXPORTS / "test_ddmmyy_24hrs.txt", src)
    (src / "foto.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    result = runner.invoke(app, ["ingest", str(src), "--tenant", "toko-a", "--json"])
    assert result.exit_code == 2
    lines = [json.loads(ln) for ln in result.stdout.splitlines()]
    assert {ln["status"] for ln in lines} == {"loaded", "rejected"}
    rejected = next(ln for ln in lines if ln["status"] == "rejected")
    assert "foto.txt" in rejected["error"] and "--format" in rejected["error"]


def test_ingest_defaults_to_the_landing_folder(home: Path) -> None:
    landing = home / "landing" / "toko-a"
    landing.mkdir(parents=True)
    shutil.copy(EXPORTS / "test_mmddyy_24hrs.txt", landing)
    result = runner.invoke(app, ["ingest", "--tenant", "toko-a", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["path"] == str(landing / "test_mmddyy_24hrs.txt")


def test_unknown_tenant_and_format_are_clear_errors(home: Path) -> None:
    result = runner.invoke(app, ["ingest", "--tenant", "toko-zz"])
    assert result.exit_code == 2 and "gaung tenants add toko-zz" in result.output
    result = runner.invoke(app, ["ingest", str(EXPORTS), "--tenant", "toko-a", "--format", "csv"])
    assert result.exit_code == 2 and "unknown format" in result.output


def test_run_builds_the_models(home: Path) -> None:
    landing = home / "landing" / "toko-b"
    landing.mkdir(parents=True)
    shutil.copy(EXPORTS / "test_yyyymmdd_24hrs.txt", landing)
    result = runner.invoke(app, ["run", "--tenant", "toko-b", "--landing"])
    assert result.exit_code == 0, result.output
    assert "marts.fct_customer_voice" in result.output


def test_ingest_makes_the_landing_folder_and_says_where_exports_go(home: Path) -> None:
    result = runner.invoke(app, ["ingest", "--tenant", "toko-a"])
    assert result.exit_code == 0, result.output
    landing = home / "landing" / "toko-a"
    assert landing.is_dir()
    assert "Tidak ada berkas di" in result.output and "gaung formats" in result.output
    english = runner.invoke(app, ["ingest", "--tenant", "toko-a", "--lang", "en"])
    assert english.exit_code == 0 and "No files in" in english.output


def test_a_missing_path_is_named_and_nothing_is_ingested(home: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path / "Ulasan"), str(tmp_path / "Januari.csv"), "--tenant", "toko-a"])
    assert result.exit_code == 2
    assert "tidak ditemukan" in result.output and "Januari.csv" in result.output and "tanda kutip" in result.output
    result = runner.invoke(app, ["ingest", str(tmp_path / "Ulasan"), "--tenant", "toko-a", "--lang", "en"])
    assert result.exit_code == 2 and "not found" in result.output and "quote" in result.output


def test_errors_and_file_names_are_printed_as_written(home: Path, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "notes [bold].csv").write_text("a,b\n1,2\n")
    result = runner.invoke(app, ["ingest", str(src), "--tenant", "toko-a"], terminal_width=400)
    assert result.exit_code == 2
    assert "notes [bold].csv" in result.output  # not eaten as console markup
    # why the file was rejected, in Bahasa Indonesia by default
    assert "bukan ekspor yang dikenali" in result.output and "([tenants.<id>.mappings.<nama>])" in result.output


def test_rejection_reasons_follow_the_language(home: Path, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "laporan.csv").write_text("<!DOCTYPE html><html><head><title>Masuk</title></head></html>")
    (src / "kosong.csv").write_bytes(b"")
    result = runner.invoke(app, ["ingest", str(src), "--tenant", "toko-a"], terminal_width=400)
    assert "ini halaman web (HTML), bukan ekspor" in result.output
    assert "berkas kosong (0 byte)" in result.output
    assert "this is a web page" not in result.output
    result = runner.invoke(app, ["ingest", str(src), "--tenant", "toko-a", "--lang", "en"], terminal_width=400)
    assert "this is a web page (HTML), not an export" in result.output and "the file is empty" in result.output
    # lineage and --json keep the English reason, with the Indonesian one beside it
    result = runner.invoke(app, ["ingest", str(src), "--tenant", "toko-a", "--json"])
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    html = next(r for r in rows if r["path"].endswith("laporan.csv"))
    assert html["error"].endswith("sign in, download the export again and check that it opens as a table")
    assert "masuk (login), unduh ekspornya lagi" in html["error_id"]
