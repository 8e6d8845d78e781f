"""Frames in and out of DuckDB without pyarrow, and what an ingest imports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl

from warehouse.connection import query_frame, register_frame

ROOT = Path(__file__).resolve().parents[2]


def test_frames_round_trip_through_duckdb() -> None:
    con = duckdb.connect()
    frame = pl.DataFrame({"text": ["enak bgt", None, "ongkir mahal 😅"], "n": [1, 2, None],
                          "empty": [None, None, None], "tags": [["#kopi"], [], None]})
    register_frame(con, "_t", frame)
    assert query_frame(con, "select text, n from _t order by n nulls last").to_dicts() == [
        {"text": "enak bgt", "n": 1}, {"text": None, "n": 2}, {"text": "ongkir mahal 😅", "n": None}]
    # a registered frame can be read more than once, and an all-None column arrives as nulls
    assert con.execute("select count(*), count(empty) from _t").fetchall() == [(3, 0)]
    assert con.execute("select sum(len(tags)) from _t").fetchall() == [(1,)]
    register_frame(con, "_t", pl.DataFrame({"text": []}, schema={"text": pl.String}))
    assert query_frame(con, "select * from _t").schema == pl.Schema({"text": pl.String})


def test_an_ingest_imports_neither_pyarrow_nor_pandas(tmp_path: Path) -> None:
    """Each ingest is its own process (CLI, Airflow task): those imports would cost a quarter second each."""
    csv = tmp_path / "shopee.csv"
    csv.write_text("cmtid,ctime,author_username,comment,rating_star\n1,1714000000,p*****0,\"Kemasan:rapi. Mantap\",5\n")
    code = (
        "import sys\n"
        "from pipelines.cli import app\n"
        "try:\n"
        "    app(['tenants', 'add', 'toko', '--name', 'Toko'])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"try:\n    app(['ingest', {str(csv)!r}, '--tenant', 'toko'])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print(sorted(m for m in ('pyarrow', 'pandas') if m in sys.modules))\n"
    )
    env = {**os.environ, "GAUNG_HOME": str(tmp_path / "home"), "GAUNG_SECRET_KEY": "test-secret"}
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_a_warehouse_connection_draws_no_progress_bar_on_stdout(tmp_path: Path) -> None:
    """DuckDB's bar for queries over two seconds would come before `gaung ingest --json`'s lines on stdout."""
    from warehouse.connection import warehouse

    with warehouse(tmp_path / "t.duckdb", wait_seconds=0, memory_limit="1GB") as con:
        assert con.execute("select current_setting('enable_progress_bar')").fetchall() == [(False,)]
