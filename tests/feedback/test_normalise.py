"""Normalisation of informal Indonesian: slang, repeats, units, emoji and negators."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.feedback.normalise import normalise, regional_map, slang_map


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


def test_regional_words_become_indonesian_only_when_asked() -> None:
    raw = pl.Series(["pesanan kada datang", "rasane ora enak", "teu ngeunah", "bangkunya jua tambai pang"])
    assert normalise(raw, regional=True).to_list() == [
        "pesanan tidak datang", "rasanya tidak enak", "tidak ngeunah", "bangkunya juga tambai pang"]
    assert normalise(raw).to_list()[0] == "pesanan kada datang"   # the default leaves them alone


def test_regional_map_leaves_indonesian_words_alone() -> None:
    m = regional_map()
    assert len(m) > 1000
    assert m["kada"] == m["ora"] == m["teu"] == "tidak"
    # Banjarese "nyaman" (tasty) is also Indonesian (comfortable): an Indonesian reader's sense is kept
    assert "nyaman" not in m and "enak" not in m and "tidak" not in m


def test_colloquial_indonesian_wins_over_the_regional_lexicons() -> None:
    # words people write in comments that the NusaX lexicons translate for a regional sense: "gemes" is
    # adorable (not "biadab"), "pegel" is tired (not "benci"), "nagih" is moreish (not "minta")
    m = regional_map()
    assert "gemes" not in m and "pegel" not in m and "nagih" not in m
    assert normalise(pl.Series(["gemes banget", "pegel nunggu", "bikin nagih"]), regional=True).to_list() == [
        "gemas banget", "pegal menunggu", "bikin ketagihan"]


def test_di_written_apart_from_its_verb_joins_it_places_stay() -> None:
    out = normalise(pl.Series(["belum di kirim kak", "barang di bungkus rapi", "di atas meja", "di rumah aja",
                               "di sini enak"])).to_list()
    assert out[0].startswith("belum dikirim") and out[1].startswith("barang dibungkus")
    assert out[2].startswith("di atas") and out[3].startswith("di rumah") and out[4].startswith("di sini")
