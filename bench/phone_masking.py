"""Benchmark: mask phone numbers in 100,000 real-length customer texts with Gaung's rule (Python re, and the
same patterns in DuckDB as staging runs them) and with libphonenumber's matcher (phonenumbers,
PhoneNumberMatcher for region ID), the peer. Prints time per rule, the ratio, and how the two agree.

Texts: real reviews and comments (Tokopedia PRDECT-ID, SmSA), each once, then pairs of them joined to
reach the count (every text distinct, real lengths). One text in ten gets a phone number written the
way people write them (mobile and landline, +62/62/0 prefixes, parentheses, any grouping); the spans are
known, so recall is measured, and on the untouched texts anything masked is a false alarm.

    python bench/phone_masking.py [--texts 100000] [--peer-texts 100000]
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import time
from pathlib import Path

import duckdb

from pipelines.privacy import mask_phones_in_text, sql_mask_phones

FIXTURES = Path(__file__).parents[1].parent / "shared" / "fixtures"


def real_texts() -> list[str]:
    texts: list[str] = []
    csv.field_size_limit(sys.maxsize)
    with (FIXTURES / "marketplace" / "tokopedia" / "PRDECT-ID_Dataset.csv").open(encoding="utf-8") as fh:
        texts += [row["Customer Review"] for row in csv.DictReader(fh) if row["Customer Review"]]
    for name in ("train_preprocess.tsv", "valid_preprocess.tsv", "test_preprocess.tsv"):
        path = FIXTURES / "text" / "smsa" / name
        if path.exists():
            texts += [line.rsplit("\t", 1)[0] for line in path.read_text(encoding="utf-8").splitlines() if line]
    return list(dict.fromkeys(t.strip() for t in texts if t.strip()))


# Indonesian mobile operator codes in use (Telkomsel, Indosat, XL, Axis, Smartfren, Tri)
OPERATORS = ["811", "812", "813", "821", "822", "823", "851", "852", "853", "814", "815", "816", "855", "856",
             "857", "858", "817", "818", "819", "859", "877", "878", "831", "832", "833", "838", "881", "882",
             "883", "884", "885", "886", "887", "888", "889", "895", "896", "897", "898", "899"]


def phone(rng: random.Random) -> str:
    """A number as people write it: mobile or landline, with any of the usual prefixes and groupings."""
    if rng.random() < 0.75:
        op, rest = rng.choice(OPERATORS), "".join(str(rng.randint(0, 9)) for _ in range(rng.choice([7, 8, 8, 8, 9])))
        shapes = [f"0{op}{rest}", f"0{op}-{rest[:4]}-{rest[4:]}", f"0{op} {rest[:4]} {rest[4:]}",
                  f"({'0' + op}) {rest[:4]}-{rest[4:]}", f"+62 ({op}) {rest[:4]} {rest[4:]}", f"+62{op}{rest}",
                  f"62{op}{rest}", f"+62 {op}-{rest[:4]}-{rest[4:]}", f"0{op} {rest[:3]} {rest[3:6]} {rest[6:]}",
                  f"0{op}.{rest[:4]}.{rest[4:]}"]
    else:
        area = rng.choice(["21", "22", "24", "31", "61", "274", "341", "361", "411", "711"])
        sub = str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(6 if len(area) == 2 else 5))
        shapes = [f"0{area}-{sub}", f"(0{area}) {sub}", f"0{area} {sub[:3]} {sub[3:]}", f"+62 {area} {sub}"]
    return rng.choice(shapes)


def corpus(n: int, seed: int = 7) -> tuple[list[str], list[str | None]]:
    rng = random.Random(seed)
    base = real_texts()
    texts = list(base[:n])
    seen = set(texts)
    while len(texts) < n:
        t = f"{rng.choice(base)} {rng.choice(base)}"
        if t not in seen:
            seen.add(t)
            texts.append(t)
    numbers: list[str | None] = [None] * n
    for i in rng.sample(range(n), n // 10):
        numbers[i] = phone(rng)
        words = texts[i].split(" ")
        at = rng.randint(0, len(words))
        texts[i] = " ".join([*words[:at], rng.choice(["wa", "hub", "nomor", "kontak"]), numbers[i], *words[at:]])
    return texts, numbers


def peer_mask(texts: list[str]) -> list[str]:
    import phonenumbers

    out = []
    for text in texts:
        spans = [(m.start, m.end) for m in phonenumbers.PhoneNumberMatcher(text, "ID")]
        for start, end in reversed(spans):
            text = text[:start] + "<phone>" + text[end:]
        out.append(text)
    return out


def judge(texts: list[str], numbers: list[str | None], masked: list[str], indices: list[int]) -> tuple[float, float]:
    """(share of injected numbers whose middle digits are gone, share of clean texts changed)."""
    hit = total = alarms = clean = 0
    for i in indices:
        if numbers[i] is not None:
            total += 1
            digits = re.sub(r"\D", "", numbers[i])
            hit += digits[-6:-2] not in re.sub(r"\D", "", masked[i])
        else:
            clean += 1
            alarms += masked[i] != texts[i]
    return hit / max(total, 1), alarms / max(clean, 1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--texts", type=int, default=100_000)
    ap.add_argument("--peer-texts", type=int, default=100_000, help="texts given to the peer (it is slower)")
    args = ap.parse_args()
    texts, numbers = corpus(args.texts)
    chars = sum(map(len, texts)) / len(texts)
    print(f"{len(texts):,} distinct texts, mean {chars:.0f} characters, {sum(n is not None for n in numbers):,} with a number")

    t = time.perf_counter()
    ours = [mask_phones_in_text(x) for x in texts]
    t_py = time.perf_counter() - t

    con = duckdb.connect()
    con.execute("create table t as select * from unnest(?) as u(text)", [texts])
    t = time.perf_counter()
    ours_sql = [r[0] for r in con.execute(f"select {sql_mask_phones('text')} from t").fetchall()]
    t_sql = time.perf_counter() - t
    same_sql = sum(a == b for a, b in zip(ours, ours_sql, strict=True))

    k = min(args.peer_texts, len(texts))
    t = time.perf_counter()
    peer = peer_mask(texts[:k])
    t_peer = time.perf_counter() - t

    idx = list(range(k))
    r_ours, fa_ours = judge(texts, numbers, ours, idx)
    r_peer, fa_peer = judge(texts, numbers, peer, idx)
    print(f"gaung regex, Python      : {t_py:6.2f} s  ({len(texts) / t_py:,.0f} texts/s)")
    print(f"gaung regex, DuckDB/RE2  : {t_sql:6.2f} s  ({len(texts) / t_sql:,.0f} texts/s); same output as Python on {same_sql:,}/{len(texts):,}")
    print(f"phonenumbers (peer), {k:,}: {t_peer:6.2f} s  ({k / t_peer:,.0f} texts/s)")
    print(f"peer / gaung Python time per text: {(t_peer / k) / (t_py / len(texts)):.1f}x")
    print(f"on the first {k:,}: numbers masked  gaung {r_ours:.2%}  peer {r_peer:.2%}")
    print(f"                 other texts changed gaung {fa_ours:.3%}  peer {fa_peer:.3%}"
          " (texts with no number put in; the real texts hold some numbers of their own)")


if __name__ == "__main__":
    main()
