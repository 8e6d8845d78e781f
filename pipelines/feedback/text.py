"""Indonesian text helpers shared by trends and feedback: stopwords (negators kept) and tokens."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import polars as pl

# Words that carry a complaint or a negation: never removed as stopwords.
KEEP = frozenset("""
tidak tak gak ga nggak ngga enggak engga tdk gk belum blm bukan jangan kurang tanpa lama tapi tetapi
masih cuma hanya terlalu kok kecewa rusak bocor lambat telat
""".split())


@cache
def stopwords() -> frozenset[str]:
    """Indonesian stopwords (stopwords-iso) minus negators and complaint words, plus chat fillers."""
    text = resources.files("pipelines.feedback").joinpath("data", "stopwords_id.txt").read_text(encoding="utf-8")
    words = {w.strip().lower() for w in text.splitlines() if w.strip()}
    fillers = {"kak", "ka", "kakak", "min", "gan", "sis", "bang", "mas", "mbak", "mba", "bu", "pak", "ya", "yg", "dong",
               "sih", "deh", "nih", "nya", "aja", "udah", "sdh", "gk", "bgt", "banget", "wkwk", "wkwkwk", "hehe", "oke",
               "ok", "sip", "the", "and", "for", "with", "you", "this", "that", "https", "http", "www", "com"}
    return frozenset((words | fillers) - KEEP)


def tokens_expr(text: pl.Expr) -> pl.Expr:
    """Word tokens of normalised text (slang mapped, negators unified, 'bagusss' -> 'bagus'), 3+ letters."""
    from pipelines.feedback.normalise import normalise_expr

    words = normalise_expr(text.str.replace_all(r"#\w+", " ")).str.extract_all(r"[a-z]+")
    return words.list.eval(pl.element().filter(pl.element().str.len_chars() >= 3))


# Particles, fillers and address words of Indonesian chat and of the regional languages customers write in
# (Javanese, Sundanese, Banjarese, Betawi...): general to every trade, never a theme's name on their own.
# "gaskeun" and "gass" are the chat cheer "let's go" (plain "gas", also a product, is kept out of labels only:
# themes.py LABEL_SKIP).
PARTICLES = frozenset("""
kah lah nah dong deh sih tah toh kan pun loh lho kok yah yuk ayo nih tuh ja gin jua pang am ai bah lo gw gue
aku kamu ente sampean kulo ulun pian ikam aja ae wae bae rek cuy ya yaa iya yoi oke ok okey sip nya user
teh atuh mah euy oge mas mbak mba bang kak kakak sis gan min mimin bun bunda say guys gaes ges wkwk wkwkwk
haha hehe hihi huhu xixi amin aamiin btw plis pls please thx tks makasih terima kasih hai halo hallo kali
bener emang memang kayak gimana gitu gini sini situ sana tau lagi banget bgt doang gass gaskeun gasken gaskan
""".split())


@cache
def label_stopwords() -> frozenset[str]:
    """Words never used on their own as a theme label or a clustering feature: stopwords and particles."""
    return stopwords() | PARTICLES


# How customers ask, not what for: general request wording (Indonesian and common chat forms), dropped from the
# words themes and idea groups are found by, so that two different requests do not meet on "tolong bikin".
REQUEST_WORDS = frozenset("""
tolong mohon minta request req rekues ditunggu tunggu semoga moga harap berharap pengen pingin kepengen ingin
saran usul usulan bikin bikinin bikinkan buatin buatkan adain adakan adakanlah tambahin tambahkan sediakan
sediain sedian kasih kasi dibikin dibuat dibikinin diadain diadakan ditambah ditambahin disediakan next
kedepannya kedepan""".split())


# Laughter as customers type it, any length: "hahaha", "wkwkwk", "awkwk", "hehe", "xixi" (one syllable said again
# and again, a letter either side). Never a topic's word nor a label; sentiment reads it on its own.
LAUGHTER = re.compile(r"[a-z]?(ha|he|hi|hu|wk|kw|xi)\1+[a-z]?")


def is_laughter(word: str) -> bool:
    """Is this one lower-case token laughter ("hahaha", "wkwkwk")?"""
    return LAUGHTER.fullmatch(word) is not None
