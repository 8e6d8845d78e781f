"""Sentiment features: a customer's text as the sentiment model reads it, and its two cue features.

The text is normalised (normalise.py: regional words mapped to Indonesian, slang, negators unified to "tidak"),
emoji become words the model has read, intensifier slang beside praise is dropped, and a negator is joined to the
word it negates; the cue features say whether a general complaint or praise word is there (CUE_FEATURES).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import polars as pl

from pipelines.feedback.normalise import normalise

NEGATORS = frozenset({"tidak", "bukan", "belum", "jangan", "kurang", "tanpa"})
# Words between a negator and what it negates: "tidak terlalu manis", "belum pernah kecewa".
SOFTENERS = frozenset({"terlalu", "begitu", "sangat", "cukup", "pernah", "terus", "lagi", "juga", "pula", "sama",
                       "akan", "mau", "bisa", "ada"})
POSITIVE_EMOJI = frozenset("👍👌👏🙏💯🔥✨⭐🌟❤💕💖💗💓💞💘💝😍🥰😘😊😁😀😃😄😆🤗🤩😋🎉🤤😻🙌💪")
NEGATIVE_EMOJI = frozenset("👎😡😠🤬😤😞😔😟😕🙁☹😢😩😫😒🙄🤮🤢💔😣😖")
LAUGH_EMOJI = frozenset("😂🤣😆😹")
_EMOJI_WORDS = {**{e: " senang " for e in POSITIVE_EMOJI}, **{e: " kecewa " for e in NEGATIVE_EMOJI},
                **{e: " haha " for e in LAUGH_EMOJI}}
_EMOJI_RE = re.compile("|".join(re.escape(e) for e in sorted(_EMOJI_WORDS, key=len, reverse=True)))

# Swearing and exaggeration are praise's intensifiers in comments ("enak parah", "gila enak banget", "ngeri sih
# enaknya"); SmSA's reviews use them for complaints only. Within INTENSIFIER_REACH words of a praise word that is
# not negated (and not across "!", "?" or a contrast word) they are dropped before the model reads the text;
# alone, or beside a complaint ("parah, pelayanannya lama"), they stay. Normalised text has no commas, so
# "enak, parah lama" reads as "enak parah lama": the one case this gets wrong.
INTENSIFIERS = frozenset({"parah", "gila", "gile", "gilak", "gokil", "ngeri", "edan", "anjir", "anjay", "anjrit",
                          "buset", "busyet", "sinting", "brutal"})
INTENSIFIER_REACH = 2
# normalised text keeps "!" and "?" but no commas: a contrast word ends the reach too ("enak tapi parah lama")
_CLAUSE_END = frozenset({"!", "?", "tapi", "tetapi", "namun", "sayang", "sayangnya", "cuma", "hanya", "padahal"})


def prepare(texts: Sequence[str | None]) -> list[str]:
    """Normalised text (regional words mapped, emoji as words) with each negator joined to the word it negates."""
    return prepare_with_cues(texts)[0]


def prepare_with_cues(texts: Sequence[str | None]) -> tuple[list[str], np.ndarray]:
    """prepare(texts) and per text its cue features (CUE_FEATURES), from one normalisation."""
    raw = [_EMOJI_RE.sub(lambda m: _EMOJI_WORDS[m.group(0)], t or "") for t in texts]
    norm = normalise(pl.Series("t", raw, dtype=pl.String), regional=True).fill_null("")
    docs = [_negation_scope(_without_praise_intensifiers(s)) for s in norm.to_list()]
    return docs, cue_features(norm)


# General complaint and praise words (intent.py's cue lists: "bocor", "rusak", "telat", "mantap", "enak"...) as two
# features whose weights the models learn from the training texts, like any word. SmSA and NusaX are restaurant,
# hotel and phone talk: a complaint word their texts never use ("bocor", "rembes", "luntur") would otherwise
# weigh nothing, and the other words of a short comment (its product: "kopi susu") decide. Counted on the
# normalised text, negated praise ("tidak enak") counting as a complaint and negated complaints as praise.
CUE_FEATURES = ("complaint_cue", "praise_cue")


def cue_features(norm: pl.Series) -> np.ndarray:
    """(n, 2) float32: 1 where a normalised text holds an un-negated complaint word (or negated praise), and
    likewise a praise word (or negated complaint word)."""
    from pipelines.feedback.intent import COMPLAINT, NEGATED_NEGATIVE, praise_count

    frame = pl.DataFrame({"n": norm}).select(
        complaint=pl.col("n").str.replace_all(NEGATED_NEGATIVE, " ").str.count_matches(COMPLAINT),
        praise=praise_count(pl.col("n")))
    return (frame.to_numpy() > 0).astype(np.float32)


def _without_praise_intensifiers(text: str) -> str:
    """The text without intensifier slang standing next to an un-negated praise word (INTENSIFIERS)."""
    toks = text.split()
    if not INTENSIFIERS.intersection(toks):
        return text
    from pipelines.feedback.intent import praise_word

    praise = [praise_word(t) and not (i > 0 and toks[i - 1] in NEGATORS) for i, t in enumerate(toks)]
    keep = []
    for i, t in enumerate(toks):
        if t in INTENSIFIERS:
            near = False
            for step in (-1, 1):
                j = i + step
                while 0 <= j < len(toks) and abs(j - i) <= INTENSIFIER_REACH and toks[j] not in _CLAUSE_END:
                    if praise[j]:
                        near = True
                        break
                    j += step
            if near:
                continue
        keep.append(t)
    return " ".join(keep)


def _negation_scope(text: str) -> str:
    toks = text.split()
    out: list[str] = []
    i = 0
    while i < len(toks):
        if toks[i] in NEGATORS and i + 1 < len(toks) and toks[i + 1].isalpha():
            j = i + 1
            if toks[j] in SOFTENERS and j + 1 < len(toks) and toks[j + 1].isalpha():
                j += 1
            out.append("_".join(toks[i:j + 1]))
            i = j + 1
        else:
            out.append(toks[i])
            i += 1
    return " ".join(out)
