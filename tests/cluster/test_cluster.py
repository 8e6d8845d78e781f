"""Scale-out for real: 60 demo tenants through Airflow 3.3 on PostgreSQL, Redis and two Celery workers
(ops/cluster), with a worker killed -9 mid-ingest, the scheduler killed and restarted mid-run and one tenant's
warehouse held by another process; then the same tenants through a LocalExecutor deployment, table by table.

Run by `make test-cluster` (GAUNG_TEST_CLUSTER=1), which .ci/run calls after `make test`; skipped otherwise, so
a bare pytest does not start servers. Every process started here is stopped in the fixtures' finalizers.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from ops.cluster import cluster, workload

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.environ.get("GAUNG_TEST_CLUSTER"), reason="run by make test-cluster (GAUNG_TEST_CLUSTER=1)"),
    pytest.mark.skipif(not (Path(sys.executable).parent / "airflow").exists(), reason="needs the airflow extra"),
    pytest.mark.skipif(not shutil.which("redis-server") or not list(Path("/usr/lib/postgresql").glob("*/bin/postgres")),
                       reason="needs the Debian packages postgresql and redis-server (make setup installs them as root)"),
]

TENANTS = int(os.environ.get("GAUNG_CLUSTER_TENANTS", "60"))
SCALE = 0.1  # four customers, a few posts and reviews per tenant: the point is many tenants, not big ones
PASS_TIMEOUT = 1800
# A dead worker's task is noticed when its heartbeats stop for this long (Airflow's default is 300 s).
HEARTBEAT_TIMEOUT = "60"
# Tasks the dead worker had taken from Redis but not started stay queued this long, then are sent again
# (Airflow's default is 600 s; Redis itself would only redeliver them after its visibility timeout, 24 h).
QUEUED_TIMEOUT = "300"


@pytest.fixture(scope="module")
def homes():
    """Two GAUNG_HOMEs with the same tenants and landing files (one per executor), under /tmp: as root,
    PostgreSQL runs as `nobody`, which must be able to reach its data folder."""
    base = Path(tempfile.mkdtemp(prefix="gaung-cluster-"))
    base.chmod(0o755)
    saved = {k: os.environ.get(k) for k in ("GAUNG_SECRET_KEY", "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT",
                                            "AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT")}
    # Both runs pseudonymise people with the same key, so their tables can be compared.
    os.environ["GAUNG_SECRET_KEY"] = "cluster-test-secret"
    os.environ["AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT"] = HEARTBEAT_TIMEOUT
    os.environ["AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT"] = QUEUED_TIMEOUT
    try:
        celery_home, local_home = base / "celery", base / "local"
        ids = workload.make_tenants(celery_home, TENANTS, scale=SCALE)
        workload.copy_tenants(celery_home, local_home)
        yield {"celery": celery_home, "local": local_home, "tenants": ids}
    finally:
        for home in (base / "celery", base / "local"):
            cluster.stop(home)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        if os.environ.get("GAUNG_KEEP_CLUSTER"):
            print(f"cluster test data kept in {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)


class Faults:
    """Fault injection during the Celery pass; records what it did for the assertions."""

    def __init__(self, home: Path, held_tenant: str) -> None:
        self.home = home
        self.held_tenant = held_tenant
        self.holder: subprocess.Popen | None = None
        self.killed_worker: str | None = None
        self.killed_try: workload.Try | None = None
        self.scheduler_killed = False
        self.busy_try: workload.Try | None = None

    def hold_warehouse(self) -> None:
        """Another process opens the tenant's warehouse for writing (as `gaung` run by hand would) and keeps it."""
        path = self.home / "warehouse" / f"{self.held_tenant}.duckdb"
        code = ("import sys, time; from warehouse.connection import connect; con = connect(sys.argv[1]); "
                "print('held', flush=True); time.sleep(3600)")
        self.holder = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True,
                                       env=os.environ | {"GAUNG_HOME": str(self.home)}, start_new_session=True)
        assert self.holder.stdout.readline().strip() == "held"

    def release_warehouse(self) -> None:
        if self.holder is not None and self.holder.poll() is None:
            os.killpg(self.holder.pid, signal.SIGKILL)
            self.holder.wait()

    def during_ingest(self, api: workload.Api) -> None:
        """Kill -9 the worker running some tenant's ingest (tasks and all), not the worker where the held tenant's
        ingest waits for the lock; release the held warehouse once that ingest gave up (WarehouseBusy, retried
        in a minute). With few tenants every other ingest may be over first: then the held tenant's retry is
        the ingest whose worker dies."""
        layout = cluster.Layout(self.home)
        workers = {cluster.read_pid(layout, f"worker-{i}"): f"worker-{i}" for i in range(2)}
        deadline = time.monotonic() + 900
        while (self.killed_worker is None or self.busy_try is None) and time.monotonic() < deadline:
            ingests = [t for t in workload.tries(self.home) if t.task_id == "ingest" and t.map_index >= 0]
            if self.busy_try is None:
                for t in ingests:
                    if t.tenant == self.held_tenant and t.try_number == 1 and t.state in ("up_for_retry", "failed"):
                        self.busy_try = t
                        self.release_warehouse()
            if self.killed_worker is None:
                held = [workload.supervisor_group(t.id) for t in ingests
                        if t.tenant == self.held_tenant and t.state == "running"]
                others_left = any(t.tenant != self.held_tenant and t.state not in ("success", "failed")
                                  for t in ingests)
                for t in ingests:
                    if t.state != "running" or (t.tenant == self.held_tenant and others_left):
                        continue
                    group = workload.supervisor_group(t.id)
                    if group in workers and (group not in held or self.busy_try is not None):
                        cluster.kill_component(layout, workers[group])
                        self.killed_worker, self.killed_try = workers[group], t
                        break
            time.sleep(1)
        self.release_warehouse()

    def during_scores(self, api: workload.Api) -> None:
        """Kill -9 the scheduler while scores and themes run, and start it again ten seconds later."""
        time.sleep(15)
        layout = cluster.Layout(self.home)
        assert cluster.kill_component(layout, "scheduler") is not None
        self.scheduler_killed = True
        time.sleep(10)
        cluster.restart(self.home, "scheduler")


