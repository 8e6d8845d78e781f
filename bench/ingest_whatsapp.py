"""Benchmark: a 1,000,000-message WhatsApp export through Gaung and through the peers whatstk and chat-miner.

The default file is real-shaped: message texts built from clauses of real Indonesian reviews and customer
texts (the PRDECT-ID reviews and the intent devset), each message distinct, with the short stock replies,
left-out media, deleted and edited messages, system lines, multi-line messages and hundreds of senders
(numbers and names) of a busy business chat; `--texts repeated` keeps the earlier file of ten repeated
texts beside it. Both use English Android 12-hour headers ('8/8/20, 9:36 AM - Name: text'), which every
peer reads.

Each measurement runs in its own process on the same file, with its peak RSS:
- gaung-parse: Gaung's parser alone, from the import to a finished table (what the peers do);
- gaung-ingest: `gaung ingest` as a whole command, a process timed from its start until it has exited,
  models, lineage and warehouse file included (as bench/ingest_reviews.py times it);
- whatstk: `df_from_whatsapp(path, max_size=None)` as its documentation shows (automatic header detection);
  where that fails (it does on real texts), the bench says so; and whatstk with the header given
  (`hformat=...`), its fastest way;
- chat-miner: `WhatsAppParser(path).parse_file()`;
- duckdb-lines: no parser at all, a floor: DuckDB storing the file's lines in a table of a new database file
  (`read_csv` of one text column), a whole process timed as gaung-ingest is. Any ingest that keeps the chat in
  DuckDB pays at least this.
Gaung's whole ingest is compared with the faster whatstk figure and with chat-miner, and set beside the floor.

    python bench/ingest_whatsapp.py [--messages 1000000] [--texts distinct|repeated] [--repeat 1]
                                    [--only gaung-parse,gaung-ingest,whatstk,whatstk-hformat,chat-miner,duckdb-lines]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

OUT = Path(__file__).parent / "out"
FIXTURES = Path(__file__).parent.parent / "tests" / "fixtures"
HFORMAT = "%m/%d/%y, %I:%M %p - %name:"
NAMES = ["Rina Wati", "Budi", "+62 857-1234-5678", "Kopi Senja", "Dewi Lestari", "~ Sari", "Andi 🤓", "+62 812-9876-5432"]
TEXTS = ["kak ready stok ga?", "pengiriman lama bgt kak 😭", "enak bgt kopinya, gula arennya kerasa",
         "request varian less sugar dong", "ok kak makasih", "<Media omitted>", "This message was deleted",
         "alamat: Jl. Merdeka No. 10\nRT 01/RW 02\nJambi", "bisa cod ga kak?", "👍"]
# Short replies people send again and again, and the lines Android writes for media and deleted messages.
STOCK = ["ok kak", "makasih kak", "siap", "iya kak", "👍", "🙏", "oke", "baik kak", "ditunggu ya kak", "sama2 kak",
         "<Media omitted>", "<Media omitted>", "<Media omitted>", "This message was deleted", "null"]
SYSTEM = ["{a} joined using this group's invite link", "{a} left", "{b} added {a}", "{b} removed {a}",
          "{a} changed their phone number to a new number. Tap to message or add the new number."]
ENCRYPTION = ("Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, "
              "can read or listen to them.")


def _header(at: datetime) -> str:
    return f"{at.month}/{at.day}/{at:%y}, {at:%-I:%M %p} - "


def generate_repeated(path: Path, n: int, seed: int = 1) -> None:
    """n messages drawn from ten texts and eight senders (the earlier bench file), some multi-line."""
    rng = random.Random(seed)
    at = datetime(2023, 1, 1, 8, 0)
    with path.open("w", encoding="utf-8") as fh:
        fh.write(_header(at) + ENCRYPTION + "\n")
        for _ in range(n - 1):
            at += timedelta(seconds=rng.randint(5, 120))
            fh.write(f"{_header(at)}{rng.choice(NAMES)}: {rng.choice(TEXTS)}\n")


def _clauses() -> list[str]:
    """Clauses of real customer texts: PRDECT-ID's Tokopedia reviews and the intent devset's texts."""
    import polars as pl

    texts = pl.concat([
        pl.read_csv(FIXTURES / "devset" / "intent_devset.csv", infer_schema=False)["text"],
        pl.read_csv(FIXTURES / "marketplace" / "tokopedia" / "PRDECT-ID_Dataset.csv", infer_schema=False)["Customer Review"],
    ]).drop_nulls().to_list()
    return [c.strip() for t in texts for c in re.split(r"(?<=[.!?,])\s+", t) if len(c.strip()) > 2]


def _senders(rng: random.Random) -> list[str]:
    """Hundreds of senders as an export writes them: saved names, '~ name' of unsaved ones, bare numbers."""
    numbers = [f"+62 8{rng.randint(11, 99)}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}" for _ in range(180)]
    first = ["Rina", "Budi", "Dewi", "Andi", "Sari", "Agus", "Putri", "Rizky", "Nur", "Eka", "Wahyu", "Fitri", "Yusuf",
             "Indah", "Bayu", "Lestari", "Dimas", "Ayu", "Hendra", "Siti"]
    last = ["", " Wati", " Santoso", " Lestari", " Pratama", " Hidayat", " Kurniawan", " 🌸", " Olshop", " (Reseller)"]
    named = sorted({rng.choice(first) + rng.choice(last) for _ in range(150)})
    return numbers + named + [f"~ {rng.choice(first)}" for _ in range(20)] + ["Kopi Senja", "Kopi Senja Admin"]


def generate_distinct(path: Path, n: int, seed: int = 1) -> None:
    """n messages, each text distinct (its number at the end): clauses of real texts, ~12% stock replies and
    media/deleted lines, ~5% multi-line, ~1% edited, ~0.5% with a phone number, ~0.2% system lines."""
    clauses = _clauses()
    rng = random.Random(seed)
    senders = _senders(rng)
    at = datetime(2023, 1, 1, 8, 0)
    with path.open("w", encoding="utf-8") as fh:
        fh.write(_header(at) + ENCRYPTION + "\n")
        for i in range(n - 1):
            at += timedelta(seconds=rng.randint(5, 120))
            r = rng.random()
            if r < 0.002:
                fh.write(_header(at) + rng.choice(SYSTEM).format(a=rng.choice(senders), b=rng.choice(senders)) + "\n")
                continue
            if r < 0.122:
                body = rng.choice(STOCK)
            else:
                k = rng.choice((1, 1, 1, 2, 3))
                j = rng.randrange(len(clauses) - k)
                body = ("\n" if rng.random() < 0.05 else " ").join(clauses[j:j + k]) + f" {i}"
                if rng.random() < 0.005:
                    body += f" wa aku ya 08{rng.randint(11, 99)}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
                if rng.random() < 0.01:
                    body += " <This message was edited>"
            fh.write(f"{_header(at)}{rng.choice(senders)}: {body}\n")


GAUNG_PARSE = """
import sys, time
start = time.perf_counter()
from pathlib import Path
from pipelines.ingest.whatsapp_export import TABLE, parse
n = parse(Path(sys.argv[1]).read_bytes(), sys.argv[1]).tables[TABLE].height
print(n, time.perf_counter() - start)
"""

# The floor: the file's lines stored in a DuckDB table, nothing parsed (a separator byte no text holds).
DUCKDB_LINES = """
import sys, duckdb
con = duckdb.connect(sys.argv[2])
con.execute("set enable_progress_bar = false")
con.execute("create table lines as select * from read_csv(?, columns = {'line': 'VARCHAR'}, delim = chr(1), quote = '',"
            " escape = '', header = false, auto_detect = false, strict_mode = false)", [sys.argv[1]])
