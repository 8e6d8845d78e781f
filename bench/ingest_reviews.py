"""Benchmark: 1,000,000 marketplace review rows as CSV through `gaung ingest` to the marts, against a
plain DuckDB read_csv of the same file into a table, in the same run; time and peak memory of each.

    python bench/ingest_reviews.py [--rows 1000000] [--repeat 3] [--texts distinct,repeated]

Two files, each measured against its own plain read:
- distinct (the figure that counts): PRDECT-ID's columns and its 5,400 real Tokopedia reviews, repeated to
  the number of rows with every review text made distinct by its row number appended, as real reviews are
  (a real export rarely holds the same text twice, and a benchmark on repeated texts flatters every step that
  works on distinct values);
- repeated: Shopee's layout with template answers and ten free texts, the figure earlier versions printed.

Target: the whole ingest (parse, template split, lineage, quarantine, staging and marts with
pseudonymised authors) within 2x the plain read, under 2 GB peak.

Both sides are timed the same way: as a whole command in its own Python process, from its start until it
has exited, its warehouse file closed. `gaung ingest` is a command; the plain read is the script a person
would run for it (import duckdb, read_csv into a table, close). The plain read's time inside its process
(import and read, without interpreter start, close and exit) is printed beside it, as earlier runs timed it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).parent / "out"
PRDECT = Path(__file__).parent.parent / "tests" / "fixtures" / "marketplace" / "tokopedia" / "PRDECT-ID_Dataset.csv"
TEXTS = ["Kemasan:rapi.\nRasa:enak.\n", "", "", "Kualitas:bagus. Kemasan:aman. "]
FREE = ["enak bgt kak, gula arennya kerasa", "pengiriman lama bgt, 5 hari baru nyampe", "botolnya bocor pas dateng",
        "request varian less sugar dong kak", "mantap, langganan terus", "kurang manis menurut aku", "seller ramah, fast respon",
        "barang sesuai deskripsi", "wa aku ya 0812-3456-7890 buat order lagi", "ukuran kekecilan, semoga ada size jumbo"]


def generate_distinct(path: Path, n: int) -> None:
    """n reviews in PRDECT-ID's layout, its real rows in turn, each review text made distinct by its row number."""
    import polars as pl

    real = pl.read_csv(PRDECT, infer_schema=False)
    rows = real.select(pl.all().gather(pl.int_range(n, eager=True) % real.height))
    rows.with_columns(pl.concat_str(pl.col("Customer Review"), pl.lit(" #"), pl.int_range(n).cast(pl.String))
                      .alias("Customer Review")).write_csv(path)


