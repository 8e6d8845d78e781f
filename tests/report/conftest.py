"""The demo businesses through the real pipeline (ingest, models, scores, themes), for every report test: a copy of
the session's demo build (tests/conftest.py), since the report tests write reports and deliveries into it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipelines.report.pdf import find_chromium
from pipelines.settings import Settings
from pipelines.tenants import load_tenants
from tests.conftest import DEMO_NOW, DEMO_SECRET, copy_demo

NOW = DEMO_NOW  # Tuesday: the last complete week is 2026-W47
WEEK = "2026-W47"


@pytest.fixture(scope="session")
def demo(demo_home: Path, tmp_path_factory) -> Settings:
    home = copy_demo(demo_home, tmp_path_factory.mktemp("report-demo") / "home")
    mp = pytest.MonkeyPatch()
    mp.setenv("GAUNG_HOME", str(home))
    mp.delenv("GAUNG_TENANTS_FILE", raising=False)
    mp.setenv("GAUNG_SECRET_KEY", DEMO_SECRET)
    yield Settings()
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
