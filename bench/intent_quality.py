"""Intent quality: per-class precision and recall of the intent rules on the hand-labelled PRDECT-ID
development set (tests/fixtures/devset/), and on chat-style requests and questions, which real reviews
almost never contain: the co-creation phrases from the product brief and the demo's planted requests.

    python bench/intent_quality.py
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from pipelines.demo.businesses import BUSINESSES
from pipelines.feedback.intent import INTENTS, classify_intent

ROOT = Path(__file__).resolve().parents[1]

# Chat lines written for this benchmark from the brief's co-creation cues and common shop questions.
CHAT = [
    ("tolong tambah varian pedas dong kak", "product_idea"), ("semoga ada ukuran jumbo ya", "product_idea"),
    ("kalau bisa gulanya dikurangi min", "product_idea"), ("request warna sage kak", "product_idea"),
    ("mohon dibuat yang tanpa gula", "product_idea"), ("ditunggu varian matcha nya", "product_idea"),
    ("bikin yang ukuran 500ml dong", "product_idea"), ("saran: kemasannya pakai botol kaca", "product_idea"),
    ("lebih baik kalau ada pilihan sachet", "product_idea"),
    ("kak ready stok hari ini?", "question"), ("ongkir ke palu berapa kak?", "question"),
    ("bisa cod ga ke kota baru?", "question"), ("buka jam berapa hari minggu", "question"),
    ("gimana cara pesannya kak", "question"), ("masih ada yang warna hitam?", "question"),
    ("enak banget kopinya, makasih kak", "praise"), ("mantap, langganan terus", "praise"),
    ("pesanan belum datang udah 5 hari", "complaint"), ("botolnya bocor pas nyampe", "complaint"),
    ("kurirnya lama banget", "complaint"), ("ok kak", "praise"), ("👍", "other"), ("alamat sama kayak kemarin ya", "other"),
]


def report(name: str, truth: pl.Series, pred: pl.Series) -> None:
    print(f"\n{name} ({len(truth)} texts)")
    print(f"{'intent':14s} {'support':>7s} {'precision':>9s} {'recall':>7s}")
    for c in INTENTS:
        tp = int(((pred == c) & (truth == c)).sum())
        p, g = int((pred == c).sum()), int((truth == c).sum())
        prec = f"{tp / p:.3f}" if p else "-"
        rec = f"{tp / g:.3f}" if g else "-"
        print(f"{c:14s} {g:7d} {prec:>9s} {rec:>7s}")
    print(f"accuracy {float((pred == truth).mean()):.3f}")


def main() -> None:
    dev = pl.read_csv(ROOT / "tests/fixtures/devset/prdect_id_intent_theme.csv", infer_schema=False)
    report("PRDECT-ID development set (reviews, with star ratings)", dev["intent"], classify_intent(dev["text"], dev["rating"]))
    chat = pl.DataFrame(CHAT, schema=["text", "intent"], orient="row")
    report("chat phrases (brief's co-creation cues, shop questions)", chat["intent"], classify_intent(chat["text"]))
    planted = [t for b in BUSINESSES.values() for theme, lines in b["themes"].items() if theme.startswith("request")
               for t in lines]
    pred = classify_intent(pl.Series(planted))
    print(f"\ndemo planted requests: {int((pred == 'product_idea').sum())} of {len(planted)} recognised as product ideas")
    print(json.dumps(dict(zip(planted, pred.to_list(), strict=True)), ensure_ascii=False, indent=1)
          if (pred != "product_idea").any() else "")


if __name__ == "__main__":
    main()
