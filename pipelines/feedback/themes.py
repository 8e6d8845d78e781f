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

Product ideas (`idea_groups`): the idea texts are grouped among themselves (average linkage over their
words and topic loadings, cut where groups share almost no vocabulary), so one request said in the words of
several themes stays one group; each group is filed under the theme most of its texts are in and gets its own
label.

Matching to earlier themes (stable ids) lives in `match_themes`: a new cluster takes the id of the earlier
theme that most of its already-seen texts belonged to, else of the earlier theme whose embedding centre is
closest (cosine >= MATCH_COSINE), else a new id.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from pipelines.feedback.normalise import normalise
from pipelines.feedback.text import PARTICLES, REQUEST_WORDS, is_laughter, label_stopwords, stopwords

MIN_SIZE = 3               # texts (with repeats) a theme needs; smaller clusters stay unassigned
MAX_THEMES = 12
DISTINCT_PER_THEME = 3     # distinct texts per theme on average at most k allows (no themes of one phrase)
IDEA_DISTANCE = 0.9        # idea texts join in groups whose words and topics overlap (average cosine > 0.1)
IDEA_TOPIC_SHARE = 0.08    # share of an idea text's features given to its topic loadings (the rest: its words)
IDEA_LINKAGE_MAX = 2000    # ... by average linkage up to this many distinct idea texts, else k-means
CHAR_NGRAMS = True
CLITICS = False
FIT_SAMPLE = 15000         # distinct texts the word features and topics are learnt from on large inputs
TOPIC_TERM_SHARE = 5       # a term shapes topics when in 1 / (5 k) of the distinct texts or more (shared_terms)
MATCH_COSINE = 0.85
MATCH_SHARE = 0.5
PREFIX = "tema"            # new theme ids: tema-001, tema-002, ...

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


@dataclass
class IdeaGroups:
    """Product-idea texts grouped by theme (split where a theme holds clearly different requests)."""

    group: np.ndarray                       # per input text: idea group number, -1 when no idea or unassigned
    theme: list[int]                        # per group: its theme (cluster number of the ThemeFit)
    part: list[int]                         # per group: 0 when the theme's ideas are one group, else 1, 2, ...
    labels: list[str]
    keywords: list[list[str]]
    quotes: list[list[int]]


# Words that say how a customer feels, not what about: sentiment measures them, themes group by subject
# ("bagus" and "kecewa" would otherwise pull every text of any subject together). General, not per trade.
EVALUATIVE = frozenset("""
bagus mantap puas memuaskan suka kecewa mengecewakan jelek buruk parah payah top oke keren best terbaik sukses
joss mantul rekomendasi recommend rekomen recommended zonk kapok nyesel menyesal love terima kasih makasih thanks
baik sangat banget sekali tidak kurang lumayan good nice sesuai pas tetapi tapi namun padahal""".split())


def clean_texts(texts: list[str]) -> list[str]:
    """Texts with mentions, the anonymised 'user' handle and links removed (they say nothing about a topic)."""
    return pl.Series(texts, dtype=pl.String).fill_null("").str.replace_all(MENTION, " ").to_list()


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


def split_requests(matrix, weights: np.ndarray) -> np.ndarray:
    """Groups of idea texts that ask for clearly different things: average-linkage clusters of their TF-IDF rows
    cut where groups share almost none of their weighted vocabulary (cosine distance IDEA_DISTANCE); past
    IDEA_LINKAGE_MAX texts, k-means with k growing with the square root of the texts."""
    n = matrix.shape[0]
    if n < 2 or matrix.shape[1] == 0:
        return np.zeros(n, dtype=np.int64)
    if n <= IDEA_LINKAGE_MAX:
        from sklearn.cluster import AgglomerativeClustering
        from sklearn.preprocessing import normalize

        rows = normalize(matrix)
        if rows.nnz == 0:
            return np.zeros(n, dtype=np.int64)
        # cosine distances from the sparse rows (a text with no word is at distance 1 from every other)
        distance = 1.0 - np.asarray((rows @ rows.T).todense(), dtype=np.float64)
        np.fill_diagonal(distance, 0.0)
        model = AgglomerativeClustering(n_clusters=None, distance_threshold=IDEA_DISTANCE, metric="precomputed",
                                        linkage="average")
        return model.fit(np.clip(distance, 0.0, 2.0)).labels_.astype(np.int64)
    from sklearn.cluster import MiniBatchKMeans

    k = int(min(MAX_THEMES, max(2, round(np.sqrt(n / 4)))))
    return MiniBatchKMeans(k, random_state=0, n_init=3, batch_size=4096).fit(matrix, sample_weight=weights
                                                                               ).labels_.astype(np.int64)


# ---- labels -------------------------------------------------------------------------------------------------

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


