"""Theme topics: what a tenant's customers talk about, as topics found in their own words.

Features are learnt from the tenant's texts only: TF-IDF over its subject words, word pairs and character
n-grams (no hand-written trade vocabulary). Topics are found over the terms many customers share
(`shared_terms`) by non-negative matrix factorisation, each text in its strongest topic; the number of topics
grows with the square root of the texts said, at most MAX_THEMES. Texts with no subject word (emoji, fillers)
join the topic nearest in the sentence embedding (`place_by_embedding`).
"""

from __future__ import annotations

import numpy as np

from pipelines.feedback.text import REQUEST_WORDS, is_laughter, label_stopwords, stopwords

MIN_SIZE = 3               # texts (with repeats) a theme needs; smaller clusters stay unassigned
MAX_THEMES = 12
DISTINCT_PER_THEME = 3     # distinct texts per theme on average at most k allows (no themes of one phrase)
CHAR_NGRAMS = True
CLITICS = False
FIT_SAMPLE = 15000         # distinct texts the word features and topics are learnt from on large inputs
TOPIC_TERM_SHARE = 5       # a term shapes topics when in 1 / (5 k) of the distinct texts or more (shared_terms)


# Words that say how a customer feels, not what about: sentiment measures them, themes group by subject
# ("bagus" and "kecewa" would otherwise pull every text of any subject together). General, not per trade.
EVALUATIVE = frozenset("""
bagus mantap puas memuaskan suka kecewa mengecewakan jelek buruk parah payah top oke keren best terbaik sukses
joss mantul rekomendasi recommend rekomen recommended zonk kapok nyesel menyesal love terima kasih makasih thanks
baik sangat banget sekali tidak kurang lumayan good nice sesuai pas tetapi tapi namun padahal""".split())


def without_clitic(word: str) -> str:
    """A word without the possessive/definite -nya ('wifinya' -> 'wifi', 'harganya' -> 'harga'); 'tanya' stays."""
    return word[:-3] if len(word) >= 6 and word.endswith("nya") and not word.endswith("tanya") else word


def content_words(normalised: list[str]) -> list[str]:
    """Normalised text reduced to its subject words (3+ letters; stopwords, particles, evaluative and request
    words left out)."""
    drop = stopwords() | label_stopwords() | EVALUATIVE | REQUEST_WORDS
    out = []
    for text in normalised:
        words = (without_clitic(w) if CLITICS else w for w in text.split() if w.isascii() and w.isalpha())
        out.append(" ".join(w for w in words if len(w) >= 3 and w not in drop and not is_laughter(w)))
    return out


