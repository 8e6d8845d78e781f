"""What the Airflow DAGs decide at run time, as plain functions: which tenants have new files or API
tokens, which are due their weekly report, which week it covers, and one call per pipeline step.

No Airflow import and nothing heavy at module level: the DAG files in dags/ import this module while
they are parsed, and stay wiring only. Each step function takes a tenant id and returns a small
JSON-able summary (what goes into XCom); the data stays in the tenant's DuckDB file.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from pipelines.connectors.pulls import PullResult
    from pipelines.settings import Settings
    from pipelines.tenants import Tenant

log = logging.getLogger("gaung.orchestration")

# A file younger than this may still be being copied into the landing folder: it waits for the next run.
SETTLE_SECONDS = 30.0


# --- tenants -------------------------------------------------------------------------------------

def load_all(settings: Settings) -> dict[str, Tenant]:
    """Every tenant in tenants.toml (none when the file does not exist yet)."""
    from pipelines.tenants import load_tenants

    return load_tenants(settings.tenants_path)


def tenant(settings: Settings, tenant_id: str) -> Tenant:
    """One tenant by id, or a TenantError that lists the declared ones."""
    from pipelines.tenants import get_tenant

    return get_tenant(settings.tenants_path, tenant_id)


def tenant_ids(settings: Settings) -> list[str]:
    """The ids of every declared tenant, sorted."""
    return sorted(load_all(settings))


def tenants_by_timezone(settings: Settings) -> dict[str, list[str]]:
    """Tenant ids grouped by their IANA timezone."""
    groups: dict[str, list[str]] = {}
    for t in sorted(load_all(settings).values(), key=lambda t: t.id):
        groups.setdefault(t.timezone, []).append(t.id)
    return groups


def tenants_from_events(events: Iterable[Any]) -> list[str]:
    """The tenants named in asset events' extra ({"tenants": [...]}), sorted and without repeats."""
    found: set[str] = set()
    for event in events:
        extra = event.get("extra") if isinstance(event, Mapping) else getattr(event, "extra", None)
        found.update((extra or {}).get("tenants") or [])
    return sorted(found)


def tenants_changed(summaries: Iterable[Mapping[str, Any] | None], *, key: str) -> list[str]:
    """The tenants whose step summary has a non-zero `key` (e.g. "loaded" files), sorted."""
    return sorted({s["tenant"] for s in summaries if s and s.get(key)})


# --- landing folders ----------------------------------------------------------------------------

def landing_state_path(settings: Settings, tenant_id: str) -> Path:
    """Where the landing files already handed to ingest are recorded (beside the tenant's warehouse)."""
    return settings.home / "warehouse" / f"{tenant_id}.landing.json"


def landing_fingerprint(folder: Path, *, now: float, settle_seconds: float = SETTLE_SECONDS) -> dict[str, list[int]]:
    """{relative path: [size, mtime_ns]} of the settled files under a landing folder (hidden ones left out).

    Only stat() calls: cheap enough to run every few minutes over thousands of files.
    """
    found: dict[str, list[int]] = {}
    if not folder.is_dir():
        return found
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if name.startswith("."):
                continue
            path = Path(root) / name
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            if now - st.st_mtime < settle_seconds:
                continue
            found[path.relative_to(folder).as_posix()] = [st.st_size, st.st_mtime_ns]
    return found


def _recorded(settings: Settings, tenant_id: str) -> dict[str, list[int]]:
    state = landing_state_path(settings, tenant_id)
    # A warehouse rebuilt from scratch must see every file again, whatever was recorded before.
    if not state.exists() or not settings.warehouse_path(tenant_id).exists():
        return {}
    try:
        return json.loads(state.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def new_landing_files(settings: Settings, tenant_id: str, *, now: float | None = None,
                      settle_seconds: float = SETTLE_SECONDS) -> tuple[list[Path], dict[str, list[int]]]:
    """(files new or changed since the last ingest, the fingerprint to record once they are ingested)."""
    folder = settings.landing_dir(tenant_id)
    current = landing_fingerprint(folder, now=time.time() if now is None else now, settle_seconds=settle_seconds)
    seen = _recorded(settings, tenant_id)
    return [folder / rel for rel, sig in sorted(current.items()) if seen.get(rel) != sig], current


def record_landing_seen(settings: Settings, tenant_id: str, fingerprint: dict[str, list[int]]) -> None:
    """Remember the landing files an ingest was handed (new_landing_files' fingerprint, taken before it), so the
    DAG's sensor does not hand them over again: the DAG, `gaung ingest` and `gaung run --landing` all record."""
    state = landing_state_path(settings, tenant_id)
    state.parent.mkdir(parents=True, exist_ok=True)
    tmp = state.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(fingerprint, sort_keys=True), encoding="utf-8")
    tmp.replace(state)


