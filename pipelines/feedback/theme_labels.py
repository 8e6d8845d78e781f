"""Theme labels: what a reader sees of a theme or an idea group, its keywords and label in the customers' own
phrases (class-based TF-IDF, a phrase first; stopwords, particles, mentions, numbers and emoji never make a label)
and its representative quotes (the worded texts nearest its centre in its words).
"""

from __future__ import annotations

import re

import numpy as np

from pipelines.feedback.text import PARTICLES, REQUEST_WORDS, is_laughter, label_stopwords, stopwords
from pipelines.feedback.topics import without_clitic


def label_tokens(normalised: list[str]) -> list[list[str]]:
    """Per normalised text, its words for labels: runs of words, '|' where a number, emoji, laughter or punctuation
    broke it."""
    out = []
    for text in normalised:
        words = []
        for w in text.split():
            words.append(without_clitic(w) if w.isascii() and re.fullmatch(r"[a-z][a-z_]*", w) and not is_laughter(w)
                         else "|")
        out.append(words)
    return out


def _is_edge(word: str, skip: frozenset[str], first: bool) -> bool:
    """Whether a word can start (first) or end a label phrase: a word of substance, or a negator starting one."""
    if word == "|" or len(word) < 3:
        return False
    if first and word in NEGATORS:
        return True
    return word not in skip and word not in NOT_LAST


NEGATORS = frozenset({"tidak", "belum", "bukan", "kurang", "tanpa"})
# words that never end a phrase ('natural tanpa', 'masih'): they lean on the word after them
NOT_LAST = frozenset("tidak tak belum bukan jangan kurang tanpa tapi tetapi masih cuma hanya terlalu kok".split())


def phrases_of(tokens: list[str], skip: frozenset[str]) -> set[str]:
    """The label candidates of one text: words of substance and phrases of two or three words that start and
    end with one (a stopword may sit inside a three-word phrase: 'cabang di banjarmasin')."""
    found: set[str] = set()
    n = len(tokens)
    for i in range(n):
        if tokens[i] == "|":
            continue
        if _is_edge(tokens[i], skip, first=False):
            found.add(tokens[i])
        if not _is_edge(tokens[i], skip, first=True):
            continue
        for j in (i + 1, i + 2):
            if j >= n or "|" in tokens[i + 1:j + 1]:
                break
            if j == i + 2 and tokens[i + 1] in PARTICLES:
                break  # a particle or address word inside a phrase ('dibesarin kak sempit') splits it
            if tokens[j] != tokens[i] and _is_edge(tokens[j], skip, first=False):
                found.add(" ".join(tokens[i:j + 1]))
    return found


def phrase_counts(normalised: list[str]):
    """Per text, which label phrases it holds (a binary sparse matrix) and the phrases; None when no text has
    one. Computed once per analysis: the themes and the idea groups are labelled from the same phrases."""
    from sklearn.feature_extraction.text import CountVectorizer

    skip = label_stopwords() | stopwords() | LABEL_SKIP
    candidates = [sorted(phrases_of(t, skip)) for t in label_tokens(normalised)]
    try:
        vec = CountVectorizer(analyzer=lambda terms: terms, binary=True)
        return vec.fit_transform(candidates), vec.get_feature_names_out()
    except ValueError:
        return None


