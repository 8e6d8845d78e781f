"""Shared fixtures: a temporary GAUNG_HOME with declared tenants, the real fixture files, and the three demo
businesses run through the pipeline once per test run."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from pipelines.settings import Settings
from pipelines.tenants import Tenant, add_tenant, load_tenants

FIXTURES = Path(__file__).parent / "fixtures"
EXPORTS = FIXTURES / "whatsapp" / "export_txt"
WEBHOOKS = FIXTURES / "whatsapp" / "cloud_api_webhooks"

DEMO_SEED = 7
DEMO_END = date(2026, 11, 23)
DEMO_NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # Tuesday: the last complete week is 2026-W47
DEMO_SECRET = "test-secret"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh GAUNG_HOME with two tenants declared."""
    root = tmp_path / "gaung"
    monkeypatch.setenv("GAUNG_HOME", str(root))
    monkeypatch.delenv("GAUNG_TENANTS_FILE", raising=False)
    monkeypatch.setenv("GAUNG_SECRET_KEY", "test-secret")
    settings = Settings()
    add_tenant(settings.tenants_path, Tenant(id="toko-a", name="Toko A", timezone="Asia/Jakarta",
                                             accounts={"whatsapp": ["Toko A", "+62 811-0000-1111"]}))
    add_tenant(settings.tenants_path, Tenant(id="toko-b", name="Toko B", timezone="Asia/Makassar"))
    return root


@pytest.fixture
def settings(home: Path) -> Settings:
    return Settings()


def webhook_payloads(name: str) -> dict[str, dict]:
    """The named payloads of one pywa fixture file (each value is one real webhook payload)."""
    return json.loads((WEBHOOKS / name).read_text())


def ingest_one(settings: Settings, path: Path, now: datetime, tenant: str = "toko-a"):
    """Ingest one file for a tenant as `gaung ingest` does: [(status, format, rows loaded, rows quarantined)] of
    its outcomes, and a read-only connection to the tenant's warehouse."""
    from pipelines.run import ingest_stage
    from pipelines.tenants import get_tenant
    from warehouse.connection import connect

    outcomes, _ = ingest_stage(get_tenant(settings.tenants_path, tenant), [path], fmt=None, settings=settings, now=now)
    return ([(o.status, o.source_format, o.rows_loaded, o.rows_quarantined) for o in outcomes],
            connect(settings.warehouse_path(tenant), read_only=True))


def write_workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    """An .xlsx with the given sheets, in order, each a list of rows (strings stay text cells)."""
    import xlsxwriter

    with xlsxwriter.Workbook(str(path)) as wb:
        for name, rows in sheets.items():
            ws = wb.add_worksheet(name)
            for i, row in enumerate(rows):
                ws.write_row(i, 0, row)
    return path


def write_ndjson(path: Path, payloads: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(p) for p in payloads) + "\n", encoding="utf-8")
    return path


def demo_settings(home: Path) -> Settings:
    """The settings of a demo GAUNG_HOME (or of a copy of one): the secret key it was built with."""
    return Settings(home=home, secret_key=DEMO_SECRET)


def copy_demo(source: Path, target: Path) -> Path:
    """A copy of a demo GAUNG_HOME (landing files, tenants.toml, the DuckDB warehouses) at target, to change."""
    shutil.copytree(source, target)
    return target


@contextmanager
def _demo_env(home: Path) -> Iterator[Settings]:
    """GAUNG_HOME and the secret key of a demo build while it is built, as `gaung demo` sees them."""
    mp = pytest.MonkeyPatch()
    mp.setenv("GAUNG_HOME", str(home))
    mp.delenv("GAUNG_TENANTS_FILE", raising=False)
    mp.setenv("GAUNG_SECRET_KEY", DEMO_SECRET)
    try:
        yield Settings()
    finally:
        mp.undo()


def _file_stamps(home: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(home)): (p.stat().st_size, p.stat().st_mtime_ns) for p in home.rglob("*") if p.is_file()}


@contextmanager
def _read_only(home: Path) -> Iterator[Path]:
    """Yields home; fails the run at the end of the session if a test changed, added or removed a file in it."""
    before = _file_stamps(home)
    yield home
    after = _file_stamps(home)
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    if changed:
        pytest.fail(f"a test changed the shared demo build {home} ({', '.join(changed[:5])}): read it only, and "
                    "change a copy (the demo_copy fixture, or copy_demo())", pytrace=False)


@pytest.fixture(scope="session", autouse=True)
def sentiment_fitted_once() -> Iterator[None]:
    """The sentiment model is fitted once per test run (about 30 s on 2 cores): each GAUNG_HOME still caches its own
    pickle as in use, but a home without one gets the run's fitted model instead of fitting it again."""
    from pipelines.feedback import sentiment

    fit = sentiment.train_model
    fitted: list = []

    def train_once():
        if not fitted:
            fitted.append(fit())
        return fitted[0]

    mp = pytest.MonkeyPatch()
    mp.setattr(sentiment, "train_model", train_once)
    yield
    mp.undo()


@pytest.fixture(scope="session")
def demo_home_without_themes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The three demo businesses (seed 7, weeks up to DEMO_END) ingested, modelled and scored at DEMO_NOW, without
    the themes stage: built once per test run. Read it only; copy_demo() it to change it."""
    from pipelines.demo.generate import write_demo
    from pipelines.run import run_tenant

    home = tmp_path_factory.mktemp("demo-without-themes")
    with _demo_env(home) as settings:
        write_demo(settings, seed=DEMO_SEED, end=DEMO_END)
        for tenant in load_tenants(settings.tenants_path).values():
            run_tenant(tenant, settings=settings, now=DEMO_NOW, landing=True, themes=False)
    with _read_only(home):
        yield home


@pytest.fixture(scope="session")
def demo_home(demo_home_without_themes: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The three demo businesses through every stage (ingest, models, scores, themes, constructs) at DEMO_NOW, as
    `run_tenant(landing=True)` leaves them: a copy of demo_home_without_themes run again with the themes stage (its
    models and scores rebuilt unchanged). Built once per test run. Read it only; use demo_copy to change it."""
    from pipelines.run import run_tenant

    home = copy_demo(demo_home_without_themes, tmp_path_factory.mktemp("demo") / "home")
    with _demo_env(home) as settings:
        for tenant in load_tenants(settings.tenants_path).values():
            run_tenant(tenant, settings=settings, now=DEMO_NOW, themes=True)
    with _read_only(home):
        yield home


@pytest.fixture
def demo_copy(demo_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of demo_home of the test's own, to change; its GAUNG_HOME while the test runs (what reads the
    environment, such as the sentiment model's cache, finds the copy's)."""
    home = copy_demo(demo_home, tmp_path / "demo")
    monkeypatch.setenv("GAUNG_HOME", str(home))
    monkeypatch.delenv("GAUNG_TENANTS_FILE", raising=False)
    monkeypatch.setenv("GAUNG_SECRET_KEY", DEMO_SECRET)
    return home