def tenants_with_new_files(settings: Settings, *, now: float | None = None,
                           settle_seconds: float = SETTLE_SECONDS) -> list[str]:
    """Tenants whose landing folder holds files not yet handed to ingest (new, or changed size or time)."""
    return [tid for tid in tenant_ids(settings)
            if new_landing_files(settings, tid, now=now, settle_seconds=settle_seconds)[0]]


def ingest_landing(tenant_id: str, *, settings: Settings, now: datetime, everything: bool = False,
                   retry: bool = False) -> dict[str, Any]:
    """Ingest the tenant's new landing files (all of them with everything=True) and record what was seen.

    Returns {"tenant", "files", "loaded", "duplicate", "rejected", "rows", "models", "changed"}; "loaded" > 0
    means this call changed the warehouse. `retry`: this call retries one that may have died after its load was
    committed (a worker killed mid-task): before the files were recorded as seen (they then load as duplicates)
    or after (this call finds no new file at all). Either way the try before may have changed the warehouse
    and nobody was told, so a retry always counts as "changed" (at least 1) and the steps after ingest run for
    the tenant: they are idempotent, so a needless run costs time, while a skipped one loses the tenant's
    refresh (seen in the 60-tenant cluster test, twice). Rejected files are logged with their reason and not
    retried until they change.
    """
    from pipelines.run import ingest_stage

    t = tenant(settings, tenant_id)
    files, fingerprint = new_landing_files(settings, tenant_id)
    if everything:
        files = [settings.landing_dir(tenant_id)] if settings.landing_dir(tenant_id).is_dir() else []
    outcomes, counts = (ingest_stage(t, files, fmt=None, settings=settings, now=now) if files else ([], {}))
    for o in outcomes:
        if o.status == "rejected":
            log.warning("%s: %s rejected: %s", tenant_id, o.path, o.error)
    record_landing_seen(settings, tenant_id, fingerprint)
    summary = {"tenant": tenant_id, "files": len(outcomes), "rows": sum(o.rows_loaded for o in outcomes),
               "models": counts}
    summary.update({s: sum(o.status == s for o in outcomes) for s in ("loaded", "duplicate", "rejected")})
    summary["changed"] = max(1, summary["loaded"] + summary["duplicate"]) if retry else summary["loaded"]
    return summary


# --- API pulls ------------------------------------------------------------------------------------

def pull_sources(t: Tenant, environ: Mapping[str, str] | None = None) -> list[str]:
    """The API sources this tenant can be pulled from now: ids in tenants.toml and credentials set."""
    from pipelines.connectors.pulls import configured_sources

    return configured_sources(t, environ)


def tenants_to_pull(settings: Settings, environ: Mapping[str, str] | None = None) -> list[str]:
    """Tenants with at least one API source configured and its credentials set."""
    return [t.id for t in sorted(load_all(settings).values(), key=lambda t: t.id) if pull_sources(t, environ)]


def pull_api(t: Tenant, *, settings: Settings, now: datetime, sources: list[str] | None = None) -> list[PullResult]:
    """Pull the given API sources (default: every one configured) into the tenant's landing folder."""
    from pipelines.connectors.pulls import pull_tenant

    with settings.open_warehouse(t.id) as con:
        return pull_tenant(t, con, landing=settings.landing_dir(t.id), urls=settings.api_urls, now=now,
                           sources=pull_sources(t) if sources is None else sources)


def pull_landing(tenant_id: str, *, settings: Settings, now: datetime) -> dict[str, Any]:
    """Pull every configured API source for a tenant into its landing folder (ingest picks the files up)."""
    results = pull_api(tenant(settings, tenant_id), settings=settings, now=now)
    return {"tenant": tenant_id, "files": len({f for r in results for f in r.files}),
            "sources": {r.source: {"pages": r.pages, "items": r.items, "files": len(set(r.files))} for r in results}}


# --- scores, themes, reports ----------------------------------------------------------------------

def score_tenant(tenant_id: str, *, settings: Settings) -> dict[str, Any]:
    """Rebuild the tenant's scoring marts; returns the row count of each table rebuilt."""
    from pipelines.run import score_stage

    return {"tenant": tenant_id, "tables": score_stage(tenant(settings, tenant_id), settings=settings)}


def themes_tenant(tenant_id: str, *, settings: Settings, now: datetime, force: bool = False,
                  progress: bool = False) -> dict[str, Any]:
    """Rebuild the tenant's feedback marts (intent, sentiment, themes; skipped when its texts did not change,
    unless `force`) and weekly constructs. Returns {"tenant", "tables" (row counts, and "embedded": texts newly
    embedded), "themes_changed"}; `gaung themes` and the DAG both call it."""
    from pipelines.lab.io import LabError
    from pipelines.run import constructs_stage, themes_stage

    t = tenant(settings, tenant_id)
    tables = themes_stage(t, settings=settings, now=now, progress=progress, force=force)
    changed = bool(tables)
    try:
        tables.update(constructs_stage(t, settings=settings))
    except LabError as exc:  # not scored yet (`gaung themes` before `gaung score`): the next scored run builds them
        log.info("%s: weekly constructs not rebuilt: %s", tenant_id, exc)
    return {"tenant": tenant_id, "tables": tables, "themes_changed": changed}


