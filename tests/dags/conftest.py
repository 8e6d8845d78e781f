"""Helpers for the DAG tests: Airflow runs in subprocesses with a throw-away AIRFLOW_HOME, never in pytest's."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DAGS = REPO / "dags"
BIN = Path(sys.executable).parent

needs_airflow = pytest.mark.skipif(not (BIN / "airflow").exists(),
                                   reason="needs the airflow extra (make setup installs it)")


def airflow_env(airflow_home: Path, gaung_home: Path) -> dict[str, str]:
    """The environment of an Airflow subprocess: SQLite under airflow_home, the repo's DAGs, no examples."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "GAUNG_"))}
    env.update({
        "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{airflow_home / 'airflow.db'}",
        "GAUNG_HOME": str(gaung_home),
        "GAUNG_SECRET_KEY": "airflow-test-secret",
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": os.pathsep.join([str(DAGS), str(REPO)]),  # this checkout's pipelines, not an installed one
    })
    return env