print(con.execute("select count(*) from lines").fetchone()[0])
con.close()
"""


def _peer(name: str, path: str) -> int:
    """Messages a peer reads from the file (imports included in its time)."""
    if name in ("whatstk", "whatstk-hformat"):
        from whatstk import df_from_whatsapp

        if name == "whatstk":
            return len(df_from_whatsapp(path, max_size=None))
        return len(df_from_whatsapp(path, hformat=HFORMAT, max_size=None))
    import logging

    from chatminer.chatparsers import WhatsAppParser

    logging.disable(logging.INFO)
    parser = WhatsAppParser(path)
    parser.parse_file()
    return len(parser.parsed_messages.get_df())


def child(name: str, path: str) -> None:
    """Run one measurement and print {seconds, messages, peak_rss_mb} as JSON."""
    extra: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "GAUNG_HOME": tmp, "GAUNG_SECRET_KEY": "bench", "TQDM_DISABLE": "1"}
        if name == "gaung-ingest":
            subprocess.run([sys.executable, "-m", "pipelines.cli", "tenants", "add", "bench", "--name", "Bench"],
                           env=env, check=True, capture_output=True)
        start = time.perf_counter()
        if name == "gaung-ingest":
            proc = subprocess.run([sys.executable, "-m", "pipelines.cli", "ingest", path, "--tenant", "bench", "--json"],
                                  env=env, capture_output=True, text=True)
            if proc.returncode != 0:
                raise SystemExit(proc.stderr[-3000:])
            n = json.loads(proc.stdout.splitlines()[0])["rows_loaded"]
        elif name == "duckdb-lines":
            proc = subprocess.run([sys.executable, "-c", DUCKDB_LINES, path, str(Path(tmp) / "lines.duckdb")],
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                raise SystemExit(proc.stderr[-3000:])
            n = int(proc.stdout.split()[0])
        elif name == "gaung-parse":
            proc = subprocess.run([sys.executable, "-c", GAUNG_PARSE, path], env=env, capture_output=True, text=True)
            if proc.returncode != 0:
                raise SystemExit(proc.stderr[-3000:])
            rows, inside = proc.stdout.split()
            n, extra = int(rows), {"in_process_seconds": float(inside)}
        else:
            n = _peer(name, path)
        seconds = time.perf_counter() - start
    if name.startswith("gaung"):
        seconds = extra.pop("in_process_seconds", seconds)  # the parser: from its import to its table, as the peers
    usage = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print(json.dumps({"seconds": seconds, "messages": n, "peak_rss_mb": usage / 1024, **extra}))


LABELS = {"gaung-parse": "gaung parser", "gaung-ingest": "gaung ingest", "whatstk": "whatstk (auto)",
          "whatstk-hformat": "whatstk (hformat)", "chat-miner": "chat-miner", "duckdb-lines": "duckdb lines (floor)"}


def _failure(stderr: str) -> str:
    """The last line of a traceback: the exception and its message."""
    lines = [ln for ln in stderr.strip().splitlines() if ln.strip()]
    return lines[-1] if lines else "no output"


def _compare(results: dict[str, dict]) -> None:
    """Gaung's parser and whole ingest against the faster whatstk figure and chat-miner: time and memory ratios."""
    whatstk = [results[k] | {"name": k} for k in ("whatstk", "whatstk-hformat") if k in results]
    peers = [min(whatstk, key=lambda r: r["seconds"])] if whatstk else []
    peers += [results["chat-miner"] | {"name": "chat-miner"}] if "chat-miner" in results else []
    for mine in ("gaung-parse", "gaung-ingest"):
        for p in peers if mine in results else []:
            g = results[mine]
            print(f"{LABELS[mine]} vs {LABELS[p['name']]}: {p['seconds'] / g['seconds']:.1f}x as fast, "
                  f"{g['peak_rss_mb'] / p['peak_rss_mb']:.2f}x the memory")
    if "gaung-ingest" in results and "duckdb-lines" in results:
        print(f"gaung ingest vs the floor (its lines stored in DuckDB, nothing parsed): "
              f"{results['gaung-ingest']['seconds'] / results['duckdb-lines']['seconds']:.1f}x the time")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--texts", choices=("distinct", "repeated"), default="distinct")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each (alternated), the median reported")
    ap.add_argument("--only", default="gaung-parse,gaung-ingest,whatstk,whatstk-hformat,chat-miner,duckdb-lines")
    ap.add_argument("--child", nargs=2, metavar=("PARSER", "FILE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    OUT.mkdir(exist_ok=True)
    path = OUT / f"WhatsApp Chat with Bench {args.texts} {args.messages}.txt"
    if not path.exists():
        t0 = time.perf_counter()
        (generate_distinct if args.texts == "distinct" else generate_repeated)(path, args.messages)
        print(f"generated {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s")
    names = args.only.split(",")
    runs: dict[str, list[dict]] = {name: [] for name in names}
    for _ in range(args.repeat):  # alternated, so a noisy moment of the machine hits every one
        for name in [n for n in names if n in runs]:
            proc = subprocess.run([sys.executable, __file__, "--child", name, str(path)], capture_output=True, text=True)
            if proc.returncode != 0:
                print(f"{LABELS[name]:20s} failed: {_failure(proc.stderr)}", flush=True)
                del runs[name]
                continue
            runs[name].append(json.loads(proc.stdout.strip().splitlines()[-1]))
    results = {}
    for name, rs in runs.items():
        results[name] = r = sorted(rs, key=lambda x: x["seconds"])[len(rs) // 2]  # the median run
        r["all_seconds"] = [round(x["seconds"], 2) for x in rs]
        unit = "lines   " if name == "duckdb-lines" else "messages"
        print(f"{LABELS[name]:20s} {r['messages']:>9,} {unit}  {r['seconds']:7.2f} s  "
              f"{r['messages'] / r['seconds']:>10,.0f} {unit.strip()}/s  peak {r['peak_rss_mb']:7.0f} MB  {r['all_seconds']}")
    _compare(results)
    (OUT / f"ingest_whatsapp_{args.texts}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
