"""Feedback themes: what customers talk about, found over all of a tenant's texts at once, with readable
labels in the customers' own words, representative quotes and ids that stay stable across runs.

Intent and sentiment are facets of a theme (how many of its texts are complaints, questions or ideas, how
negative it is), not walls between themes: a topic such as "wifi" or "pengiriman" is one theme whether it
is complained about, asked about or praised.

The pipeline, fit/predict-shaped and deterministic for the same input:
1. texts are cleaned (mentions, links), normalised (slang, repeats, negators; see normalise.py) and
   deduplicated; each distinct text weighs as many times as it was said;
2. features learnt from the tenant's own texts only: TF-IDF over its subject words, word pairs and
   character n-grams. No hand-written trade vocabulary: what is specific to a trade is what its customers
   write. Topics are found over the terms many customers share (`shared_terms`); rarer words still label,
   quote and group ideas;
3. topics by non-negative matrix factorisation of that matrix, each text in its strongest topic; the number
   of topics grows with the square root of the texts said, at most MAX_THEMES. Texts with no subject
   word (emoji, fillers) join the theme nearest in the sentence embedding;
4. clusters smaller than `min_size` texts are left unassigned (so are empty texts);
5. labels from class-based TF-IDF (c-TF-IDF) over the customers' phrases of one to three words, a phrase
   first; stopwords, particles, mentions, numbers and emoji never make a label. Quotes are the worded texts
   nearest the theme's centre in its words, those of the theme's main intent first.

Why NMF and not k-means over joined embedding and word features (round 2's first version): on CASA,
the PRDECT-ID set and the demo the topics of NMF matched the labelled aspects as well or better at every
k (CASA adjusted Rand 0.12-0.16 against 0.05-0.11), and the bundled sentence model is English, so it
adds little to Indonesian topics.

Where each step lives: the features and topics (2, 3) in topics.py, the labels and quotes (5) in
theme_labels.py, the product ideas grouped by theme in ideas.py (`idea_groups`), and the matching to earlier
themes (stable ids) in theme_ids.py (`match_themes`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from pipelines.feedback.ideas import IdeaGroups, idea_features, idea_groups
from pipelines.feedback.normalise import normalise
from pipelines.feedback.theme_ids import KnownTheme
from pipelines.feedback.theme_labels import centres_and_quotes, group_keywords, phrase_counts, theme_label
from pipelines.feedback.topics import (
    MIN_SIZE,
    content_words,
    lexical_matrix,
    n_themes_for,
    place_by_embedding,
    shared_terms,
    topic_clusters,
)

__all__ = ["IdeaGroups", "KnownTheme", "ThemeFit", "clean_texts", "find_themes"]  # KnownTheme: feedback/io.py

MENTION = r"(?i)@[\w.]+|\buser\b|https?://\S+|www\.\S+"


@dataclass
class ThemeFit:
    """Assignment of every input text, and per cluster its label, keywords and quote indices."""

    cluster: np.ndarray                     # per input text: cluster number, -1 unassigned
    intents: list[str]                      # per cluster: the intent most of its texts have ('all' without intents)
    labels: list[str]                       # per cluster
    keywords: list[list[str]]               # per cluster
    quotes: list[list[int]]                 # per cluster: input indices of representative texts
    centres: np.ndarray                     # per cluster: mean normalised embedding (for matching)
    sizes: list[int] = field(default_factory=list)
    ideas: IdeaGroups | None = None

    @property
    def n_themes(self) -> int:
        return len(self.labels)


def clean_texts(texts: list[str]) -> list[str]:
    """Texts with mentions, the anonymised 'user' handle and links removed (they say nothing about a topic)."""
    return pl.Series(texts, dtype=pl.String).fill_null("").str.replace_all(MENTION, " ").to_list()


def find_themes(texts: list[str], embeddings: np.ndarray, intents: list[str] | None = None,
                min_size: int = MIN_SIZE) -> ThemeFit:
    """Themes of a list of texts (embeddings row-aligned with texts). Intents, when given, are facets only:
    each theme's main intent is recorded and the product ideas are grouped by theme (ThemeFit.ideas)."""
    n = len(texts)
    normalised = normalise(pl.Series(clean_texts(texts), dtype=pl.String)).fill_null("").to_list()
    words = content_words(normalised)
    # distinct texts in a canonical order (sorted by hash) so input order never matters
    frame = pl.DataFrame({"i": np.arange(n), "norm": normalised, "doc": words})
    frame = frame.with_columns(key=pl.col("norm").hash(seed=0))
    distinct = (frame.group_by("key", maintain_order=False)
                .agg(pl.col("i").min().alias("first"), pl.len().alias("weight"), pl.col("doc").first(),
                     pl.col("norm").first())
                .sort("key"))
    first = distinct["first"].to_numpy()
    weight = distinct["weight"].to_numpy().astype(np.float64)
    docs = distinct["doc"].to_list()
    norms = distinct["norm"].to_list()
    unique_index = dict(zip(distinct["key"].to_list(), range(len(distinct)), strict=True))
    of_text = np.asarray([unique_index[k] for k in frame["key"].to_list()], dtype=np.int64)

    from sklearn.preprocessing import normalize

    emb = normalize(embeddings[first].astype(np.float32)) if embeddings.size else np.zeros((len(first), 0), np.float32)
    distinct_cluster = np.full(len(distinct), -1, dtype=np.int64)
    # topics from the texts' own words; a text with no subject word (emoji, fillers) is placed by its embedding
    idx = np.asarray([i for i, t in enumerate(norms) if t.strip()], dtype=np.int64)
    matrix, n_words = lexical_matrix(docs)
    topics = np.zeros((len(distinct), 1), dtype=np.float32)
    if len(idx) and weight[idx].sum() >= min_size:
        shared = shared_terms(matrix, n_words, n_themes_for(len(idx), float(weight[idx].sum()), min_size))
        worded = np.asarray(shared.getnnz(axis=1) > 0)
        has_words = idx[worded[idx]]
        k = n_themes_for(len(has_words), float(weight[has_words].sum()), min_size)
        local, loadings = topic_clusters(shared[has_words], weight[has_words], k) if len(has_words) else (
            np.zeros(0, np.int64), np.zeros((0, 1), np.float32))
        topics = np.zeros((len(distinct), loadings.shape[1]), dtype=np.float32)
        topics[has_words] = loadings
        next_cluster = 0
        for c in sorted(set(local.tolist()) - {-1}):
            members = has_words[local == c]
            if weight[members].sum() < min_size:
                continue
            distinct_cluster[members] = next_cluster
            next_cluster += 1
        place_by_embedding(distinct_cluster, emb, weight, np.setdiff1d(idx, has_words))
    n_clusters = int(distinct_cluster.max()) + 1 if len(distinct_cluster) else 0
    # order clusters by size (largest first) so numbering is meaningful and deterministic
    sizes = np.asarray([weight[distinct_cluster == c].sum() for c in range(n_clusters)])
    order = sorted(range(n_clusters), key=lambda c: (-sizes[c], c))
    remap = np.full(n_clusters + 1, -1, dtype=np.int64)
    for new, old in enumerate(order):
        remap[old] = new
    distinct_cluster = np.where(distinct_cluster >= 0, remap[distinct_cluster], -1)
    sizes = sizes[order] if n_clusters else sizes

    phrases = phrase_counts(norms) if n_clusters else None
    keywords = group_keywords(norms, weight, distinct_cluster, n_clusters, phrases=phrases)
    centres, quotes = centres_and_quotes(emb, weight, distinct_cluster, n_clusters, first, matrix)
    cluster = distinct_cluster[of_text]
    main_intent = ["all"] * n_clusters
    ideas = None
    if intents is not None:
        main_intent = _main_intents(cluster, intents, n_clusters)
        # a theme's first quotes say what most of it says: a praise theme opens with praise (stable otherwise)
        quotes = [sorted(q, key=lambda i, c=c: intents[i] != main_intent[c]) for c, q in enumerate(quotes)]
        idea_matrix = idea_features(matrix, n_words, topics)
        ideas = idea_groups(cluster, intents, n_clusters, of_text, idea_matrix, weight, norms, emb, first, phrases)
    return ThemeFit(cluster=cluster, intents=main_intent, labels=[theme_label(k) for k in keywords],
                    keywords=keywords, quotes=quotes, centres=centres, sizes=[int(s) for s in sizes], ideas=ideas)


def _main_intents(cluster: np.ndarray, intents: list[str], n_clusters: int) -> list[str]:
    """Per cluster, the intent most of its texts have (ties: the first name in alphabetical order)."""
    frame = pl.DataFrame({"c": cluster, "intent": intents}).filter(pl.col("c") >= 0)
    counts = frame.group_by("c", "intent").len().sort(["c", "len", "intent"], descending=[False, True, False])
    top = dict(counts.group_by("c", maintain_order=True).first().select("c", "intent").iter_rows())
    return [top.get(c, "other") for c in range(n_clusters)]
