"""Normalise informal Indonesian (chat, comments, reviews) column-wise: case, repeated letters, slang to
standard forms, numbers with units, emoji kept as signals, negators kept and unified ("ga", "gak",
"nggak" all become "tidak").

The slang lists (IndoCollex, the combined slang list; see data/ATTRIBUTION.md) are merged with
IndoCollex winning, and a few marketplace words win over both ("brg" is barang in a shop, not bareng).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

import polars as pl

# Marketplace and chat words where the general lists are wrong for a shop, or would split a term people
# search for ("ongkir" stays one word).
MARKETPLACE = {
    "brg": "barang", "barangnya": "barang", "ongkir": "ongkir", "ongkos kirim": "ongkir", "bgt": "banget",
    "bngt": "banget", "bangett": "banget", "mantul": "mantap", "mantab": "mantap", "seler": "seller",
    "sellernya": "seller", "cod": "cod", "pengirimannya": "pengiriman", "pengirimanya": "pengiriman",
    "packing": "kemasan", "packingnya": "kemasan", "kemasannya": "kemasan", "paketnya": "paket", "kurir": "kurir",
    "kurirnya": "kurir", "ga": "tidak", "gak": "tidak", "nggak": "tidak", "ngga": "tidak", "enggak": "tidak",
    "engga": "tidak", "gk": "tidak", "g": "tidak", "tdk": "tidak", "ndak": "tidak", "blm": "belum", "udh": "sudah",
    "udah": "sudah", "sdh": "sudah", "dah": "sudah", "pesenan": "pesanan", "pesen": "pesan", "nyampe": "sampai",
    "nyampai": "sampai", "sampe": "sampai", "dateng": "datang", "dtg": "datang", "rekomen": "rekomendasi",
    "recommended": "rekomendasi", "recomended": "rekomendasi", "ori": "original", "kw": "palsu", "cs": "admin",
    "min": "admin", "mimin": "admin", "kak": "kak", "ka": "kak", "kakak": "kak", "sis": "kak", "gan": "kak",
    # the general lists are wrong for these in a shop: "katanya" is hearsay, not "saya dengar"; a "gepeng" parcel
    # is crushed; "30s" is a cotton yarn count, not thirty seconds
    "katanya": "katanya", "gepeng": "penyok", "penyet": "penyok", "20s": "20s", "24s": "24s", "30s": "30s",
    "40s": "40s",
}
UNITS = [
    (r"(\d+(?:[.,]\d+)?)\s*(?:l|lt|ltr|liter|litre)\b", "$1 liter"),
    (r"(\d+(?:[.,]\d+)?)\s*(?:ml|mili)\b", "$1 ml"),
    (r"(\d+(?:[.,]\d+)?)\s*(?:kg|kilo)\b", "$1 kg"),
    (r"(\d+(?:[.,]\d+)?)\s*(?:gr|gram|g)\b", "$1 gram"),
    (r"(\d+(?:[.,]\d+)?)\s*(?:rb|ribu|k)\b", "$1 ribu"),
    (r"(\d+(?:[.,]\d+)?)\s*(?:jt|juta)\b", "$1 juta"),
    (r"(\d+(?:[.,]\d+)?)\s*(?:cm|senti)\b", "$1 cm"),
    (r"\b(x{1,4}l|[sml])\b", "size_$1"),
]
TOKEN = r"[a-z0-9_#]+|[?!]|\p{Extended_Pictographic}"


def _read(name: str) -> str:
    return resources.files("pipelines.feedback").joinpath("data", name).read_text(encoding="utf-8")


@cache
def slang_map() -> dict[str, str]:
    """Informal word -> standard form: combined slang list, then IndoCollex, then marketplace words."""
    mapping: dict[str, str] = {}
    for k, v in json.loads(_read("slang_combined.json")).items():
        mapping[k.strip().lower()] = v.strip().lower()
    for line in _read("indocollex_informal_formal.tsv").splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0].strip():
            mapping[parts[0].strip().lower()] = parts[1].strip().lower()
    mapping.update(MARKETPLACE)
    return {k: v for k, v in mapping.items() if k != v and " " not in k and k.isascii()}


def normalise_expr(text: pl.Expr) -> pl.Expr:
    """Normalised text: tokens of the mapped words, numbers with units, '?', '!' and emoji, space-separated."""
    s = text.str.to_lowercase().str.replace_all(r"https?://\S+", " ")
    for letter in "abcdefghijklmnopqrstuvwxyz":
        s = s.str.replace_all(f"{letter}{{3,}}", letter)
    s = s.str.replace_all(r"([!?])[!?]+", "$1")
    for pattern, replacement in UNITS:
        s = s.str.replace_all(pattern, replacement)
    mapping = slang_map()
    tokens = s.str.extract_all(TOKEN).list.eval(pl.element().replace(mapping))
    return tokens.list.join(" ")


def normalise(texts: pl.Series) -> pl.Series:
    """normalise_expr over a Series (nulls stay null)."""
    return pl.DataFrame({"t": texts.cast(pl.String)}).select(normalise_expr(pl.col("t"))).to_series().alias(texts.name)
