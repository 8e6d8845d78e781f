"""Benchmark: parse a 1,000,000-message WhatsApp export with Gaung and with the peers whatstk and chat-miner.

Each parser runs in its own process on the same file (English Android 12-hour headers, which every peer
reads), timed from the start of parsing to a finished table, with the process's peak RSS. Gaung is
measured twice: its parser alone (what the peers do) and the whole `ingest` into a DuckDB warehouse,
lineage and models included. Run with `make bench` (installs the peers as the 'bench' extra).

    python bench/ingest_whatsapp.py [--messages 1000000] [--only gaung,whatstk,chat-miner]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

OUT = Path(__file__).parent / "out"
NAMES = ["Rina Wati", "Budi", "+62 857-1234-5678", "Kopi Senja", "Dewi Lestari", "~ Sari", "Andi 🤓", "+62 812-9876-5432"]
TEXTS = ["kak ready stok ga?", "pengiriman lama bgt kak 😭", "enak bgt kopinya, gula arennya kerasa",
         "request varian less sugar dong", "ok kak makasih", "<Media omitted>", "This message was deleted",
         "alamat: Jl. Merdeka No. 10\nRT 01/RW 02\nJambi", "bisa cod ga kak?", "👍"]


def generate(path: Path, n: int, seed: int = 1) -> None:
    """n messages, English Android 12-hour headers ('8/8/20, 9:36 AM - Name: text'), some multi-line."""
    rng = random.Random(seed)
    at = datetime(2023, 1, 1, 8, 0)
    with path.open("w", encoding="utf-8") as fh:
        fh.write(f"{at.month}/{at.day}/{at:%y}, {at:%-I:%M %p} - Messages and calls are end-to-end encrypted. "
                 "No one outside of this chat, not even WhatsApp, can read or listen to them.\n")
        for _ in range(n - 1):
            at += timedelta(seconds=rng.randint(5, 120))
            fh.write(f"{at.month}/{at.day}/{at:%y}, {at:%-I:%M %p} - {rng.choice(NAMES)}: {rng.choice(TEXTS)}\n")


def child(name: str, path: str) -> None:
    """Run one parser and print {seconds, messages, peak_rss_mb} as JSON."""
    start = time.perf_counter()
    if name == "gaung":
        from pipelines.ingest.whatsapp_export import TABLE, parse

        n = parse(Path(path).read_bytes(), path).tables[TABLE].height
    elif name == "gaung-ingest":
        from datetime import UTC

        from pipelines.ingest.io import Unit
        from pipelines.ingest.loader import ingest_unit
        from pipelines.tenants import Tenant
        from warehouse.build import build_models
        from warehouse.connection import connect

        with tempfile.TemporaryDirectory() as tmp:
            con = connect(Path(tmp) / "bench.duckdb")
            out = ingest_unit(con, "bench", Unit(path, data=Path(path).read_bytes()), fmt=None,
                              ingested_at=datetime.now(UTC))
            build_models(con, Tenant(id="bench", name="Bench"), b"bench-key")
            n = out.rows_loaded
            con.close()
    elif name == "whatstk":
        from whatstk import df_from_whatsapp

        n = len(df_from_whatsapp(path, max_size=None))
    elif name == "chat-miner":
        import logging

        from chatminer.chatparsers import WhatsAppParser

        logging.disable(logging.INFO)
        parser = WhatsAppParser(path)
        parser.parse_file()
        n = len(parser.parsed_messages.get_df())
    else:
        raise SystemExit(f"unknown parser {name}")
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "messages": n, "peak_rss_mb": peak}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--only", default="gaung,gaung-ingest,whatstk,chat-miner")
    ap.add_argument("--child", nargs=2, metavar=("PARSER", "FILE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    OUT.mkdir(exist_ok=True)
    path = OUT / f"WhatsApp Chat with Bench {args.messages}.txt"
    if not path.exists():
        t0 = time.perf_counter()
        generate(path, args.messages)
        print(f"generated {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s")
    results = {}
    for name in args.only.split(","):
        proc = subprocess.run([sys.executable, __file__, "--child", name, str(path)], capture_output=True, text=True,
                              env={**__import__("os").environ, "TQDM_DISABLE": "1"})
        if proc.returncode != 0:
            print(f"{name}: failed\n{proc.stderr[-2000:]}")
            continue
        results[name] = json.loads(proc.stdout.strip().splitlines()[-1])
        r = results[name]
        print(f"{name:13s} {r['messages']:>9,} messages  {r['seconds']:7.2f} s  "
              f"{r['messages'] / r['seconds']:>10,.0f} msg/s  peak {r['peak_rss_mb']:7.0f} MB", flush=True)
    if "gaung" in results:
        g = results["gaung"]
        for peer in ("whatstk", "chat-miner"):
            if peer in results:
                p = results[peer]
                print(f"gaung vs {peer}: {p['seconds'] / g['seconds']:.1f}x faster, "
                      f"{g['peak_rss_mb'] / p['peak_rss_mb']:.2f}x the memory")
    (OUT / "ingest_whatsapp.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