def lexical_matrix(docs: list[str]):  # -> (sparse matrix, number of its word columns)
    """TF-IDF of the tenant's own texts (L2-normalised sparse rows): words and word pairs, and on inputs up to
    FIT_SAMPLE distinct texts character n-grams too (affixed, misspelt and regional forms of one word meet).
    On larger inputs the vocabulary and idf are learnt on a fixed sample and applied to every text. Returns the
    matrix and how many of its first columns are words and word pairs."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.preprocessing import normalize

    from pipelines.feedback.vectorizers import FastTfidfVectorizer as TfidfVectorizer

    n = len(docs)
    min_df = 2 if n >= 200 else 1
    fit_docs = docs if n <= FIT_SAMPLE else [docs[i] for i in np.sort(
        np.random.default_rng(0).choice(n, FIT_SAMPLE, replace=False))]
    kinds = [{"ngram_range": (1, 2)}] + ([{"analyzer": "char_wb", "ngram_range": (3, 5)}]
                                         if n <= FIT_SAMPLE and CHAR_NGRAMS else [])
    parts = []
    for kwargs in kinds:
        vec = TfidfVectorizer(sublinear_tf=True, min_df=min_df, max_features=60000, dtype=np.float32, **kwargs)
        try:
            vec.fit(fit_docs)
        except ValueError:  # no terms at all (every text was stopwords or emoji)
            continue
        parts.append(vec.transform(docs))
    if not parts:
        return csr_matrix((n, 0), dtype=np.float32), 0
    n_words = parts[0].shape[1] if kinds[0].get("analyzer") is None and len(parts) == len(kinds) else 0
    return normalize(hstack(parts).tocsr()).astype(np.float32), n_words


def shared_terms(matrix, n_words: int, k: int):
    """The matrix with only the terms that can shape a topic: those in at least 1 / (TOPIC_TERM_SHARE * k) of the
    distinct texts (a fifth of an average theme), rows L2-normalised again. A word few customers use (a product's
    name, a one-off detail) still labels, quotes and groups ideas (the full matrix), but does not pull the texts
    that mention it into a topic of their own: themes follow what many customers talk about, the aspect more than
    the product. On CASA adjusted Rand 0.151 -> 0.179, on the PRDECT-ID set 0.067 -> 0.088, the demo unchanged."""
    from scipy.sparse import diags, hstack
    from sklearn.preprocessing import normalize

    n = matrix.shape[0]
    if n < 200 or matrix.shape[1] == 0:
        return matrix
    min_df = max(2, n // (TOPIC_TERM_SHARE * max(k, 1)))
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    kept = matrix @ diags((df >= min_df).astype(np.float32))
    # each block (words and pairs, character n-grams) weighs as much as before: the shared words keep their say
    blocks = [kept[:, :n_words], kept[:, n_words:]] if 0 < n_words < matrix.shape[1] else [kept]
    return normalize(hstack([normalize(b) for b in blocks]).tocsr()).astype(np.float32)


def n_themes_for(n_distinct: int, total_weight: float, min_size: int = MIN_SIZE) -> int:
    """How many themes: growing with the square root of the texts said (sqrt(n / 4): 8 for 250 texts, 12 from
    576), at most MAX_THEMES (a dozen an owner can still read; real labelled sets hold 6-8 topics, and 27 themes
    where there were 8 split the big ones), and no more than the texts allow (DISTINCT_PER_THEME distinct texts
    and `min_size` texts per theme)."""
    k = round(np.sqrt(total_weight / 4))
    return int(max(1, min(k, MAX_THEMES, n_distinct // DISTINCT_PER_THEME, total_weight // min_size)))


def topic_clusters(matrix, weights: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each text's topic: non-negative matrix factorisation of its TF-IDF row into k topics (learnt on a fixed
    sample of FIT_SAMPLE distinct texts on large inputs, repeated texts counting more), the strongest topic
    kept; -1 for a text with no term at all. Deterministic (NNDSVD start). Returns (topic, loadings)."""
    from sklearn.decomposition import NMF

    n = matrix.shape[0]
    if k < 2 or matrix.shape[1] < 2:
        some = np.asarray(matrix.sum(axis=1)).ravel() > 0
        return np.where(some, 0, -1).astype(np.int64), some.astype(np.float32)[:, None]
    fit = matrix
    if n > FIT_SAMPLE:
        pick = np.sort(np.random.default_rng(0).choice(n, FIT_SAMPLE, replace=False, p=weights / weights.sum()))
        fit = matrix[pick]
    else:
        # a text said several times weighs more: its row scaled by the square root of its count
        from scipy.sparse import diags

        fit = diags(np.sqrt(weights).astype(np.float32)) @ matrix
    model = NMF(k, init="nndsvda", random_state=0, max_iter=300, tol=1e-4)
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(fit)
        topics = model.transform(matrix)
    out = topics.argmax(axis=1).astype(np.int64)
    out[topics.max(axis=1) <= 0] = -1
    return out, topics.astype(np.float32)


def place_by_embedding(cluster: np.ndarray, emb: np.ndarray, weight: np.ndarray, targets: np.ndarray) -> None:
    """Texts in `targets` (no subject word) join the cluster whose embedding centre is nearest, in place."""
    if not len(targets) or not emb.shape[1] or cluster.max() < 0:
        return
    n_clusters = int(cluster.max()) + 1
    centres = np.zeros((n_clusters, emb.shape[1]), dtype=np.float32)
    for c in range(n_clusters):
        members = np.flatnonzero(cluster == c)
        centres[c] = (emb[members] * weight[members, None]).sum(axis=0)
    centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-9)
    cluster[targets] = (emb[targets] @ centres.T).argmax(axis=1)
