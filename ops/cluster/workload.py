"""Drive a cluster started by ops.cluster.cluster: make many demo tenants, trigger the DAGs through the REST
API, wait for them, and read back what happened (task instances from the metadata database, table contents
from the tenant warehouses). Used by tests/cluster and bench/cluster.py."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from ops.cluster.cluster import ADMIN, POOL, Layout, load_secrets, load_state

# The DAG ids of one pass of the pipeline, in order: ingest, then scores and themes (on the warehouse
# asset ingest emits), then the weekly reports of every zone the demo businesses live in.
PIPELINE_DAGS = ("gaung_ingest", "gaung_score_themes")
# Tasks whose return value is the list of tenant ids the next task maps over (one per DAG).
MAP_SOURCES = {"tenants_with_new_files", "changed_tenants", "tenants_due", "tenants_to_check", "tenants_to_pull"}
# The DAGs whose order per tenant (ingest, then score, then themes; report, then deliver) is the one-writer rule.
ORDERED_DAGS = ("gaung_ingest", "gaung_score_themes", "gaung_weekly_reports_", "gaung_rerun")
REPORT_ZONES = {"gaung_weekly_reports_jakarta": "Asia/Jakarta", "gaung_weekly_reports_makassar": "Asia/Makassar",
                "gaung_weekly_reports_jayapura": "Asia/Jayapura"}
FINISHED = {"success", "failed"}


# --- tenants --------------------------------------------------------------------------------------

def make_tenants(home: Path, count: int, *, scale: float = 0.1, seed: int = 7) -> list[str]:
    """Write `count` demo tenants under home: copies of the demo businesses, each batch from its own seed, so
    every tenant has distinct chats, posts and reviews. Exports are dated ten minutes ago (settled)."""
    from pipelines.demo.generate import write_demo
    from pipelines.settings import Settings
    from pipelines.tenants import add_tenant, load_tenants

    settings = Settings(home=home)
    ids: list[str] = []
    batch = 0
    scratch = home / ".demo-batches"
    while len(ids) < count:
        batch_home = scratch / str(batch)
        written = write_demo(Settings(home=batch_home), seed=seed + batch, scale=scale)
        declared = load_tenants(batch_home / "tenants.toml")
        for tenant_id in written:
            if len(ids) == count:
                break
            new_id = f"{tenant_id}-{batch + 1:03d}"
            target = settings.landing_dir(new_id)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(batch_home / "landing" / tenant_id), str(target))
            add_tenant(settings.tenants_path, declared[tenant_id].model_copy(update={"id": new_id}), replace=True)
            ids.append(new_id)
        batch += 1
    shutil.rmtree(scratch)
    old = time.time() - 600
    for path in (home / "landing").rglob("*"):
        os.utime(path, (old, old))
    return sorted(ids)


def copy_tenants(source: Path, target: Path) -> None:
    """The same tenants and landing files in another GAUNG_HOME (file times kept), for a run to compare."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / "tenants.toml", target / "tenants.toml")
    shutil.copytree(source / "landing", target / "landing", dirs_exist_ok=True)


# --- REST API -------------------------------------------------------------------------------------

