"""Normalise informal Indonesian (chat, comments, reviews) column-wise: case, repeated letters, slang to
standard forms, numbers with units, emoji kept as signals, negators kept and unified ("ga", "gak",
"nggak" all become "tidak").

The slang lists (IndoCollex, the combined slang list; see data/ATTRIBUTION.md) are merged with
IndoCollex winning, and a few marketplace words win over both ("brg" is barang in a shop, not bareng).

With regional=True, words of ten regional languages customers also write in (Acehnese, Balinese, Banjarese,
Buginese, Javanese, Madurese, Minangkabau, Ngaju, Sundanese, Toba Batak) are first mapped to Indonesian with
the NusaX lexicons (data/nusax/lexicon/), so "kada" (Banjarese), "ora" (Javanese) and "teu" (Sundanese) all
become "tidak" and then meet the same rules and features as Indonesian text. A regional word that is also an
Indonesian word (seen at least three times in SmSA's training texts, or an Indonesian entry of a lexicon) is
left alone: Banjarese "nyaman" (tasty) stays "nyaman", as an Indonesian reader would take it. So is a word of
the colloquial Indonesian lists: "gemes" is gemas (adorable), not the lexicons' "biadab"; "pegel" is pegal, not
"benci"; "nagih" is moreish, not "minta" (58 words where the two disagreed, most of them words people write in
comments). Where a regional word has several Indonesian translations, the one most frequent in SmSA wins.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections import Counter
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
    # is crushed ("penyet" is left alone: ayam penyet is a dish); "30s" is a cotton yarn count, not thirty seconds
    "katanya": "katanya", "gepeng": "penyok", "20s": "20s", "24s": "24s", "30s": "30s",
    "40s": "40s",
    # food talk the general lists read as violence or debt: "nagih" is moreish, not menagih (to collect a debt);
    # a "nampol" sambal hits the spot, it does not pukul (punch) anyone
    "nagih": "ketagihan", "nagihin": "ketagihan", "nampol": "mantap", "endul": "enak", "uenak": "enak",
    "maknyus": "enak", "mantep": "mantap",
    # general chat abbreviations the lists miss (question words, requests); no place names
    "kpan": "kapan", "kapn": "kapan", "dmana": "di mana", "dimn": "di mana", "dmn": "di mana", "brapa": "berapa",
    "brpa": "berapa", "gmna": "bagaimana", "gmana": "bagaimana", "knpa": "kenapa", "mntp": "mantap", "tmbh": "tambah",
    "tmbhin": "tambahin", "tambahin": "tambahin", "adain": "adain", "bkin": "bikin", "bikinin": "bikinin",
    "cbg": "cabang", "cab": "cabang", "otw": "otw", "ready": "ready", "redy": "ready", "rdy": "ready",
}
# Very common regional function words the lexicons miss or translate for another language only (general
# grammar, not a domain list): Banjarese/Malay "jua" is juga (the Minangkabau lexicon's "jua" is jual), Banjarese
# and Sundanese "mun" and "lamun" are kalau; "sing" is tidak in Balinese but yang in Javanese, so it is left alone.
REGIONAL_FIXES = {"jua": "juga", "wan": "dengan", "nang": "yang", "amun": "kalau", "kawa": "bisa", "gasan": "untuk",
                  "sing": "sing", "pang": "pang", "kadada": "tidak ada", "kadida": "tidak ada", "handak": "ingin",
                  "mun": "kalau", "lamun": "kalau"}
REGIONAL_LANGUAGES = ("acehnese", "balinese", "banjarese", "buginese", "javanese", "madurese", "minangkabau", "ngaju",
                      "sundanese", "toba_batak")
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
# A letter written three times or more, kept once: one pass, each letter's run in its own group and the
# replacement naming all 26 (a group that did not take part is empty). Six times quicker than a pass a letter.
_LONG_RUNS = "|".join(f"({letter}){letter}{{2,}}" for letter in "abcdefghijklmnopqrstuvwxyz")
_ONE_OF_THE_RUN = "".join(f"${{{i}}}" for i in range(1, 27))


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


@cache
def smsa_words() -> tuple[tuple[str, ...], ...]:
    """The words of each of SmSA's shipped training texts, lower case: what common Indonesian looks like."""
    raw = resources.files("pipelines.feedback").joinpath("data", "smsa", "train_preprocess.tsv.gz").read_bytes()
    return tuple(tuple(re.findall(r"[a-z]+", line.rsplit("\t", 1)[0].lower()))
                 for line in gzip.decompress(raw).decode("utf-8").splitlines())


