"""Benchmark: tenants per minute through a real Airflow deployment (ops/cluster), Celery with one and two
workers against LocalExecutor, on the same demo tenants, and where the time goes.

Each configuration gets a fresh GAUNG_HOME with the same tenants and landing files, its own PostgreSQL (and
Redis for Celery), and runs one pass: gaung_ingest triggered through the REST API, the scores/themes run (and
any other DAG on the warehouse asset) it sets off, then the three weekly report DAGs. Figures:

- tenants/min: tenants / wall time of the pass (trigger to the last report);
- busy: share of the wall time when at least one task ran; idle is what scheduling, queueing and task start-up
  add between tasks (nothing of Gaung's running);
- queue wait: mean seconds from queued to started (executor and broker pick-up, plus waiting for a free slot);
- task seconds by step: mean wall time of a try (Airflow's task start-up, ~2 s, included).

Slots: Celery workers run --concurrency tasks each; the pool gaung_duckdb and the DAGs' max_active_tis_per_dagrun
(4) bound writers at once whatever the executor. The machine and its load are printed: on a shared 2-core box
the figures say more about the executor's overhead than about scale-out, which needs cores per worker.

    python bench/cluster.py [--tenants 60] [--configs celery1,celery2,local] [--concurrency 2] [--pool-slots 4]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ops.cluster import cluster, workload  # noqa: E402

CONFIGS = {"celery1": ("CeleryExecutor", 1), "celery2": ("CeleryExecutor", 2), "local": ("LocalExecutor", 0)}


def busy_seconds(tries: list[workload.Try]) -> float:
    """Length of the union of the tries' [start, end] intervals: time when some task was running."""
    spans = sorted((t.start.timestamp(), t.end.timestamp()) for t in tries if t.start and t.end)
    total, cur_start, cur_end = 0.0, None, None
    for s, e in spans:
        if cur_end is None or s > cur_end:
            if cur_end is not None:
                total += cur_end - cur_start
            cur_start, cur_end = s, e
        else:
            cur_end = max(cur_end, e)
    if cur_end is not None:
        total += cur_end - cur_start
    return total


def one_pass(source: Path, base: Path, name: str, *, concurrency: int, pool_slots: int) -> dict:
    executor, workers = CONFIGS[name]
    home = base / name
    workload.copy_tenants(source, home)
    started = time.monotonic()
    try:
        cluster.start(home, executor=executor, workers=workers, worker_concurrency=concurrency, pool_slots=pool_slots)
        startup = time.monotonic() - started
        t0 = time.time()
        db0 = workload.db_activity(home)
        timing = workload.run_pipeline(workload.Api(home), timeout=5400)
        # PostgreSQL publishes its counters with a short delay.
        time.sleep(2)
        db1 = workload.db_activity(home)
        tries = [t for t in workload.tries(home) if t.start and t.start.timestamp() >= t0 - 1]
    finally:
        cluster.stop(home)
    tenants = len(workload.table_digests(home))
    steps: dict[str, list[float]] = defaultdict(list)
    for t in tries:
        if t.start and t.end:
            steps[t.task_id.split(".")[-1]].append((t.end - t.start).total_seconds())
    waits = [(t.start - t.queued).total_seconds() for t in tries if t.start and t.queued]
    busy = busy_seconds(tries)
    return {
        "config": name, "executor": executor, "workers": workers,
        "slots": workers * concurrency if executor == "CeleryExecutor" else pool_slots,
        "tenants": tenants, "startup_s": round(startup, 1), "wall_s": round(timing.total, 1),
        "ingest_s": round(timing.ingest, 1), "score_themes_s": round(timing.score_themes, 1),
        "reports_s": round(timing.reports, 1), "tenants_per_min": round(tenants / timing.total * 60, 2),
        "busy_share": round(busy / timing.total, 3), "idle_s": round(timing.total - busy, 1),
        "queue_wait_mean_s": round(sum(waits) / len(waits), 2) if waits else 0.0,
        "task_s_sum": round(sum(sum(v) for v in steps.values()), 1), "tries": len(tries),
        "step_mean_s": {k: round(sum(v) / len(v), 1) for k, v in sorted(steps.items())},
        # Metadata database work per tenant in this pass (heartbeats, state changes, XComs, logs' metadata).
        "db_commits_per_tenant": round((db1["commits"] - db0["commits"]) / max(tenants, 1)),
        "db_rows_written_per_tenant": round(sum(db1[k] - db0[k] for k in ("inserted", "updated", "deleted"))
                                            / max(tenants, 1)),
        "db_growth_kib_per_tenant": round((db1["bytes"] - db0["bytes"]) / 1024 / max(tenants, 1), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=60)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--configs", default="celery1,celery2,local")
    parser.add_argument("--concurrency", type=int, default=2, help="tasks at once per Celery worker")
    parser.add_argument("--pool-slots", type=int, default=4, help="gaung_duckdb pool slots")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    names = [n.strip() for n in args.configs.split(",") if n.strip()]
    unknown = [n for n in names if n not in CONFIGS]
    if unknown:
        parser.error(f"unknown configs {unknown}; choose from {', '.join(CONFIGS)}")
    os.environ.setdefault("GAUNG_SECRET_KEY", "bench-cluster")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    base = Path(tempfile.mkdtemp(prefix="gaung-bench-cluster-"))
    base.chmod(0o755)  # as root, PostgreSQL runs as nobody and must reach its folder
    try:
        source = base / "tenants"
        workload.make_tenants(source, args.tenants, scale=args.scale)
        load = os.getloadavg()
        print(f"{args.tenants} demo tenants (scale {args.scale}); {os.cpu_count()} CPUs, load average "
              f"{load[0]:.1f} at start; Celery --concurrency {args.concurrency}, pool gaung_duckdb {args.pool_slots}")
        results = []
        for name in names:
            r = one_pass(source, base, name, concurrency=args.concurrency, pool_slots=args.pool_slots)
            r["load_after"] = round(os.getloadavg()[0], 1)
            results.append(r)
            print(f"{name:8} {r['executor']:15} workers {r['workers']} slots {r['slots']}: "
                  f"{r['tenants_per_min']:.2f} tenants/min ({r['tenants']} in {r['wall_s']:.0f} s: ingest "
                  f"{r['ingest_s']:.0f} s, scores+themes {r['score_themes_s']:.0f} s, reports {r['reports_s']:.0f} s); "
                  f"busy {r['busy_share']:.0%}, idle {r['idle_s']:.0f} s, queue wait {r['queue_wait_mean_s']:.1f} s/try, "
                  f"{r['tries']} tries, task seconds {r['task_s_sum']:.0f}; step means {r['step_mean_s']}; "
                  f"metadata DB per tenant: {r['db_commits_per_tenant']} commits, {r['db_rows_written_per_tenant']} "
                  f"rows written, {r['db_growth_kib_per_tenant']} KiB; cluster start {r['startup_s']:.0f} s; "
                  f"load {r['load_after']}", flush=True)
        if len(results) > 1:
            ref = results[-1] if results[-1]["config"] == "local" else results[0]
            for r in results:
                if r is not ref:
                    print(f"{r['config']} / {ref['config']}: {r['tenants_per_min'] / ref['tenants_per_min']:.2f}x tenants/min")
        if args.json:
            args.json.write_text(json.dumps(results, indent=2) + "\n")
    finally:
        for name in CONFIGS:
            cluster.stop(base / name)
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
