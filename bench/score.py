"""Benchmark: score 1,000,000 metric snapshots over 50,000 contents and 1,000,000 customer-voice rows.

The rows are written straight into a fresh tenant warehouse's raw tables, the core models are built,
then the scoring stage (content scores, campaigns, trends) runs; each step's time and the peak memory
are printed. Target: scoring under 30 s and 2 GB on the 2-core machine.

    python bench/score.py [--contents 50000] [--snapshots 20] [--voice 1000000] [--texts distinct,repeated]

The customer-voice rows are measured twice: with real review texts (PRDECT-ID's), each made distinct by its
row number, the figure that counts (trends work on distinct texts, and real customers rarely write the same
text twice); and with three-word texts from a list of 24 words, which repeat, as earlier versions measured.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

import polars as pl

from pipelines.ingest.loader import _insert_frame
from pipelines.ingest.schemas import CONTENT, REVIEWS, conform
from pipelines.run import score_stage
from pipelines.settings import Settings
from pipelines.tenants import Campaign, Tenant, add_tenant
from warehouse.build import build_models
from warehouse.connection import connect

WORDS = ["kopi", "susu", "gula", "aren", "enak", "mantap", "pengiriman", "lama", "bocor", "kemasan", "manis", "kurang",
         "pandan", "ukuran", "jumbo", "seller", "ramah", "harga", "murah", "rasa", "botol", "literan", "promo", "ongkir"]
TAGS = [f"#tag{i}" for i in range(40)]


def snapshots(n_contents: int, per: int) -> pl.DataFrame:
    i = pl.int_range(n_contents * per, eager=True)
    content = i // per
    k = i % per
    start = datetime(2026, 1, 1)
    posted = pl.lit(start) + pl.duration(hours=(content * 7) % (330 * 24))
    total = (300 + (content * 7919) % 2000) * pl.when(content % 997 == 0).then(12).otherwise(1)
    return pl.DataFrame({"content": content, "k": k}).with_columns(
        native_id=content.cast(pl.String),
        account=pl.format("acct{}", content % 200),
        platform=pl.when(content % 3 == 0).then(pl.lit("instagram")).otherwise(pl.lit("tiktok")),
        posted_at_utc=posted,
        observed_at_utc=posted + pl.duration(hours=6 + k * 18),
        title=pl.format("video {} {} {}", pl.lit(TAGS[0]), pl.col("content") % 40, pl.lit("kopi")),
    ).with_columns(
        views=(total * (1 - (-(pl.col("k") * 18 + 6) / 60.0).exp())).cast(pl.Int64),
    ).with_columns(
        likes=(pl.col("views") * 0.08).cast(pl.Int64), comments=(pl.col("views") * 0.01).cast(pl.Int64),
        shares=(pl.col("views") * 0.005).cast(pl.Int64), title=pl.concat_str([pl.col("title"), pl.lit(" "),
                                                                             pl.lit(TAGS[1])]),
        locator=pl.format("row {}", pl.col("content")), source_format=pl.lit("bench"), raw_json=pl.lit("{}"),
    )


PRDECT = Path(__file__).parent.parent / "tests" / "fixtures" / "marketplace" / "tokopedia" / "PRDECT-ID_Dataset.csv"


def voice_texts(n: int, kind: str) -> pl.Series:
    """n customer texts: real reviews each made distinct by its row number, or three words of 24 (repeating)."""
    i = pl.int_range(n, eager=True)
    if kind == "distinct":
        real = pl.read_csv(PRDECT, infer_schema=False, columns=["Customer Review"])["Customer Review"]
        # a number, not '#123': digits are no term and no hashtag, so trends see the texts' own words only
        return real.gather(i % real.len()) + " " + i.cast(pl.String)
    words = pl.Series(WORDS)
    three = pl.DataFrame({"a": words.gather((i * 7) % len(WORDS)), "b": words.gather((i * 13 + 1) % len(WORDS)),
                          "c": words.gather((i * 3 + 2) % len(WORDS))})
    return three.select(pl.concat_str(["a", "b", "c"], separator=" ").alias("text"))["text"]


def voice(n: int, kind: str = "distinct") -> pl.DataFrame:
    i = pl.int_range(n, eager=True)
    return pl.DataFrame({"i": i}).with_columns(
        review_id=pl.format("r{}", pl.col("i")), platform=pl.lit("shopee"), source_format=pl.lit("bench"),
        locator_prefix=pl.lit("row "), row_number=pl.col("i").cast(pl.Int32), rating=(pl.col("i") % 5 + 1).cast(pl.Int32),
        text=voice_texts(n, kind),
        author=pl.format("u*****{}", pl.col("i") % 5000), is_anonymous=pl.lit(False), created_at_is_estimated=pl.lit(False),
        created_at_utc=pl.lit(datetime(2026, 1, 1)) + pl.duration(minutes=(pl.col("i") * 17) % (330 * 24 * 60)),
    )


def stage(name: str, home: str) -> None:
    """Run one stage in this process and print its time and peak memory as JSON."""
    settings = Settings(home=Path(home), secret_key="bench")
    from pipelines.tenants import get_tenant

    tenant = get_tenant(settings.tenants_path, "bench")
    start = time.perf_counter()
    if name == "models":
        con = connect(settings.warehouse_path("bench"))
        counts = build_models(con, tenant, settings.master_key)
        con.close()
    else:
        counts = score_stage(tenant, settings=settings)
    print(json.dumps({"seconds": time.perf_counter() - start, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "counts": counts}))


def run(args: argparse.Namespace, kind: str) -> None:
    """One warehouse with the snapshots and voice rows of `kind` texts; its models and scoring, each in a process."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(home=Path(tmp), secret_key="bench")
        tenant = Tenant(id="bench", name="Bench", timezone="Asia/Jakarta", campaigns=[
            Campaign(name="Promo", hashtags=["#tag0"], keywords=["promo"], start=date(2026, 6, 1), end=date(2026, 6, 30))])
        add_tenant(settings.tenants_path, tenant)
        t0 = time.perf_counter()
        snaps, reviews = snapshots(args.contents, args.snapshots), voice(args.voice, kind)
        con = connect(settings.warehouse_path("bench"))
        con.execute("begin")
        _insert_frame(con, "raw.content_snapshots", conform(CONTENT, snaps), "f1", "bench")
        _insert_frame(con, "raw.reviews", conform(REVIEWS, reviews), "f2", "bench")
        con.execute("commit")
        con.close()
        print(f"{kind} texts: {snaps.height:,} snapshots over {args.contents:,} contents, {reviews.height:,} voice rows "
              f"(generated and loaded in {time.perf_counter() - t0:.1f} s)")
        del snaps, reviews
        for name, label in (("models", "core models (staging, marts)"), ("score", "scoring (scores, campaigns, trends)")):
            proc = subprocess.run([sys.executable, __file__, "--stage", name, tmp], capture_output=True, text=True)
            if proc.returncode:
                raise SystemExit(proc.stderr[-3000:])
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            print(f"{label:38s} {r['seconds']:6.2f} s   peak {r['peak_mb']:6.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--contents", type=int, default=50_000)
    ap.add_argument("--snapshots", type=int, default=20)
    ap.add_argument("--voice", type=int, default=1_000_000)
    ap.add_argument("--texts", default="distinct,repeated", help="voice texts: distinct, repeated or both (default)")
    ap.add_argument("--stage", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.stage:
        stage(*args.stage)
        return
    for kind in args.texts.split(","):
        run(args, kind)
    print("target: scoring under 30 s and 2,048 MB")


if __name__ == "__main__":
    main()