# ---- themes -------------------------------------------------------------------------------------------------

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
    centres, quotes = _centres_and_quotes(emb, weight, distinct_cluster, n_clusters, first, matrix)
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


def idea_features(matrix, n_words: int, topics: np.ndarray):
    """An idea text as its words and, with IDEA_TOPIC_SHARE of the weight, its topic loadings: the topics carry
    which words customers use together ('gula' with 'manis'), so one request in other words can still meet.
    Words only, no character n-grams: those make every two requests for one product type look alike."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.preprocessing import normalize

    if matrix.shape[0] == 0:
        return matrix
    words = normalize(matrix[:, :n_words]) if n_words else matrix
    return normalize(hstack([np.sqrt(1 - IDEA_TOPIC_SHARE) * words,
                             csr_matrix(np.sqrt(IDEA_TOPIC_SHARE) * normalize(topics))]).tocsr())


def _centres_and_quotes(emb: np.ndarray, weight: np.ndarray, group: np.ndarray, n_groups: int,
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


def _main_intents(cluster: np.ndarray, intents: list[str], n_clusters: int) -> list[str]:
    """Per cluster, the intent most of its texts have (ties: the first name in alphabetical order)."""
    frame = pl.DataFrame({"c": cluster, "intent": intents}).filter(pl.col("c") >= 0)
    counts = frame.group_by("c", "intent").len().sort(["c", "len", "intent"], descending=[False, True, False])
    top = dict(counts.group_by("c", maintain_order=True).first().select("c", "intent").iter_rows())
    return [top.get(c, "other") for c in range(n_clusters)]


def idea_groups(cluster: np.ndarray, intents: list[str], n_clusters: int, of_text: np.ndarray,
                matrix, weight: np.ndarray, norms: list[str], emb: np.ndarray, first: np.ndarray,
                phrases=None) -> IdeaGroups:
    """The product-idea texts grouped by what they ask for: `split_requests` over their words (TF-IDF learnt on
    all the tenant's texts, so words every text shares weigh little) and topic loadings, groups apart where they
    share almost no vocabulary; each group is filed under the theme most of its texts are in and gets its own
    label."""
    is_idea = np.asarray([i == "product_idea" for i in intents], dtype=bool)
    n_distinct = len(weight)
    # distinct texts said as ideas, with how often, and the theme they are in
    idea_weight = np.bincount(of_text[is_idea], minlength=n_distinct).astype(np.float64)
    theme_of = np.full(n_distinct, -1, dtype=np.int64)
    theme_of[of_text] = cluster
    members = np.flatnonzero((idea_weight > 0) & np.asarray([bool(t.strip()) for t in norms], dtype=bool))
    distinct_group = np.full(n_distinct, -1, dtype=np.int64)
    group_theme: list[int] = []
    found = []
    if len(members):
        # the idea texts among themselves, so one request said in the words of several themes stays one group;
        # each group sits in the theme most of its texts are in
        local = split_requests(matrix[members], idea_weight[members])
        for c in sorted(set(local.tolist())):
            rows = members[local == c]
            themes = theme_of[rows][theme_of[rows] >= 0]
            theme = int(np.bincount(themes, weights=idea_weight[rows][theme_of[rows] >= 0]).argmax()) if len(themes) else -1
            found.append((theme, -float(idea_weight[rows].sum()), c, rows))
    for theme, _size, _c, rows in sorted(found, key=lambda f: (f[0] < 0, f[0], f[1], f[2])):
        distinct_group[rows] = len(group_theme)
        group_theme.append(theme)
    n_groups = len(group_theme)
    per_theme = {t: group_theme.count(t) for t in set(group_theme)}
    seen: dict[int, int] = {}
    group_part = []
    for t in group_theme:
        seen[t] = seen.get(t, 0) + 1
        group_part.append(0 if per_theme[t] == 1 and t >= 0 else seen[t])
    # labels from the ideas' own words, all other texts the background
    label_group = np.where(idea_weight > 0, distinct_group, -1)
    label_weight = np.where(idea_weight > 0, idea_weight, weight)
    keywords = group_keywords(norms, label_weight, label_group, n_groups, phrases=phrases)
    # quotes are idea texts: each distinct text points at the first input text said as an idea
    idea_first = np.full(n_distinct, -1, dtype=np.int64)
    for i in np.flatnonzero(is_idea)[::-1]:
        idea_first[of_text[i]] = i
    _centres, quotes = _centres_and_quotes(emb, idea_weight, label_group, n_groups, idea_first, matrix)
    group = np.where(is_idea, distinct_group[of_text], -1)
    return IdeaGroups(group=group, theme=group_theme, part=group_part, labels=[theme_label(k) for k in keywords],
                      keywords=keywords, quotes=quotes)


# ---- stable ids ---------------------------------------------------------------------------------------------

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