@pytest.fixture(scope="module")
def celery_run(homes):
    home = homes["celery"]
    held = homes["tenants"][0]
    faults = Faults(home, held)
    started = time.monotonic()
    try:
        cluster.start(home, executor="CeleryExecutor", workers=2, worker_concurrency=4, pool_slots=4)
        faults.hold_warehouse()
        api = workload.Api(home)
        timing = workload.run_pipeline(api, timeout=PASS_TIMEOUT, during_ingest=faults.during_ingest,
                                       during_scores=faults.during_scores)
        all_tries = workload.tries(home)
        alive = {name: pid for name, pid in cluster.status(home)}
    finally:
        faults.release_warehouse()
        cluster.stop(home)
    print(f"celery pass: {timing} ({time.monotonic() - started:.0f} s with start and stop)")
    return {"home": home, "timing": timing, "tries": all_tries, "faults": faults, "alive": alive}


@pytest.fixture(scope="module")
def local_run(homes, celery_run):
    home = homes["local"]
    try:
        cluster.start(home, executor="LocalExecutor", pool_slots=4)
        timing = workload.run_pipeline(workload.Api(home), timeout=PASS_TIMEOUT)
        all_tries = workload.tries(home)
    finally:
        cluster.stop(home)
    print(f"local pass: {timing}")
    return {"home": home, "timing": timing, "tries": all_tries}


def test_every_tenant_has_marts_and_a_report(homes, celery_run) -> None:
    digests = workload.table_digests(celery_run["home"])
    reports = workload.reports(celery_run["home"])
    assert sorted(digests) == homes["tenants"]
    for tenant in homes["tenants"]:
        tables = digests[tenant]
        assert tables["marts.fct_content_scores"][0] > 0, tenant
        assert tables["marts.fct_voice_signals"][0] > 0, tenant
        assert tables["marts.dim_theme"][0] > 0, tenant
        assert any(name.endswith(".html") for name in reports.get(tenant, [])), f"no report for {tenant}"
        # Delivered once to the outbox channel the demo declares.
        assert tables["ops.deliveries"][0] == 1, tenant


def _clash(a: workload.Try, b: workload.Try) -> str:
    def span(t: workload.Try) -> str:
        return f"{t.start:%H:%M:%S}-{t.end:%H:%M:%S}" if t.end else f"{t.start:%H:%M:%S}-"
    return (f"{a.tenant}: {a.dag_id}.{a.task_id} try {a.try_number} ({a.state}) {span(a)} and "
            f"{b.dag_id}.{b.task_id} try {b.try_number} ({b.state}) {span(b)}")


