"""Intent rules: the brief's co-creation cues, complaints, questions, praise; and a floor on the
hand-labelled PRDECT-ID development set so a change that breaks them shows."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.demo.businesses import BUSINESSES
from pipelines.feedback.intent import classify_intent
from tests.conftest import FIXTURES


@pytest.mark.parametrize(("text", "intent"), [
    ("tolong tambah varian pedas dong kak", "product_idea"),
    ("semoga ada ukuran jumbo ya", "product_idea"),
    ("kalau bisa gulanya dikurangi min", "product_idea"),
    ("request warna sage kak", "product_idea"),
    ("mohon dibuat yang tanpa gula", "product_idea"),
    ("ditunggu varian matcha nya", "product_idea"),
    ("bikin yang ukuran 500ml dong", "product_idea"),
    ("saran: kemasannya pakai botol kaca", "product_idea"),
    ("lebih baik kalau ada pilihan sachet", "product_idea"),
    ("kak ready stok hari ini?", "question"),
    ("ongkir ke palu berapa kak?", "question"),
    ("pesanan belum datang udah 5 hari, kecewa", "complaint"),
    ("botolnya bocor pas nyampe", "complaint"),
    ("enak banget kopinya, makasih kak", "praise"),
    ("", "other"),
])
def test_intents(text: str, intent: str) -> None:
    assert classify_intent(pl.Series([text])).to_list() == [intent]


def test_rating_breaks_ties_and_operational_fixes_stay_complaints() -> None:
    texts = pl.Series(["biasa aja", "biasa aja", "parah, packing tolong lebih diperhatikan", "bagus tapi kemasannya penyok"])
    ratings = pl.Series(["5", "1", "1", "4"])
    assert classify_intent(texts, ratings).to_list() == ["praise", "complaint", "complaint", "complaint"]


def test_every_planted_demo_request_is_a_product_idea() -> None:
    lines = [t for b in BUSINESSES.values() for theme, ls in b["themes"].items() if theme.startswith("request") for t in ls]
    assert set(classify_intent(pl.Series(lines)).to_list()) == {"product_idea"}


def test_development_set_floor() -> None:
    dev = pl.read_csv(FIXTURES / "devset" / "prdect_id_intent_theme.csv", infer_schema=False)
    assert dev.height == 300 and set(dev["intent"].unique()) <= {"product_idea", "complaint", "question", "praise", "other"}
    pred = classify_intent(dev["text"], dev["rating"])
    for label, floor in (("complaint", 0.85), ("praise", 0.85)):
        tp = int(((pred == label) & (dev["intent"] == label)).sum())
        assert tp / int((pred == label).sum()) >= floor and tp / int((dev["intent"] == label).sum()) >= floor