def generate(path: Path, n: int, seed: int = 3) -> None:
    """n reviews in Shopee's flattened CSV layout, written column-wise with polars (texts repeat)."""
    import polars as pl

    rng = pl.int_range(n, eager=True)
    df = pl.DataFrame({
        "cmtid": rng + 9_000_000_000,
        "ctime": 1_700_000_000 + (rng * 37) % 31_536_000,
        "author_username": pl.Series([f"{chr(97 + i % 26)}*****{i % 10}" for i in range(n)]),
        "comment": pl.Series([TEXTS[(i * 7 + seed) % 4] + FREE[(i * 13 + seed) % 10] + ("" if i % 3 else f" #{i % 997}")
                              for i in range(n)]),
        "rating_star": (rng * 31 + seed) % 5 + 1,
        "product_name": pl.Series([f"Kopi Susu {i % 40}" for i in range(n)]),
        "model_name": pl.Series(["1L", "500ml", "Less Sugar"] * (n // 3) + ["1L"] * (n % 3)),
    })
    df.write_csv(path)


PLAIN = """
import sys, time
start = time.perf_counter()
import duckdb
con = duckdb.connect(sys.argv[1])
con.execute("set enable_progress_bar = false")  # its bar would mix into the stdout parsed below
con.execute("create table reviews as select * from read_csv(?, all_varchar = true)", [sys.argv[2]])
n = con.execute("select count(*) from reviews").fetchall()[0][0]
print(n, time.perf_counter() - start)
con.close()
"""


def child(mode: str, path: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "GAUNG_HOME": tmp, "GAUNG_SECRET_KEY": "bench"}
        if mode == "gaung":
            subprocess.run([sys.executable, "-m", "pipelines.cli", "tenants", "add", "bench", "--name", "Bench"],
                           env=env, check=True, capture_output=True)
        start = time.perf_counter()
        extra = {}
        if mode == "duckdb":
            proc = subprocess.run([sys.executable, "-c", PLAIN, str(Path(tmp) / "plain.duckdb"), path],
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                raise SystemExit(proc.stderr[-3000:])
            rows, inside = proc.stdout.split()
            n, extra = int(rows), {"in_process_seconds": float(inside)}
        else:
            proc = subprocess.run([sys.executable, "-m", "pipelines.cli", "ingest", path, "--tenant", "bench", "--json"],
                                  env=env, capture_output=True, text=True)
            if proc.returncode != 0:
                raise SystemExit(proc.stderr[-3000:])
            n = json.loads(proc.stdout.splitlines()[0])["rows_loaded"]
        seconds = time.perf_counter() - start
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    print(json.dumps({"seconds": seconds, "rows": n, "peak_rss_mb": peak, **extra}))


def measure(path: Path, repeat: int) -> dict[str, dict]:
    """Both commands on one file, alternated so that a noisy moment of the machine hits both; the median runs."""
    runs: dict[str, list[dict]] = {"duckdb": [], "gaung": []}
    for _ in range(repeat):
        for mode in ("duckdb", "gaung"):
            proc = subprocess.run([sys.executable, __file__, "--child", mode, str(path)], capture_output=True, text=True)
            if proc.returncode != 0:
                raise SystemExit(f"{mode}: failed\n{proc.stderr[-3000:]}")
            runs[mode].append(json.loads(proc.stdout.strip().splitlines()[-1]))
    results = {}
    for mode, rs in runs.items():
        results[mode] = r = sorted(rs, key=lambda x: x["seconds"])[len(rs) // 2]  # the median run
        r["all_seconds"] = [round(x["seconds"], 2) for x in rs]
        label = "plain DuckDB read_csv" if mode == "duckdb" else "gaung ingest to marts"
        print(f"  {label:24s} {r['rows']:>9,} rows  {r['seconds']:6.2f} s  {r['rows'] / r['seconds']:>9,.0f} rows/s  "
              f"peak {r['peak_rss_mb']:6.0f} MB   (median of {r['all_seconds']})", flush=True)
        if mode == "duckdb":
            inside = sorted(x["in_process_seconds"] for x in rs)[len(rs) // 2]
            print(f"  {'':24s} inside its process (import and read only): median {inside:.2f} s")
    ratio = results["gaung"]["seconds"] / results["duckdb"]["seconds"]
    results["ratio"] = ratio
    print(f"  gaung / plain read: {ratio:.2f}x the time (target <= 2x); peak {results['gaung']['peak_rss_mb']:.0f} MB "
          "(target < 2048)", flush=True)
    return results


FILES = {
    "distinct": ("prdect_distinct_{n}.csv", generate_distinct,
                 "PRDECT-ID columns, real Tokopedia review texts, every text distinct"),
    "repeated": ("shopee_reviews_{n}.csv", generate, "Shopee layout, template answers and ten texts repeated"),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each, the median reported")
    ap.add_argument("--texts", default="distinct,repeated", help="which files: distinct, repeated or both (default)")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    OUT.mkdir(exist_ok=True)
    results = {}
    for kind in args.texts.split(","):
        name, make, what = FILES[kind]
        path = OUT / name.format(n=args.rows)
        if not path.exists():
            make(path, args.rows)
        print(f"{kind}: {what} ({path.name}, {path.stat().st_size / 1e6:.0f} MB)", flush=True)
        results[kind] = measure(path, args.repeat)
    (OUT / "ingest_reviews.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