def test_no_two_tasks_wrote_one_tenants_file_at_once(celery_run) -> None:
    """Ingest, scores, themes, report and delivery of one tenant never ran at the same time, on any worker."""
    clashes = workload.overlapping_writers(celery_run["tries"], workload.ORDERED_DAGS)
    assert clashes == [], "\n".join(_clash(a, b) for a, b in clashes)


def test_other_dags_meeting_a_tenant_were_kept_apart_by_the_lock(celery_run) -> None:
    """Other DAGs in the pool (alerts, on the same assets) may start on a tenant while the pipeline writes it:
    DuckDB's lock makes one wait (or retry on WarehouseBusy), and in the end every such task succeeded."""
    clashes = workload.overlapping_writers(celery_run["tries"])
    final: dict[tuple, workload.Try] = {}
    for t in celery_run["tries"]:
        key = (t.dag_id, t.run_id, t.task_id, t.map_index)
        if key not in final or t.try_number > final[key].try_number:
            final[key] = t
    unresolved = [(a, b) for a, b in clashes
                  if any(final[(t.dag_id, t.run_id, t.task_id, t.map_index)].state != "success" for t in (a, b))]
    print(f"{len(clashes)} overlaps of pool tasks across DAGs, all resolved by the lock: "
          + "; ".join(_clash(a, b) for a, b in clashes[:5]))
    assert unresolved == [], "\n".join(_clash(a, b) for a, b in unresolved)


def test_a_killed_worker_costs_a_retry_on_the_other_worker(celery_run) -> None:
    faults: Faults = celery_run["faults"]
    assert faults.killed_worker is not None, "no ingest was caught running on a worker"
    # The killed worker stays dead: whatever ran the task again was the other worker.
    assert celery_run["alive"].get(faults.killed_worker) is None
    other = {"worker-0": "worker-1", "worker-1": "worker-0"}[faults.killed_worker]
    assert celery_run["alive"].get(other) is not None
    killed = [t for t in celery_run["tries"] if t.dag_id == faults.killed_try.dag_id
              and t.run_id == faults.killed_try.run_id and t.task_id == "ingest" and t.tenant == faults.killed_try.tenant]
    by_try = {t.try_number: t.state for t in killed}
    dead = faults.killed_try.try_number
    assert by_try.get(dead) in ("failed", "up_for_retry"), by_try
    assert max(by_try) > dead and by_try[max(by_try)] == "success", by_try


def test_the_scheduler_was_killed_and_the_run_completed(homes, celery_run) -> None:
    assert celery_run["faults"].scheduler_killed
    # Every tenant's scores and themes succeeded in the run the scheduler died in (run_pipeline also
    # fails when any DAG run failed).
    for task in ("refresh.score", "refresh.themes"):
        done = {t.tenant for t in celery_run["tries"]
                if t.dag_id == "gaung_score_themes" and t.task_id == task and t.state == "success"}
        assert done == set(homes["tenants"]), (task, sorted(set(homes["tenants"]) - done))


def test_a_busy_warehouse_waits_and_retries(homes, celery_run) -> None:
    faults: Faults = celery_run["faults"]
    assert faults.busy_try is not None, f"{faults.held_tenant}'s ingest never met the held warehouse"
    log_dir = celery_run["home"] / "cluster" / "airflow" / "logs" / f"dag_id={faults.busy_try.dag_id}"
    logs = [p.read_text(errors="replace") for p in log_dir.rglob("attempt=1.log")
            if "task_id=ingest" in str(p)]
    assert any("is being written by another process" in text and faults.held_tenant in text for text in logs)
    finals = [t for t in celery_run["tries"] if t.task_id == "ingest" and t.tenant == faults.held_tenant
              and t.run_id == faults.busy_try.run_id]
    assert max(t.try_number for t in finals) >= 2
    assert {t.state for t in finals if t.try_number == max(x.try_number for x in finals)} == {"success"}


def test_tables_equal_a_local_executor_run(homes, celery_run, local_run) -> None:
    celery_tables = workload.table_digests(celery_run["home"])
    local_tables = workload.table_digests(local_run["home"])
    assert sorted(local_tables) == homes["tenants"]
    differ = {f"{tenant}:{table}": (celery_tables[tenant].get(table), local_tables[tenant].get(table))
              for tenant in homes["tenants"]
              for table in set(celery_tables[tenant]) | set(local_tables[tenant])
              if table not in celery_tables[tenant]
              or not celery_tables[tenant][table].same_as(local_tables[tenant].get(table))}
    assert differ == {}
    assert workload.reports(celery_run["home"]) == workload.reports(local_run["home"])
    print(f"celery {celery_run['timing']}; local {local_run['timing']}")
