"""Helpers the notebooks share: where the warehouse is, which tenant to read (GAUNG_HOME, GAUNG_TENANT)."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from pipelines.settings import get_settings
from pipelines.tenants import load_tenants


def tenant_ids() -> list[str]:
    """Tenants of tenants.toml that have a warehouse file."""
    settings = get_settings()
    return [t for t in sorted(load_tenants(settings.tenants_path)) if settings.warehouse_path(t).exists()]


def pick_tenant() -> str:
    """GAUNG_TENANT, or the first tenant with a warehouse."""
    chosen = os.environ.get("GAUNG_TENANT")
    ids = tenant_ids()
    if chosen:
        return chosen
    if not ids:
        raise SystemExit("No tenant warehouse found: run `gaung demo` (or `gaung demo --businesses 30`) first.")
    return ids[0]


def open_warehouse(tenant_id: str) -> duckdb.DuckDBPyConnection:
    """The tenant's warehouse, read-only (the pipeline may be writing other tenants)."""
    return duckdb.connect(str(get_settings().warehouse_path(tenant_id)), read_only=True)


def home() -> Path:
    return get_settings().home
