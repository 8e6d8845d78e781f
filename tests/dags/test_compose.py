"""docker-compose.yml is valid for both profiles, and every variable it reads is documented in .env.example."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from tests.dags.conftest import REPO

COMPOSE = shutil.which("docker-compose")
needs_compose = pytest.mark.skipif(COMPOSE is None, reason="needs docker-compose (make setup installs it as root)")


def _compose(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "GAUNG_", "POSTGRES_"))}
    return subprocess.run([COMPOSE, "-f", "docker-compose.yml", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)


@needs_compose
@pytest.mark.parametrize("profile", [[], ["--profile", "celery"]], ids=["local", "celery"])
def test_compose_config_is_valid(profile: list[str]) -> None:
    done = _compose(*profile, "config", "-q")
    assert done.returncode == 0, done.stderr


@needs_compose
def test_profiles_executor_and_volumes() -> None:
    yaml = pytest.importorskip("yaml")
    config = yaml.safe_load(_compose("config").stdout)
    services = config["services"]
    celery_only = {name for name, svc in services.items() if "celery" in (svc.get("profiles") or [])}
    assert celery_only == {"redis", "airflow-worker"}
    assert set(services) - celery_only == {"postgres", "airflow-init", "airflow-apiserver", "airflow-scheduler",
                                           "airflow-dag-processor", "airflow-triggerer"}
    for name, svc in services.items():
        assert "healthcheck" in svc or name == "airflow-init", f"{name} has no health check"
        if name.startswith("airflow-"):
            assert svc["environment"]["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
            assert svc["environment"]["GAUNG_HOME"] == "/opt/gaung"
            assert any(":/opt/gaung" in str(v) or (isinstance(v, dict) and v.get("target") == "/opt/gaung")
                       for v in svc["volumes"]), f"{name} does not mount GAUNG_HOME"


def test_every_compose_variable_is_documented() -> None:
    text = (REPO / "docker-compose.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"(?<!\$)\$\{([A-Z_][A-Z0-9_]*)", text))
    documented = set(re.findall(r"^#?\s*([A-Z_][A-Z0-9_]*)=", (REPO / ".env.example").read_text(encoding="utf-8"),
                                re.MULTILINE))
    assert used - documented == set()
