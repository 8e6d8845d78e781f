"""Benchmark: the weekly report for one demo business (twelve weeks of data), HTML and PDF timed separately.

Builds the demo once in a temporary GAUNG_HOME (ingest, models, scores, themes), then times report_stage for
kopi-senja-jambi several times: HTML only (marts to one self-contained page), and HTML plus PDF (headless
Chromium). Target: under 10 s for one tenant.

    python bench/report.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--tenant", default="kopi-senja-jambi")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="gaung-bench-report-"))
    os.environ["GAUNG_HOME"] = str(home)
    os.environ.setdefault("GAUNG_SECRET_KEY", "bench")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from pipelines.demo.generate import write_demo
    from pipelines.report.build import report_stage
    from pipelines.report.pdf import find_chromium
    from pipelines.run import run_tenant
    from pipelines.settings import Settings
    from pipelines.tenants import load_tenants

    settings = Settings()
    now = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    write_demo(settings, seed=7, end=date(2026, 11, 23))
    tenant = load_tenants(settings.tenants_path)[args.tenant]
    t0 = time.perf_counter()
    run_tenant(tenant, settings=settings, now=now, landing=True)
    print(f"demo pipeline for {tenant.id} (setup, not timed below): {time.perf_counter() - t0:.1f} s")
    timings: dict[str, list[float]] = {"html": [], "html+pdf": []}
    formats = {"html": ("html",), "html+pdf": ("html", "pdf")}
    for label in timings:
        if label == "html+pdf" and find_chromium() is None:
            print("html+pdf: skipped, no Chromium")
            continue
        for _ in range(args.repeat):
            t = time.perf_counter()
            paths = report_stage(tenant, settings=settings, formats=formats[label], now=now)
            timings[label].append(time.perf_counter() - t)
        sizes = ", ".join(f"{p.name} {p.stat().st_size / 1024:.0f} KiB" for p in paths)
        runs = timings[label]
        print(f"{label}: median {statistics.median(runs):.2f} s, best {min(runs):.2f} s, worst {max(runs):.2f} s "
              f"over {len(runs)} runs ({sizes}); target < 10 s")


if __name__ == "__main__":
    main()
