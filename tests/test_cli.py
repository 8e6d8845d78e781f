"""The gaung command as a person uses it: exit codes, tables, JSON, languages."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from tests.conftest import EXPORTS

runner = CliRunner()


@pytest.fixture(autouse=True)
def narrow_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test here runs as if from a narrow terminal, with nothing forcing terminal output: what is printed
    to a pipe (or the test's capture) must not depend on the terminal around it."""
    monkeypatch.setenv("COLUMNS", "40")
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)


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
    assert "belum terdaftar" in result.output and "toko-a, toko-b" in result.output
    result = runner.invoke(app, ["ingest", "--tenant", "toko-zz", "--lang", "en"])
    assert result.exit_code == 2 and "is not declared" in result.output
    result = runner.invoke(app, ["ingest", str(EXPORTS), "--tenant", "toko-a", "--format", "csv"])
    assert result.exit_code == 2 and "format 'csv' tidak dikenal" in result.output and "whatsapp_export" in result.output
    result = runner.invoke(app, ["ingest", str(EXPORTS), "--tenant", "toko-a", "--format", "csv", "--lang", "en"])
    assert result.exit_code == 2 and "unknown format 'csv'" in result.output
    result = runner.invoke(app, ["ingest", str(EXPORTS), "--tenant", "toko-a", "--map", "Ulasan"])
    assert result.exit_code == 2 and "--map ditulis sebagai bidang=Kolom" in result.output
    result = runner.invoke(app, ["ingest", str(EXPORTS), "--tenant", "toko-a", "--map", "teks=Ulasan"])
    assert result.exit_code == 2 and "bidang tidak dikenal ['teks']" in result.output


def test_report_errors_a_person_can_act_on_in_their_language(home: Path) -> None:
    for args, indonesian, english in (
        (["report", "--tenant", "toko-a", "--week", "2026-W60"], "bukan minggu ISO yang ada", "not an existing ISO week"),
        (["report", "--tenant", "toko-a", "--week", "minggu lalu"], "tulis sebagai TTTT-Www", "write it as YYYY-Www"),
        (["deliver", "--tenant", "toko-a", "--week", "2026-47"], "bukan minggu ISO yang ada", "not an existing ISO week"),
        (["report", "--tenant", "toko-a", "--format", "docx"], "format laporan 'docx' tidak dikenal", "unknown report format"),
        (["report", "--tenant", "toko-a", "--week", "2026-W47"], "Belum ada gudang data untuk toko-a",
         "No warehouse for toko-a yet"),
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and indonesian in result.output, result.output
        assert isinstance(result.exception, SystemExit)  # said, not raised
        message_lang = ["--lang", "en"] if args[0] == "deliver" else []
        result = runner.invoke(app, [*args, *message_lang], env={"GAUNG_LANG": "en"})
        assert result.exit_code == 2 and english in result.output, result.output


def test_report_week_is_an_iso_week_or_a_date_in_it_as_in_the_dags(home: Path) -> None:
    """--week reads a week with the parser the DAGs use: a date is the ISO week holding it; anything else is
    refused naming the value and both forms."""
    for week in ("2026-W41", "2026-10-05"):  # past the week check, on to the warehouse
        result = runner.invoke(app, ["report", "--tenant", "toko-a", "--week", week])
        assert result.exit_code == 2 and "Belum ada gudang data untuk toko-a" in result.output, result.output
    result = runner.invoke(app, ["deliver", "--tenant", "toko-a", "--week", "2026-10-05"])
    assert result.exit_code == 0 and "outbox/toko-a/2026-W41" in result.output, result.output
    result = runner.invoke(app, ["report", "--tenant", "toko-a", "--week", "5 Oktober"])
    assert result.exit_code == 2 and "'5 Oktober'" in result.output
    assert "TTTT-Www" in result.output and "2026-10-05" in result.output
    result = runner.invoke(app, ["report", "--tenant", "toko-a", "--week", "2026-13-45", "--lang", "en"])
    assert result.exit_code == 2 and "'2026-13-45'" in result.output
    assert "YYYY-Www" in result.output and "YYYY-MM-DD" in result.output


def test_a_busy_warehouse_is_a_sentence_and_exit_2(home: Path) -> None:
    db = home / "warehouse" / "toko-a.duckdb"
    db.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('holding', flush=True); time.sleep(120)", str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        result = runner.invoke(app, ["ingest", str(EXPORTS / "test_ddmmyy_24hrs.txt"), "--tenant", "toko-a"],
                               env={"GAUNG_WAREHOUSE_WAIT_SECONDS": "0.5"})
        assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
        assert "sedang dipakai proses lain" in result.output and "0.5 detik" in result.output
        assert "Traceback" not in result.output
        result = runner.invoke(app, ["score", "--tenant", "toko-a", "--lang", "en"],
                               env={"GAUNG_WAREHOUSE_WAIT_SECONDS": "0.5"})
        assert result.exit_code == 2 and "in use by another process" in result.output
    finally:
        holder.kill()
        holder.wait()


def test_a_bad_map_names_a_few_of_the_files_columns_not_all(home: Path, tmp_path: Path) -> None:
    columns = [f"kolom_{i}" for i in range(10_000)] + ["Ulasan Pembeli"]
    wide = tmp_path / "ulasan.csv"
    wide.write_text(",".join(columns) + "\n" + ",".join("x" for _ in columns) + "\n")
    result = runner.invoke(app, ["ingest", str(wide), "--tenant", "toko-a", "--map", "text=Ulasan pembel"])
    assert result.exit_code == 2
    assert "kolom_4 dan 9,996 lainnya" in result.output and "maksudnya 'Ulasan Pembeli'" in result.output
    assert "kolom_5," not in result.output and "kolom_9999" not in result.output