@cache
def indonesian_frequencies() -> Counter:
    """Word counts of SmSA's shipped training texts: what is common Indonesian."""
    counts: Counter = Counter()
    for words in smsa_words():
        counts.update(words)
    return counts


@cache
def regional_map() -> dict[str, str]:
    """Regional word -> Indonesian word, from the NusaX lexicons. Left out: words that are also Indonesian (formal,
    or colloquial: a key of the slang lists, which then maps it), and words two languages translate differently
    (Minangkabau "jua" is jual, Banjarese "jua" is juga)."""
    freq = indonesian_frequencies()
    candidates: dict[str, dict[str, set[str]]] = {}
    indonesian_side: set[str] = set()
    for lang in REGIONAL_LANGUAGES:
        for row in csv.DictReader(io.StringIO(_read(f"nusax/lexicon/{lang}.csv"))):
            ind = (row.get("indonesian") or "").strip().lower()
            reg = (row.get(lang) or "").strip().lower().replace("'", "")
            if ind.isalpha() and ind.isascii():
                indonesian_side.add(ind)
            if not (reg.isalpha() and reg.isascii() and ind.isalpha() and ind.isascii()) or len(reg) < 3 or reg == ind:
                continue
            candidates.setdefault(reg, {}).setdefault(lang, set()).add(ind)
    known = indonesian_side | {w for w, n in freq.items() if n >= 3} | set(slang_map())
    mapping: dict[str, str] = {}
    for reg, by_lang in candidates.items():
        agreed = set.intersection(*by_lang.values())
        if reg not in known and agreed:
            mapping[reg] = max(sorted(agreed), key=lambda w: freq.get(w, 0))
    mapping.update(REGIONAL_FIXES)
    return {k: v for k, v in mapping.items() if k != v}


@cache
def split_passives() -> str:
    """A regular expression for "di" written apart from the verb it belongs to ("di kirim", "di bungkus", "di cek"),
    with the verb in group 1. Learnt from SmSA's training texts: a verb V is joined when "diV" is a word there (three
    times or more), V is a word too, and "diV" is more common than "di V" written apart. So "di kirim" becomes
    "dikirim" and meets the same rules ("belum dikirim"), while "di atas", "di rumah" and "di sini" stay places."""
    after_di: Counter = Counter()
    for words in smsa_words():
        after_di.update(b for a, b in zip(words, words[1:], strict=False) if a == "di")
    freq = indonesian_frequencies()
    verbs = sorted(w[2:] for w, n in freq.items()
                   if w.startswith("di") and len(w) > 4 and n >= 3 and freq.get(w[2:], 0) >= 1 and n > after_di[w[2:]])
    return r"\bdi\s+(" + "|".join(verbs) + r")\b"


def normalise_expr(text: pl.Expr, regional: bool = False) -> pl.Expr:
    """Normalised text: tokens of the mapped words, numbers with units, '?', '!' and emoji, space-separated.
    regional=True maps regional-language words to Indonesian first (see the module docstring)."""
    s = text.str.to_lowercase().str.replace_all(r"https?://\S+", " ")
    s = s.str.replace_all(_LONG_RUNS, _ONE_OF_THE_RUN)  # 'bagusss' -> 'bagus'
    s = s.str.replace_all(r"([!?])[!?]+", "$1")
    s = s.str.replace_all(split_passives(), "di$1")
    for pattern, replacement in UNITS:
        s = s.str.replace_all(pattern, replacement)
    mapping = slang_map()
    tokens = s.str.extract_all(TOKEN)
    if regional:
        tokens = tokens.list.eval(pl.element().replace(regional_map()))
    tokens = tokens.list.eval(pl.element().replace(mapping))
    return tokens.list.join(" ")


def normalise(texts: pl.Series, regional: bool = False) -> pl.Series:
    """normalise_expr over a Series (nulls stay null)."""
    return (pl.DataFrame({"t": texts.cast(pl.String)}).select(normalise_expr(pl.col("t"), regional=regional))
            .to_series().alias(texts.name))
