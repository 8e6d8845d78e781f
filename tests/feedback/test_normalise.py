"""Normalisation of informal Indonesian: slang, repeats, units, emoji and negators."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.feedback.normalise import normalise, slang_map


@pytest.mark.parametrize(("raw", "expected"), [
    ("Barangnya bagusss bgt kak, ga nyesel 😍😍", "barang bagus banget kak tidak menyesal 😍 😍"),
    ("brg blm nyampe udh 3 hari 😭", "barang belum sampai sudah 3 hari 😭"),
    ("pesen 2L cuma 50rb kak?", "pesan 2 liter cuma 50 ribu kak ?"),
    ("GAK enak, kurang manis!!!", "tidak enak kurang manis !"),
    ("pengirimannya lama bngt", "pengiriman lama banget"),
    ("ongkir ke jambi brp?", "ongkir ke jambi berapa ?"),
    ("cek https://shope.ee/abc ya", "cek iya"),
])
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(pl.Series([raw])).to_list() == [expected]


def test_negators_are_kept_and_unified() -> None:
    out = normalise(pl.Series(["ga", "gak", "nggak", "tdk", "belum", "bukan", "jangan"])).to_list()
    assert out == ["tidak", "tidak", "tidak", "tidak", "belum", "bukan", "jangan"]


def test_marketplace_words_win_over_the_general_lists() -> None:
    m = slang_map()
    assert (m["brg"], m["ongkir"] if "ongkir" in m else "ongkir", m["bgt"]) == ("barang", "ongkir", "banget")
    assert normalise(pl.Series([None])).to_list() == [None]
