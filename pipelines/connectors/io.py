"""Credentials from the environment or Airflow connections, pull state in ops, responses landed as files."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import urllib.parse
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import duckdb

from pipelines.connectors.http import TokenError, redact_json
from warehouse.connection import fetch_one

log = logging.getLogger("gaung.connectors")


def find_secret(name: str, tenant_id: str, *, airflow_conn: str | None = None, field: str = "password",
                environ: Mapping[str, str] | None = None) -> str | None:
    """GAUNG_<NAME>__<TENANT> (per tenant), else GAUNG_<NAME>, else the Airflow connection's field; None when
    none is set (an Airflow connection that cannot be read counts as not set)."""
    environ = os.environ if environ is None else environ
    for var in (_tenant_var(name, tenant_id), f"GAUNG_{name}"):
        if environ.get(var):
            return environ[var]
    raw = environ.get(f"AIRFLOW_CONN_{airflow_conn.upper()}") if airflow_conn else None
    if raw:
        try:
            return _airflow_field(raw, field) or None
        except (ValueError, AttributeError) as exc:  # never the value in the log: it holds the token
            log.warning("AIRFLOW_CONN_%s cannot be read (%s), so it counts as not set: write it as JSON or as a "
                        "connection URI", airflow_conn.upper(), type(exc).__name__)
            return None
    return None


def secret(name: str, tenant_id: str, *, airflow_conn: str | None = None, field: str = "password") -> str:
    """find_secret()'s value, or a TokenError naming the variables to set."""
    value = find_secret(name, tenant_id, airflow_conn=airflow_conn, field=field)
    if value:
        return value
    hint = f"{_tenant_var(name, tenant_id)} or GAUNG_{name}" + (f" (or the Airflow connection {airflow_conn})" if airflow_conn else "")
    raise TokenError(f"no credential for {name.lower().replace('_', ' ')}: set {hint}")


def _tenant_var(name: str, tenant_id: str) -> str:
    return f"GAUNG_{name}__{tenant_id.upper().replace('-', '_')}"


def _airflow_field(raw: str, field: str) -> str | None:
    if raw.lstrip().startswith("{"):
        doc = json.loads(raw)
        return doc.get(field) or (doc.get("extra") or {}).get(field)
    parsed = urllib.parse.urlsplit(raw)
    if field == "password":
        return urllib.parse.unquote(parsed.password or "") or None
    if field == "login":
        return urllib.parse.unquote(parsed.username or "") or None
    return urllib.parse.parse_qs(parsed.query).get(field, [None])[0]


def get_state(con: duckdb.DuckDBPyConnection, tenant_id: str, source: str) -> tuple[str | None, str | None]:
    """(watermark, cursor) of the last pull."""
    row = fetch_one(con, "select watermark, cursor from ops.pull_state where tenant_id = ? and source = ?", [tenant_id, source])
    return (row[0], row[1]) if row else (None, None)


def save_state(con: duckdb.DuckDBPyConnection, tenant_id: str, source: str, *, watermark: str | None,
               cursor: str | None, pages: int, now: datetime) -> None:
    """Record progress after each landed page (cursor) and at the end (watermark, no cursor)."""
    con.execute(
        "insert into ops.pull_state values (?, ?, ?, ?, ?, ?) on conflict (tenant_id, source) do update set"
        " watermark = excluded.watermark, cursor = excluded.cursor,"
        " pages_landed = ops.pull_state.pages_landed + excluded.pages_landed, updated_at = excluded.updated_at",
        [tenant_id, source, watermark, cursor, pages, now])


def land(folder: Path, source: str, body: dict, now: datetime) -> Path:
    """Write one response atomically under the landing folder, readable by its owner only and with every token
    redacted (Meta's paging links carry access_token); the same content always gets the same name."""
    data = json.dumps(redact_json(body), ensure_ascii=False, sort_keys=True).encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()[:16]
    target = folder / f"{now:%Y-%m-%d}" / f"{source}-{digest}.json"
    if target.exists():
        return target
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.tmp"  # hidden: ingestion never picks up a half-written file
    with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(target)
    return target
