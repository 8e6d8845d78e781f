"""Shared fixtures: a temporary GAUNG_HOME with declared tenants, and the real fixture files."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from pipelines.settings import Settings
from pipelines.tenants import Tenant, add_tenant

FIXTURES = Path(__file__).parent / "fixtures"
EXPORTS = FIXTURES / "whatsapp" / "export_txt"
WEBHOOKS = FIXTURES / "whatsapp" / "cloud_api_webhooks"


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
