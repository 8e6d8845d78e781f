"""The demo businesses built once through the real pipeline (ingest, models, scores, and themes when the
feedback stage exists), for every report test."""

from __future__ import annotations

import inspect
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import pipelines.run
from pipelines.demo.generate import write_demo
from pipelines.report.pdf import find_chromium
from pipelines.run import run_tenant
from pipelines.settings import Settings
from pipelines.tenants import load_tenants

END = date(2026, 11, 23)
NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # Tuesday: the last complete week is 2026-W47
WEEK = "2026-W47"


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> Settings:
    home = tmp_path_factory.mktemp("report-demo")
    mp = pytest.MonkeyPatch()
    mp.setenv("GAUNG_HOME", str(home))
    mp.delenv("GAUNG_TENANTS_FILE", raising=False)
    mp.setenv("GAUNG_SECRET_KEY", "test-secret")
    settings = Settings()
    write_demo(settings, seed=7, end=END)
    themes_stage = getattr(pipelines.run, "themes_stage", None)
    runs_themes = "themes" in inspect.signature(run_tenant).parameters
    for tenant in load_tenants(settings.tenants_path).values():
        run_tenant(tenant, settings=settings, now=NOW, landing=True)
        if themes_stage is not None and not runs_themes:
            themes_stage(tenant, settings=settings, now=NOW)
    yield settings
    mp.undo()


@pytest.fixture(scope="session")
def tenants(demo: Settings) -> dict:
    return load_tenants(demo.tenants_path)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots and rendered pages are kept: $PYTEST_ARTIFACTS or tests/artifacts (gitignored)."""
    root = Path(os.environ.get("PYTEST_ARTIFACTS") or Path(__file__).parents[1] / "artifacts") / "report"
    root.mkdir(parents=True, exist_ok=True)
    return root


needs_chromium = pytest.mark.skipif(find_chromium() is None,
                                    reason="needs Chromium (apt-get install chromium, or set GAUNG_CHROMIUM)")
