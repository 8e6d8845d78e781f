"""Indonesian text helpers shared by trends and feedback: stopwords (negators kept) and tokens."""

from __future__ import annotations

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
