"""Stable theme ids: a theme found in this run keeps the id of the earlier theme it continues.

A new cluster takes the id of the earlier theme that most of its already-seen texts belonged to, else of the
earlier theme whose embedding centre is closest (cosine >= MATCH_COSINE), else a new id.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from pipelines.feedback.themes import ThemeFit

MATCH_COSINE = 0.85
MATCH_SHARE = 0.5
PREFIX = "tema"            # new theme ids: tema-001, tema-002, ...


def text_key(text: str) -> str:
    """Key of a text for matching themes across runs (SHA-256 of the text, 16 hex digits)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


LEGACY_INTENTS = ("product_idea", "complaint", "question", "praise", "other")


def legacy_keys(normalised: str) -> list[str]:
    """The keys a text had before themes spanned intents (intent and text): a warehouse from then migrates
    by looking its texts up under each."""
    return [text_key(f"{intent}\x1f{normalised}") for intent in LEGACY_INTENTS]


@dataclass
class KnownTheme:
    theme_id: str
    intent: str
    centre: np.ndarray


def match_themes(fit: ThemeFit, text_keys: list[str], previous: dict[str, str], known: list[KnownTheme],
                 next_number: dict[str, int], old_keys: list[list[str]] | None = None) -> list[str]:
    """Stable theme id per cluster of `fit`.

    previous: text key -> theme id from the last run; known: earlier themes with their centres;
    next_number: per id prefix, the next free sequence number (updated in place); old_keys: per text, keys it
    may have had in a warehouse from before themes spanned intents (looked up when its key is not found).
    """
    ids: list[str | None] = [None] * fit.n_themes
    taken: set[str] = set()
    # 1. most of the already-seen texts of a cluster were in one earlier theme: same theme
    seen_by_cluster: dict[int, list[str]] = {}
    for i, (k, cl) in enumerate(zip(text_keys, fit.cluster, strict=True)):
        if cl < 0:
            continue
        theme = previous.get(k)
        if theme is None and old_keys is not None:
            theme = next((previous[o] for o in old_keys[i] if o in previous), None)
        if theme is not None:
            seen_by_cluster.setdefault(int(cl), []).append(theme)
    votes: list[tuple[float, int, str]] = []
    for c, seen in seen_by_cluster.items():
        values, counts = np.unique(np.asarray(seen), return_counts=True)
        j = int(np.argmax(counts))
        if counts[j] / len(seen) >= MATCH_SHARE:
            votes.append((float(counts[j]), c, str(values[j])))
    for _count, c, theme_id in sorted(votes, key=lambda v: (-v[0], v[1])):
        if theme_id not in taken and ids[c] is None:
            ids[c] = theme_id
            taken.add(theme_id)
    # 2. else the closest earlier theme by embedding centre
    pairs: list[tuple[float, int, str]] = []
    for c in range(fit.n_themes):
        if ids[c] is not None or not fit.centres.shape[1]:
            continue
        for theme in known:
            if theme.theme_id not in taken and len(theme.centre) == fit.centres.shape[1]:
                sim = float(fit.centres[c] @ theme.centre)
                if sim >= MATCH_COSINE:
                    pairs.append((sim, c, theme.theme_id))
    for _sim, c, theme_id in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if theme_id not in taken and ids[c] is None:
            ids[c] = theme_id
            taken.add(theme_id)
    # 3. new themes
    for c in range(fit.n_themes):
        if ids[c] is None:
            number = next_number.get(PREFIX, 1)
            next_number[PREFIX] = number + 1
            ids[c] = f"{PREFIX}-{number:03d}"
    return [str(i) for i in ids]