class Api:
    """The cluster's Airflow REST API (v2), as user admin with a token from /auth/token."""

    def __init__(self, home: Path) -> None:
        state = load_state(Layout(home))
        self.base = state.api_url
        self._password = load_secrets(Layout(home))["admin"]
        self.client = httpx.Client(base_url=self.base, timeout=60)
        self._login()

    def _login(self) -> None:
        r = self.client.post("/auth/token", json={"username": ADMIN, "password": self._password})
        r.raise_for_status()
        self.client.headers["Authorization"] = f"Bearer {r.json()['access_token']}"

    def request(self, method: str, path: str, **kwargs) -> Any:
        for attempt in range(5):
            try:
                r = self.client.request(method, path, **kwargs)
            except httpx.TransportError:
                # The API server restarts its workers now and then; a fault test may be killing things.
                time.sleep(2 + attempt * 2)
                continue
            if r.status_code == 401:
                self._login()
                continue
            if r.status_code >= 500:
                time.sleep(2 + attempt * 2)
                continue
            r.raise_for_status()
            return r.json() if r.content else None
        r.raise_for_status()
        raise RuntimeError(f"{method} {path}: the API server did not answer")

    def dag_ids(self) -> set[str]:
        return {d["dag_id"] for d in self.request("GET", "/api/v2/dags", params={"limit": 100})["dags"]}

    def wait_dags(self, wanted: set[str], timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while not wanted <= self.dag_ids():
            if time.monotonic() > deadline:
                raise TimeoutError(f"DAGs not parsed in {timeout:.0f} s: {sorted(wanted - self.dag_ids())}")
            time.sleep(2)

    def trigger(self, dag_id: str, *, logical_date: datetime | None = None, conf: dict | None = None) -> str:
        body: dict[str, Any] = {"logical_date": logical_date.isoformat() if logical_date else None, "conf": conf or {}}
        return self.request("POST", f"/api/v2/dags/{dag_id}/dagRuns", json=body)["dag_run_id"]

    def runs(self, dag_id: str) -> list[dict]:
        return self.request("GET", f"/api/v2/dags/{dag_id}/dagRuns", params={"limit": 100})["dag_runs"]

    def run(self, dag_id: str, run_id: str) -> dict:
        return self.request("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}")

    def wait_run(self, dag_id: str, run_id: str, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            run = self.run(dag_id, run_id)
            if run["state"] in FINISHED:
                return run
            if time.monotonic() > deadline:
                raise TimeoutError(f"{dag_id} run {run_id} still {run['state']} after {timeout:.0f} s")
            time.sleep(3)

    def wait_idle(self, dag_id: str, timeout: float, *, at_least: int = 1) -> list[dict]:
        """Wait until the DAG has at least `at_least` runs and none unfinished; returns its runs."""
        deadline = time.monotonic() + timeout
        while True:
            runs = self.runs(dag_id)
            if len(runs) >= at_least and all(r["state"] in FINISHED for r in runs):
                return runs
            if time.monotonic() > deadline:
                raise TimeoutError(f"{dag_id}: runs {[(r['dag_run_id'], r['state']) for r in runs]} after {timeout:.0f} s")
            time.sleep(3)

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        out, offset = [], 0
        while True:
            page = self.request("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances",
                                params={"limit": 100, "offset": offset})
            out += page["task_instances"]
            offset += 100
            if offset >= page["total_entries"]:
                return out


def report_logical_dates(now: datetime | None = None) -> dict[str, datetime]:
    """07:00 local on this week's Monday for each weekly report DAG: the report covers the demo's last week."""
    from zoneinfo import ZoneInfo

    today = (now or datetime.now(UTC)).date()
    monday = today - timedelta(days=today.weekday())
    return {dag_id: datetime(monday.year, monday.month, monday.day, 7, tzinfo=ZoneInfo(zone)).astimezone(UTC)
            for dag_id, zone in REPORT_ZONES.items()}


@dataclass
class PassTiming:
    """Wall-clock seconds of one pass, split by stage."""

    ingest: float
    score_themes: float
    reports: float

    @property
    def total(self) -> float:
        return self.ingest + self.score_themes + self.reports


def busy_runs(api: Api) -> list[tuple[str, str, str]]:
    """(dag_id, run_id, state) of every DAG run not finished yet, over all DAGs."""
    page = api.request("GET", "/api/v2/dags/~/dagRuns",
                       params=[("state", "queued"), ("state", "running"), ("limit", "100")])
    return [(r["dag_id"], r["dag_run_id"], r["state"]) for r in page["dag_runs"]]


def wait_quiet(api: Api, timeout: float) -> None:
    """Wait until no DAG run is queued or running (asset-triggered runs included), twice in a row."""
    deadline, calm = time.monotonic() + timeout, 0
    while calm < 2:
        calm = calm + 1 if not busy_runs(api) else 0
        if time.monotonic() > deadline:
            raise TimeoutError(f"runs still going after {timeout:.0f} s: {busy_runs(api)}")
        time.sleep(3)


def failed_runs(api: Api, dag_ids) -> list[tuple[str, str]]:
    return [(d, r["dag_run_id"]) for d in dag_ids for r in api.runs(d) if r["state"] == "failed"]


def run_pipeline(api: Api, *, timeout: float = 1800, during_ingest=None, during_scores=None) -> PassTiming:
    """One pass: trigger ingest and wait until every run it sets off is done (scores and themes, and any other
    DAG on the warehouse asset), then trigger the weekly reports of every zone and wait for them.

    `during_ingest(api)` and `during_scores(api)` run right after the ingest trigger and once scores and themes
    began (fault injection). The scheduled ingest (every five minutes) may be the run that does the work: the
    DAG allows one active run, so the pass waits for whichever runs."""
    api.wait_dags(set(PIPELINE_DAGS) | set(REPORT_ZONES))
    before = {r["dag_run_id"] for r in api.runs("gaung_score_themes")}
    t0 = time.monotonic()
    run_id = api.trigger("gaung_ingest")
    if during_ingest is not None:
        during_ingest(api)
    run = api.wait_run("gaung_ingest", run_id, timeout)
    if run["state"] != "success":
        raise AssertionError(f"gaung_ingest {run_id} ended {run['state']}")
    t1 = time.monotonic()
    if during_scores is not None:
        deadline = time.monotonic() + timeout
        while not [r for r in api.runs("gaung_score_themes") if r["dag_run_id"] not in before]:
            if time.monotonic() > deadline:
                raise TimeoutError("no gaung_score_themes run after the ingest")
            time.sleep(2)
        during_scores(api)
    wait_quiet(api, timeout)
    if not [r for r in api.runs("gaung_score_themes") if r["dag_run_id"] not in before]:
        raise AssertionError("the ingest set off no gaung_score_themes run (no warehouse asset event)")
    t2 = time.monotonic()
    started = {dag_id: api.trigger(dag_id, logical_date=at) for dag_id, at in report_logical_dates().items()}
    for dag_id, rid in started.items():
        api.wait_run(dag_id, rid, timeout)
    wait_quiet(api, timeout)
    failed = failed_runs(api, (*PIPELINE_DAGS, *REPORT_ZONES))
    if failed:
        raise AssertionError(f"DAG runs failed: {failed}")
    return PassTiming(ingest=t1 - t0, score_themes=t2 - t1, reports=time.monotonic() - t2)


def supervisor_group(ti_id: str) -> int | None:
    """The process group (a Celery worker's, or the scheduler's with LocalExecutor) running a task try."""
    wanted = f"airflow supervisor: {ti_id}".encode()
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if cmdline.read_bytes().rstrip(b"\0").startswith(wanted):
                return os.getpgid(int(cmdline.parent.name))
        except (OSError, ProcessLookupError):
            continue
    return None


# --- metadata database: task instances and their tries --------------------------------------------

@dataclass
class Try:
    id: str
    dag_id: str
    run_id: str
    task_id: str
    tenant: str | None
    try_number: int
    state: str | None
    start: datetime | None
    end: datetime | None
    queued: datetime | None
    hostname: str | None
    pool: str | None
    map_index: int = -1


def _connect(home: Path):
    import psycopg2

    layout = Layout(home)
    state, keys = load_state(layout), load_secrets(layout)
    return psycopg2.connect(host="127.0.0.1", port=state.ports["postgres"], user="airflow", password=keys["postgres"],
                            dbname="airflow")


def tries(home: Path) -> list[Try]:
    """Every try of every task (task_instance and task_instance_history), from the cluster's PostgreSQL.

    A mapped try's tenant is the map index's entry in the list of tenant ids its DAG run mapped over (the
    return value of tenants_with_new_files, changed_tenants, tenants_due...): a try that failed before its
    map_index_template was rendered has no tenant name of its own."""
    cols = ("dag_id, run_id, task_id, rendered_map_index, try_number, state, start_date, end_date, queued_dttm, "
            "hostname, pool, map_index")
    con = _connect(home)
    try:
        with con.cursor() as cur:
            # A try that is up for retry is in both tables: its archived row in the history wins.
            cur.execute(f"select task_instance_id::text, {cols} from task_instance_history")
            rows = cur.fetchall()
            archived = {(r[1], r[2], r[3], r[12], r[5]) for r in rows}
            cur.execute(f"select id::text, {cols} from task_instance")
            rows += [r for r in cur.fetchall() if (r[1], r[2], r[3], r[12], r[5]) not in archived]
            cur.execute("select dag_id, run_id, task_id, value from xcom where key = 'return_value' and map_index = -1")
            lists: dict[tuple[str, str], list] = defaultdict(list)
            for dag_id, run_id, task_id, value in cur.fetchall():
                if isinstance(value, list) and all(isinstance(v, str) for v in value):
                    lists[(dag_id, run_id)].append((task_id not in MAP_SOURCES, value))
    finally:
        con.close()
    out = []
    for r in rows:
        t = Try(*r)
        # The list a mapped task expanded over: from a task known to list tenants, else the only list there.
        found = sorted(lists.get((t.dag_id, t.run_id), []), key=lambda x: x[0])
        source = found[0][1] if found and (not found[0][0] or len(found) == 1) else None
        if t.map_index >= 0 and source is not None and t.map_index < len(source):
            t.tenant = source[t.map_index]
        elif t.tenant is not None and t.tenant.isdigit():
            t.tenant = None
        out.append(t)
    return out


def db_activity(home: Path) -> dict[str, int]:
    """PostgreSQL's counters for the metadata database (commits, rows written, bytes): diff two readings for a pass."""
    con = _connect(home)
    try:
        with con.cursor() as cur:
            cur.execute("select xact_commit, tup_inserted, tup_updated, tup_deleted, tup_fetched, "
                        "pg_database_size('airflow') from pg_stat_database where datname = 'airflow'")
            row = cur.fetchone()
    finally:
        con.close()
    return dict(zip(("commits", "inserted", "updated", "deleted", "fetched", "bytes"), row, strict=True))


def overlapping_writers(all_tries: list[Try], dag_prefixes: tuple[str, ...] = ("",)) -> list[tuple[Try, Try]]:
    """Pairs of tries of tasks in the DuckDB pool for the same tenant whose [start, end] intervals overlap,
    among the DAGs whose id starts with one of `dag_prefixes` (default: every DAG)."""
    by_tenant: dict[str, list[Try]] = defaultdict(list)
    for t in all_tries:
        if t.pool == POOL and t.tenant and t.start is not None and t.dag_id.startswith(dag_prefixes):
            by_tenant[t.tenant].append(t)
    clashes = []
    now = datetime.now(UTC)
    for items in by_tenant.values():
        items.sort(key=lambda t: t.start)
        for i, a in enumerate(items):
            for b in items[i + 1:]:
                if b.start < (a.end or now):
                    clashes.append((a, b))
    return clashes


def latency(all_tries: list[Try]) -> dict[str, float]:
    """Seconds spent waiting to start (queued -> start) and running (start -> end), summed over finished tries."""
    waits = [(t.start - t.queued).total_seconds() for t in all_tries if t.start and t.queued]
    runs = [(t.end - t.start).total_seconds() for t in all_tries if t.start and t.end]
    return {"tries": len(all_tries), "queued_s": sum(waits), "running_s": sum(runs),
            "queued_mean_s": sum(waits) / len(waits) if waits else 0.0,
            "running_mean_s": sum(runs) / len(runs) if runs else 0.0}


# --- what the runs wrote --------------------------------------------------------------------------

# Columns that hold when a run happened rather than what the data says: left out of the comparison.
RUN_TIME_COLUMNS = {"applied_at", "ingested_at", "loaded_at", "built_at", "computed_at", "generated_at",
                    "created_at", "updated_at", "delivered_at", "scored_at", "started_at", "finished_at",
                    "run_at", "refreshed_at", "sent_at", "written_at", "first_seen_at", "last_seen_at", "seen_at"}
FLOAT_TYPES = {"DOUBLE", "FLOAT", "REAL"}


@dataclass
class TableDigest:
    """One table's rows: their count, a digest of the exact columns, and each float column's sorted values
    (model scores differ in the last bits between processes with other thread counts: compared with a tolerance)."""

    rows: int
    digest: str
    floats: dict[str, list[float | None]]

    def __getitem__(self, i: int):  # (rows, digest) like a tuple
        return (self.rows, self.digest)[i]

    def same_as(self, other: TableDigest | None, rel: float = 1e-5, abs_: float = 1e-6) -> bool:
        import math

        if other is None or (self.rows, self.digest) != (other.rows, other.digest) or self.floats.keys() != other.floats.keys():
            return False
        for col, values in self.floats.items():
            theirs = other.floats[col]
            if len(values) != len(theirs) or any(
                    (a is None) != (b is None) or (a is not None and not math.isclose(a, b, rel_tol=rel, abs_tol=abs_))
                    for a, b in zip(values, theirs, strict=True)):
                return False
        return True


def table_digests(home: Path) -> dict[str, dict[str, TableDigest]]:
    """{tenant: {schema.table: TableDigest}} of every warehouse: run-time columns (and *_run_at) left out,
    this GAUNG_HOME's path written as $GAUNG_HOME, so two deployments' tables compare."""
    import duckdb

    out: dict[str, dict[str, TableDigest]] = {}
    prefix = str(home.resolve())
    for db in sorted((home / "warehouse").glob("*.duckdb")):
        con = duckdb.connect(str(db), read_only=True)
        try:
            tables = con.execute("select table_schema, table_name from information_schema.tables "
                                 "where table_type = 'BASE TABLE' order by 1, 2").fetchall()
            found = {}
            for schema, table in tables:
                cols = con.execute("select column_name, data_type from information_schema.columns where table_schema = ? "
                                   "and table_name = ? order by ordinal_position", [schema, table]).fetchall()
                keep = [(c, t) for c, t in cols
                        if c not in RUN_TIME_COLUMNS and not c.endswith(("_run_id", "_run_at"))]
                exact = [c for c, t in keep if t not in FLOAT_TYPES]
                floats = [c for c, t in keep if t in FLOAT_TYPES]
                select = ", ".join(f"replace(\"{c}\"::varchar, ?, '$GAUNG_HOME')" for c in exact) or "1"
                rows = con.execute(f'select {select} from "{schema}"."{table}"', [prefix] * len(exact)).fetchall()
                lines = sorted(repr(r) for r in rows)
                values = {c: sorted((v for (v,) in con.execute(f'select "{c}" from "{schema}"."{table}"').fetchall()),
                                    key=lambda v: (v is None, v or 0.0)) for c in floats}
                found[f"{schema}.{table}"] = TableDigest(
                    len(rows), hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16], values)
            out[db.stem] = found
        finally:
            con.close()
    return out


def reports(home: Path) -> dict[str, list[str]]:
    """{tenant: [report file names]} under home/reports."""
    root = home / "reports"
    return {d.name: sorted(p.name for p in d.rglob("*") if p.is_file())
            for d in sorted(root.iterdir()) if d.is_dir()} if root.is_dir() else {}