def group_keywords(normalised: list[str], weights: np.ndarray, group: np.ndarray, n_groups: int,
                   top: int = 6, phrases=None) -> list[list[str]]:
    """Best label terms per group by class-based TF-IDF (BERTopic's c-TF-IDF, BM25-style idf) over the phrases
    customers wrote, counted once per text; texts of group -1 count as background (they shape the idf only).
    `phrases`: phrase_counts(normalised) when the caller has it already."""
    from scipy.sparse import csr_matrix

    keywords: list[list[str]] = [[] for _ in range(n_groups)]
    if n_groups == 0:
        return keywords
    found = phrases if phrases is not None else phrase_counts(normalised)
    if found is None:
        return keywords
    counts, terms = found
    rows = np.where(group >= 0, group, n_groups)
    onehot = csr_matrix((weights, (rows, np.arange(len(rows)))), shape=(n_groups + 1, len(rows)))
    per_class = np.asarray((onehot @ counts).todense(), dtype=np.float64)
    texts_per_class = np.bincount(rows, weights=weights, minlength=n_groups + 1)
    tf = per_class / np.maximum(texts_per_class[:, None], 1)
    avg = per_class.sum() / max(n_groups + 1, 1)
    idf = np.log(1 + avg / np.maximum(per_class.sum(axis=0), 1))
    length = np.asarray([len(str(t).split()) for t in terms])
    # a phrase said by several customers in a group says more than its words apart
    bonus = np.where(length > 1, 1.25, 1.0)
    score = tf * idf * bonus
    for c in range(n_groups):
        order = np.argsort(-score[c], kind="stable")
        chosen: list[str] = []
        support = max(2.0, 0.05 * texts_per_class[c]) if texts_per_class[c] >= 6 else 1.0
        for j in order[:400]:
            if score[c, j] <= 0 or len(chosen) >= top:
                break
            term = str(terms[j])
            if " " in term and per_class[c, j] < support:
                continue
            # a word inside a chosen phrase adds nothing, nor a phrase holding only chosen words
            if any(set(term.split()) <= set(other.split()) or set(other.split()) <= set(term.split())
                   for other in chosen):
                continue
            chosen.append(term)
        keywords[c] = chosen
    return keywords


# Words that say nothing about a topic on their own (chat fillers, generic verbs); kept inside phrases. "gas" is
# mostly the chat cheer "let's go" ("user gas / gas kah" named a theme of real comments); a gas seller's themes
# still cluster on it and are named by their other words.
LABEL_SKIP = frozenset("""
tidak cuma tapi tetapi iya kasih terima admin pas kemarin beli order dengar saya aku banget sudah mau bisa
ada lagi sama juga jadi kalau kok masih semoga request ditunggu pokoknya uda dong tolong mohon minta very
saran kakak barang produk yang buat untuk sangat sekali kurang belum bukan gas""".split()) | REQUEST_WORDS


def theme_label(keywords: list[str]) -> str:
    """A readable name from the best keywords: the best phrase first, then a word it lacks, e.g.
    'pengiriman lama / kurir' or 'cabang di banjarmasin'."""
    if not keywords:
        return "(tanpa kata kunci)"
    head = [k.replace("_", " ") for k in keywords]
    phrase = next((k for k in head[:3] if " " in k), None)
    if phrase is None:
        return " / ".join(head[:2])
    rest = next((k for k in head if k != phrase and not set(k.split()) & set(phrase.split())), None)
    return phrase if rest is None else f"{phrase} / {rest}"


def centres_and_quotes(emb: np.ndarray, weight: np.ndarray, group: np.ndarray, n_groups: int,
                       first: np.ndarray, matrix=None) -> tuple[np.ndarray, list[list[int]]]:
    """Per group, the mean normalised embedding (for matching themes across runs) and five quotes: the texts
    nearest the group's centre in its words (TF-IDF, when given), else in the embedding."""
    centres = np.zeros((n_groups, emb.shape[1]), dtype=np.float32)
    quotes: list[list[int]] = []
    for c in range(n_groups):
        members = np.flatnonzero(group == c)
        if emb.shape[1]:
            centre = (emb[members] * weight[members, None]).sum(axis=0)
            centres[c] = centre / max(np.linalg.norm(centre), 1e-9)
        if matrix is not None and matrix.shape[1] and len(members):
            rows = matrix[members]
            centre = np.asarray(rows.T @ weight[members]).ravel()
            closeness = np.asarray(rows @ (centre / max(np.linalg.norm(centre), 1e-9))).ravel()
        elif emb.shape[1]:
            closeness = emb[members] @ centres[c]
        else:
            closeness = weight[members]
        ranked = members[np.argsort(-closeness, kind="stable")]
        if matrix is not None and matrix.shape[1] and np.any(closeness > 0):
            ranked = ranked[np.sort(-closeness)[: len(ranked)] < 0]  # texts with words, when the group has any
        quotes.append([int(first[i]) for i in ranked[:5]])
    return centres, quotes
