"""Every DAG file imports cleanly and cheaply, with owners, tags, retries, pools and the schedules promised."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.dags.conftest import DAGS, airflow_env, needs_airflow

pytestmark = needs_airflow

DAG_FILES = sorted(p.stem for p in DAGS.glob("gaung_*.py") if p.stem != "gaung_common")
HEAVY = ("polars", "duckdb", "torch", "sentence_transformers", "sklearn", "pyarrow", "pipelines.run")

IMPORT_ONE = """
import importlib, json, sys, time
t0 = time.perf_counter()
import airflow.sdk  # noqa: F401  (paid by every DAG file alike)
t1 = time.perf_counter()
importlib.import_module(sys.argv[1])
t2 = time.perf_counter()
heavy = [m for m in {heavy!r} if m in sys.modules]
print(json.dumps({{"sdk_seconds": t1 - t0, "dag_seconds": t2 - t1, "heavy": heavy}}))
"""

DESCRIBE = """
import json
from pathlib import Path
from airflow.dag_processing.dagbag import BundleDagBag

dags = Path({dags!r})
bag = BundleDagBag(dag_folder=dags, bundle_path=dags, bundle_name="dags-folder",
                   known_pools={{"default_pool", "gaung_duckdb"}})

def schedule(tt):
    name = type(tt).__name__
    out = {{"type": name}}
    inner = getattr(tt, "timetable", None)
    if inner is not None:
        out["timetable"] = schedule(inner)
    if hasattr(tt, "expression"):
        out["cron"] = tt.expression
        out["timezone"] = str(getattr(tt.timezone, "name", tt.timezone))
    cond = getattr(tt, "asset_condition", None)
    if cond is not None:
        out["assets"] = sorted(a.name for a in getattr(cond, "objects", [cond]) if hasattr(a, "name"))
    return out

