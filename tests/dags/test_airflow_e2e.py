"""The whole pipeline through Airflow on the demo data: `airflow dags test` for ingest, scores and themes,
and the weekly reports, on SQLite in a temporary AIRFLOW_HOME. A second run changes nothing."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.dags.conftest import BIN, REPO, airflow_env, needs_airflow

pytestmark = [pytest.mark.slow, needs_airflow]

STEP_TIMEOUT = 420


def _run(args: list[str], env: dict[str, str], log: Path) -> None:
    """Run an airflow (or gaung) command; on failure show the end of its output."""
    with open(log, "ab") as out:
        out.write(f"\n$ {' '.join(args)}\n".encode())
        out.flush()
        # A new session, so that a hung run is killed whole (airflow ignores SIGTERM in dags test).
        proc = subprocess.Popen(args, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            code = proc.wait(timeout=STEP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()
            code = "timeout"
    if code != 0:
        tail = log.read_text(errors="replace")[-6000:]
        pytest.fail(f"{' '.join(args)} exited {code}:\n{tail}")


def _dag_test(dag_id: str, env: dict[str, str], log: Path, logical_date: datetime | None = None) -> str:
    args = [str(BIN / "airflow"), "dags", "test", dag_id]
    if logical_date is not None:
        args.append(logical_date.isoformat())
    start = log.stat().st_size if log.exists() else 0
    _run(args, env, log)
    output = log.read_text(errors="replace")[start:]
    assert "state=success" in output, f"{dag_id} did not succeed:\n{output[-4000:]}"
    return output


def _snapshot(home: Path) -> dict:
    """Row counts of every table and view in every tenant warehouse, the ingested files, the reports and deliveries."""
    import duckdb

    state: dict = {}
    for db in sorted((home / "warehouse").glob("*.duckdb")):
        con = duckdb.connect(str(db), read_only=True)
        try:
            tables = con.execute("select table_schema, table_name from information_schema.tables "
                                 "where table_type in ('BASE TABLE', 'VIEW') order by 1, 2").fetchall()
            for schema, table in tables:
                state[f"{db.stem}:{schema}.{table}"] = con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0]
            state[f"{db.stem}:files"] = con.execute(
                "select file_id, status, rows_loaded from ops.ingested_files order by file_id").fetchall()
        finally:
            con.close()
    for folder in ("reports", "outbox"):
        for path in sorted((home / folder).rglob("*")) if (home / folder).exists() else []:
            if path.is_file():
                state[f"{folder}:{path.relative_to(home)}"] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return state


def _chain(env: dict[str, str], log: Path, monday: datetime) -> dict[str, str]:
    outputs = {"ingest": _dag_test("gaung_ingest", env, log),
               "score_themes": _dag_test("gaung_score_themes", env, log)}
    # 07:00 local on this week's Monday: the report covers the last complete week, the demo's last.
    outputs["jakarta"] = _dag_test("gaung_weekly_reports_jakarta", env, log, monday - timedelta(hours=7))
    outputs["makassar"] = _dag_test("gaung_weekly_reports_makassar", env, log, monday - timedelta(hours=8))
    return outputs


def test_pipeline_through_airflow_twice(tmp_path: Path) -> None:
    home, airflow_home, log = tmp_path / "gaung", tmp_path / "airflow", tmp_path / "airflow.log"
    env = airflow_env(airflow_home, home)
    started = time.monotonic()
    _run([sys.executable, "-m", "pipelines.cli", "demo", "--exports-only"], env, log)
    # Exports younger than the settle time wait for the next run; these were written by a finished process.
    old = time.time() - 600
    for path in (home / "landing").rglob("*"):
        os.utime(path, (old, old))
    _run([str(BIN / "airflow"), "db", "migrate"], env, log)
    _run([str(BIN / "airflow"), "pools", "set", "gaung_duckdb", "2", "Tasks writing a tenant DuckDB file"], env, log)

    today = datetime.now(UTC).date()
    monday = datetime.combine(today - timedelta(days=today.weekday()), datetime.min.time(), tzinfo=UTC)
    first = _chain(env, log, monday)
    assert "konveksi-rapi-tasik" in first["ingest"] and "rotan-mahakam-samarinda" in first["ingest"]
    after_first = _snapshot(home)
    tenants = ("konveksi-rapi-tasik", "kopi-senja-jambi", "rotan-mahakam-samarinda")
    for tenant in tenants:
        assert after_first[f"{tenant}:marts.fct_customer_voice"] > 0
        assert after_first[f"{tenant}:marts.fct_content_scores"] > 0
        reports = list((home / "reports" / tenant).rglob("*.html"))
        assert reports, f"no HTML report for {tenant} under {home / 'reports'}"
        assert list((home / "reports" / tenant).rglob("*.pdf")), f"no PDF report for {tenant}"

    second = _chain(env, log, monday)
    assert "Returned value was: []" in second["ingest"], "the second ingest found files to load again"
    delivered_again = second["jakarta"].count("'outbox': 'sent'") + second["makassar"].count("'outbox': 'sent'")
    assert delivered_again == 0, "a report was delivered twice"
    after_second = _snapshot(home)
    changed = {k: (after_first.get(k), after_second.get(k)) for k in after_first.keys() | after_second.keys()
               if after_first.get(k) != after_second.get(k)
               and not k.startswith("reports:")}  # report files are rewritten; their set must not change
    assert changed == {}
    assert {k for k in after_first if k.startswith("reports:")} == {k for k in after_second if k.startswith("reports:")}
    print(f"airflow e2e: {time.monotonic() - started:.0f} s")


def test_a_tenant_mistake_fails_at_once_with_a_clear_message(tmp_path: Path) -> None:
    home, airflow_home, log = tmp_path / "gaung", tmp_path / "airflow", tmp_path / "airflow.log"
    env = airflow_env(airflow_home, home)
    _run([str(BIN / "airflow"), "db", "migrate"], env, log)
    proc = subprocess.run([str(BIN / "airflow"), "dags", "test", "gaung_rerun", "-c", '{"tenant": "toko-hilang"}'],
                          env=env, cwd=REPO, capture_output=True, text=True, timeout=STEP_TIMEOUT)
    output = proc.stdout + proc.stderr
    assert "state=failed" in output
    # No retries for a mistake retrying cannot fix, and the callback's one line says what and how.
    assert "Retry policy decision" in output and "action=fail" in output
    assert "Gaung task gaung_rerun.ingest failed (tenant toko-hilang" in output
    assert "gaung tenants add toko-hilang" in output