def report_week(t: Tenant, week: str | date | None, *, at: datetime) -> str:
    """The ISO week label ('2026-W41') a report covers: the week given (an ISO week or a date in it, as text or
    date; report.weeks.parse_week reads it, as for the CLI), else the last complete Monday-Sunday week in the
    tenant's timezone at `at`."""
    from pipelines.report.weeks import resolve_week

    return resolve_week(t, week, at).label


def report_tenant(tenant_id: str, *, settings: Settings, now: datetime, week: str | date | None = None) -> dict[str, Any]:
    """Write the tenant's weekly report (HTML and PDF) on `week` (default: the last complete week at `now`)."""
    from pipelines.report.build import report_stage

    t = tenant(settings, tenant_id)
    label = report_week(t, week, at=now)
    paths = report_stage(t, settings=settings, week=label, now=now)
    return {"tenant": tenant_id, "week": label, "files": [str(p) for p in paths]}


def deliver_tenant(tenant_id: str, *, settings: Settings, week: str, now: datetime,
                   force: bool = False) -> dict[str, Any]:
    """Deliver the week's report on every channel the tenant declared; a report already sent is not resent."""
    from pipelines.report.deliver import deliver_stage

    rows = deliver_stage(tenant(settings, tenant_id), settings=settings, week=week, channel="configured",
                         force=force, now=now)
    return {"tenant": tenant_id, "week": week,
            "channels": {r["channel"]: r["status"] for r in rows}}


# --- weeks and time zones -------------------------------------------------------------------------

def tenants_due_report(settings: Settings, *, at: datetime, zone: str) -> list[str]:
    """Tenants whose local clock at `at` reads the same as `zone`'s, i.e. who are at that zone's UTC offset.

    So the Asia/Jakarta DAG also serves Asia/Pontianak tenants, and the Asia/Makassar one Asia/Singapore.
    """
    wanted = at.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    return [t.id for t in sorted(load_all(settings).values(), key=lambda t: t.id)
            if at.astimezone(ZoneInfo(t.timezone)).replace(tzinfo=None) == wanted]


def tenants_outside(settings: Settings, *, at: datetime, zones: Iterable[str]) -> list[str]:
    """Tenants whose UTC offset at `at` matches none of the zones (they would get no weekly report)."""
    covered = {tid for zone in zones for tid in tenants_due_report(settings, at=at, zone=zone)}
    return [tid for tid in tenant_ids(settings) if tid not in covered]


# --- Airflow context, read without importing Airflow ---------------------------------------------

def run_time(context: Mapping[str, Any]) -> datetime:
    """The moment a DAG run stands for, in UTC: its logical date, else when it was due to run."""
    moment = context.get("logical_date")
    if moment is None and context.get("dag_run") is not None:
        moment = getattr(context["dag_run"], "run_after", None)
    if moment is None:
        return datetime.now(UTC)
    return datetime.fromtimestamp(moment.timestamp(), UTC)


def failure_message(context: Mapping[str, Any]) -> str:
    """One line saying which task failed for which tenant, why, and how to run it again."""
    ti = context.get("ti") or context.get("task_instance")
    dag_id = getattr(ti, "dag_id", None) or "?"
    task_id = getattr(ti, "task_id", None) or "?"
    run_id = getattr(ti, "run_id", None) or context.get("run_id") or "?"
    try_number = getattr(ti, "try_number", None)
    tenant_id = None
    task = context.get("task")
    op_kwargs = getattr(task, "op_kwargs", None) or {}
    if isinstance(op_kwargs, Mapping):
        tenant_id = op_kwargs.get("tenant_id")
    params = context.get("params") or {}
    tenant_id = (tenant_id or (params.get("tenant") if isinstance(params, Mapping) else None)
                 or getattr(ti, "rendered_map_index", None))
    error = context.get("exception")
    where = f"tenant {tenant_id}" if isinstance(tenant_id, str) else f"map index {getattr(ti, 'map_index', -1)}"
    hint = (f"; fix the cause, then clear the task in the UI or trigger gaung_rerun with {{\"tenant\": \"{tenant_id}\"}}"
            if isinstance(tenant_id, str) else "; fix the cause, then clear the task in the UI")
    return (f"Gaung task {dag_id}.{task_id} failed ({where}, run {run_id}, try {try_number}): "
            f"{type(error).__name__ if error else 'error'}: {error}{hint}")


def log_failure(context: Mapping[str, Any]) -> None:
    """on_failure_callback: log failure_message() at error level."""
    log.error(failure_message(context))