print(json.dumps({{
    "errors": {{k: str(v) for k, v in bag.import_errors.items()}},
    "dags": {{d.dag_id: {{
        "file": Path(d.fileloc).stem, "tags": sorted(d.tags), "owner": d.owner, "catchup": d.catchup,
        "max_active_runs": d.max_active_runs, "schedule": schedule(d.timetable),
        "has_doc": bool(d.doc_md), "params": sorted(d.params.keys()),
        "tasks": {{t.task_id: {{"retries": t.retries, "pool": t.pool, "owner": t.owner,
                              "timeout": t.execution_timeout.total_seconds() if t.execution_timeout else None,
                              "callback": bool(t.on_failure_callback), "retry_policy": t.retry_policy is not None,
                              "outlets": sorted(getattr(a, "name", "") for a in t.outlets)}}
                  for t in d.tasks}},
    }} for d in bag.dags.values()}},
}}))
"""


@pytest.fixture(scope="module")
def described(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("dagbag")
    env = airflow_env(root / "airflow", root / "gaung")
    done = subprocess.run([sys.executable, "-c", DESCRIBE.format(dags=str(DAGS))], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow  # a fresh interpreter per DAG file (about 3 s each)
@pytest.mark.parametrize("module", DAG_FILES)
def test_dag_file_imports_fast_with_nothing_heavy(module: str, tmp_path: Path) -> None:
    env = airflow_env(tmp_path / "airflow", tmp_path / "gaung")
    done = subprocess.run([sys.executable, "-c", IMPORT_ONE.format(heavy=HEAVY), module], env=env, cwd=DAGS,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["heavy"] == [], f"{module} imports {result['heavy']} at parse time: move the import into the task"
    # Airflow gives a file 30 s (dagbag_import_timeout) before it gives up; ours need a fraction of one.
    assert result["dag_seconds"] < 5, f"{module} took {result['dag_seconds']:.2f} s to import"
    # Parsing must not touch GAUNG_HOME (no tenants.toml read, no folder made).
    assert not (tmp_path / "gaung").exists()


def test_no_import_errors_and_every_dag_is_there(described: dict) -> None:
    assert described["errors"] == {}
    assert sorted(described["dags"]) == [
        "gaung_alerts", "gaung_ingest", "gaung_pull", "gaung_rerun", "gaung_score_themes",
        "gaung_weekly_reports_jakarta", "gaung_weekly_reports_jayapura", "gaung_weekly_reports_makassar",
    ]


def test_owners_tags_docs_retries_callbacks(described: dict) -> None:
    for dag_id, dag in described["dags"].items():
        assert dag["owner"] == "gaung", dag_id
        assert "gaung" in dag["tags"] and len(dag["tags"]) >= 2, dag_id
        assert dag["has_doc"], dag_id
        assert dag["catchup"] is False and dag["max_active_runs"] == 1, dag_id
        for task_id, task in dag["tasks"].items():
            where = f"{dag_id}.{task_id}"
            assert task["owner"] == "gaung", where
            assert task["retries"] >= 1, where
            assert task["timeout"] and task["timeout"] <= 3 * 3600, where
            assert task["callback"] and task["retry_policy"], where


def test_every_warehouse_writer_holds_the_duckdb_pool(described: dict) -> None:
    writers = {"ingest", "pull", "refresh.score", "refresh.themes", "weekly_report.report", "weekly_report.deliver",
               "score", "themes", "report", "deliver", "alerts"}
    for dag_id, dag in described["dags"].items():
        for task_id, task in dag["tasks"].items():
            if task_id in writers:
                assert task["pool"] == "gaung_duckdb", f"{dag_id}.{task_id}"


def test_schedules(described: dict) -> None:
    dags = described["dags"]
    ingest = dags["gaung_ingest"]["schedule"]
    assert ingest["type"] == "AssetOrTimeSchedule" and ingest["assets"] == ["gaung_landing"]
    assert ingest["timetable"]["cron"] == "*/5 * * * *"
    assert dags["gaung_score_themes"]["schedule"] == {"type": "AssetTriggeredTimetable", "assets": ["gaung_warehouse"]}
    assert dags["gaung_pull"]["schedule"]["cron"] == "17 * * * *"
    alerts = dags["gaung_alerts"]["schedule"]
    assert alerts["type"] == "AssetOrTimeSchedule" and alerts["timetable"]["cron"] == "7 * * * *"
    assert alerts["assets"] == ["gaung_marts", "gaung_warehouse"]
    assert dags["gaung_rerun"]["schedule"]["type"] == "NullTimetable"
    assert dags["gaung_rerun"]["params"] == ["deliver", "force_delivery", "ingest_all", "tenant", "week"]
    for zone in ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"):
        weekly = dags[f"gaung_weekly_reports_{zone.split('/')[1].lower()}"]["schedule"]
        assert weekly == {"type": "CronTriggerTimetable", "cron": "0 7 * * 1", "timezone": zone}


def test_asset_producers(described: dict) -> None:
    dags = described["dags"]
    assert dags["gaung_ingest"]["tasks"]["announce"]["outlets"] == ["gaung_warehouse"]
    assert dags["gaung_pull"]["tasks"]["announce"]["outlets"] == ["gaung_landing"]
    assert dags["gaung_score_themes"]["tasks"]["refresh.themes"]["outlets"] == ["gaung_marts"]


POLICY = """
from gaung_common import GaungRetryPolicy
from pipelines.connectors.http import TokenError
from pipelines.tenants import TenantError
from warehouse.connection import WarehouseBusy

policy = GaungRetryPolicy()
for exc in (WarehouseBusy("busy"), TenantError("typo"), TokenError("no token"), ValueError("other")):
    d = policy.evaluate(exc, 1, 4)
    print(type(exc).__name__, d.action.value, d.retry_delay.total_seconds() if d.retry_delay else None)
"""


def test_retry_policy_retries_a_busy_warehouse_and_fails_user_mistakes(tmp_path: Path) -> None:
    env = airflow_env(tmp_path / "airflow", tmp_path / "gaung")
    done = subprocess.run([sys.executable, "-c", POLICY], env=env, cwd=DAGS, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split("\n")[:4] == ["WarehouseBusy retry 60.0", "TenantError fail None",
                                           "TokenError fail None", "ValueError default None"]