def test_run_builds_the_models(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import warehouse.build

    full_builds = []
    build = warehouse.build.build_models

    def counted(con, tenant, key, **kwargs):
        full_builds.extend([tenant.id] if kwargs.get("models") is None else [])
        return build(con, tenant, key, **kwargs)

    monkeypatch.setattr(warehouse.build, "build_models", counted)  # pipelines.run imports it where it calls it
    landing = home / "landing" / "toko-b"
    landing.mkdir(parents=True)
    shutil.copy(EXPORTS / "test_yyyymmdd_24hrs.txt", landing)
    result = runner.invoke(app, ["run", "--tenant", "toko-b", "--landing"])
    assert result.exit_code == 0, result.output
    assert "marts.fct_customer_voice" in result.output
    assert full_builds == ["toko-b"]  # once: by the ingest that loaded the file, not again after it


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
    result = runner.invoke(app, ["ingest", str(src), "--tenant", "toko-a"])
    assert result.exit_code == 2
    assert "notes [bold].csv" in result.output  # not eaten as console markup
    # why the file was rejected, in Bahasa Indonesia by default
    assert "bukan ekspor yang dikenali" in result.output and "([tenants.<id>.mappings.<nama>])" in result.output


def test_rejection_reasons_follow_the_language(home: Path, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "laporan.csv").write_text("<!DOCTYPE html><html><head><title>Masuk</title></head></html>")
    (src / "kosong.csv").write_bytes(b"")
    result = runner.invoke(app, ["ingest", str(src), "--tenant", "toko-a"])
    assert "ini halaman web (HTML), bukan ekspor" in result.output
    assert "berkas kosong (0 byte)" in result.output
    assert "this is a web page" not in result.output
    result = runner.invoke(app, ["ingest", str(src), "--tenant", "toko-a", "--lang", "en"])
    assert "this is a web page (HTML), not an export" in result.output and "the file is empty" in result.output
    # lineage and --json keep the English reason, with the Indonesian one beside it
    result = runner.invoke(app, ["ingest", str(src), "--tenant", "toko-a", "--json"])
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    html = next(r for r in rows if r["path"].endswith("laporan.csv"))
    assert html["error"].endswith("sign in, download the export again and check that it opens as a table")
    assert "masuk (login), unduh ekspornya lagi" in html["error_id"]


def test_output_piped_to_another_program_keeps_its_lines_whole(home: Path, tmp_path: Path) -> None:
    """A real pipe, whatever COLUMNS says: messages and table cells are not broken across lines."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "laporan penjualan bulan januari.csv").write_text("<!DOCTYPE html><html><head><title>Masuk</title></head></html>")
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")} | {"COLUMNS": "30"}
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "ingest", str(src), "--tenant", "toko-a"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "laporan penjualan bulan januari.csv" in done.stdout
    assert ("ini halaman web (HTML), bukan ekspor: yang tersimpan halaman login atau halaman error, bukan berkasnya"
            in done.stderr)
    assert "\x1b[" not in done.stdout + done.stderr  # no terminal colours into a pipe


def test_a_file_ingested_with_the_wrong_format_can_be_ingested_again_with_the_right_one(home: Path, tmp_path: Path) -> None:
    reviews = tmp_path / "ulasan tiktok shop.csv"
    reviews.write_text("reviewContent,rating,reviewTime\nbagus banget,5,12 Jan 2024\njelek,1,13 Jan 2024\n")
    first = runner.invoke(app, ["ingest", str(reviews), "--tenant", "toko-a", "--json"])
    assert json.loads(first.stdout)["source_format"] == "lazada_reviews"  # not what this shop sells on
    mapped = ["--format", "mapped_reviews", "--map", "text=reviewContent", "--map", "rating=rating",
              "--platform", "tiktok_shop", "--json"]
    right = runner.invoke(app, ["ingest", str(reviews), "--tenant", "toko-a", *mapped])
    assert right.exit_code == 0, right.output
    out = json.loads(right.stdout)
    assert (out["status"], out["source_format"], out["rows_loaded"]) == ("loaded", "mapped_reviews", 2)
    again = runner.invoke(app, ["ingest", str(reviews), "--tenant", "toko-a", *mapped])
    assert json.loads(again.stdout)["status"] == "duplicate"


def test_a_setting_that_cannot_be_read_is_named_not_a_traceback(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAUNG_MAX_FILE_BYTES", "lima ratus")
    result = runner.invoke(app, ["tenants", "list"])
    assert result.exit_code == 2
    assert "GAUNG_MAX_FILE_BYTES='lima ratus' tidak bisa dibaca" in result.output and "Traceback" not in result.output
    monkeypatch.setenv("GAUNG_LANG", "en")
    result = runner.invoke(app, ["tenants", "list"])
    assert result.exit_code == 2 and "the setting GAUNG_MAX_FILE_BYTES='lima ratus' cannot be read" in result.output


def test_themes_before_any_scores_finds_the_themes_and_leaves_the_constructs_for_later(home: Path) -> None:
    """`gaung themes` right after `gaung ingest` (no `gaung score` yet): the themes are found; the weekly
    constructs, which need the scores, wait for the next scored run instead of ending in a traceback."""
    chat = sorted(EXPORTS.glob("*.txt"))[0]
    assert runner.invoke(app, ["ingest", str(chat), "--tenant", "toko-a"]).exit_code == 0
    result = runner.invoke(app, ["themes", "--tenant", "toko-a", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "marts.dim_theme" in result.output and "fct_weekly_constructs" not in result.output
