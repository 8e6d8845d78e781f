"""Feedback themes: what customers talk about, found over all of a tenant's texts at once, with readable
labels in the customers' own words, representative quotes and ids that stay stable across runs.

Intent and sentiment are facets of a theme (how many of its texts are complaints, questions or ideas, how
negative it is), not walls between themes: a topic such as "wifi" or "pengiriman" is one theme whether it
is complained about, asked about or praised.

The pipeline, fit/predict-shaped and deterministic for the same input:
1. texts are cleaned (mentions, links), normalised (slang, repeats, negators; see normalise.py) and
   deduplicated; each distinct text weighs as many times as it was said;
2. features learnt from the tenant's own texts only: TF-IDF over its words, word pairs and character
   n-grams (reduced with SVD), joined with the sentence embedding, both L2-normalised. No hand-written
   trade vocabulary: what is specific to a trade is what its customers write;
3. k-means for each k in a range, the number of themes chosen by the silhouette on the distinct texts
   (a sample on large inputs), a k with tiny themes passed over;
4. clusters smaller than `min_size` texts are left unassigned (so are empty texts);
5. labels from class-based TF-IDF (c-TF-IDF) over the customers' phrases of one to three words, a phrase
   first; stopwords, particles, mentions, numbers and emoji never make a label. Quotes are the texts
   nearest the theme's centre.

Product ideas (`idea_groups`): the idea texts of a theme form one group, split further only when the
split is clearly better (silhouette); each group gets its own label from its own texts.

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
from pipelines.feedback.text import PARTICLES, label_stopwords, stopwords

MIN_SIZE = 3               # texts (with repeats) a theme needs; smaller clusters stay unassigned
MAX_THEMES = 15
DISTINCT_PER_THEME = 3     # distinct texts per theme on average at most k allows (no themes of one phrase)
SMALL_SHARE = 0.01         # a k whose smallest theme holds less than this share of the texts is passed over
SPLIT_SILHOUETTE = 0.04    # a few idea texts split into groups only when the best silhouette reaches this
ALWAYS_SPLIT = 40          # ... and this many distinct idea texts or more always split (best k >= 2)
LEXICAL_DIM = 96
CHAR_NGRAMS = True
CLITICS = False
KMEANS_RESTARTS = 8        # k-means starts per k, the best kept: themes depend less on the luck of one start
EMBEDDING_WEIGHT = 0.3     # share of the joined features given to the sentence embedding (the bundled model is English)
SAMPLE = 2500              # distinct texts used to choose k on large inputs
FIT_SAMPLE = 15000         # distinct texts the word features are learnt from on large inputs
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
baik sangat banget sekali tidak kurang lumayan good nice sesuai""".split())


def clean_texts(texts: list[str]) -> list[str]:
    """Texts with mentions, the anonymised 'user' handle and links removed (they say nothing about a topic)."""
    return pl.Series(texts, dtype=pl.String).fill_null("").str.replace_all(MENTION, " ").to_list()


def without_clitic(word: str) -> str:
    """A word without the possessive/definite -nya ('wifinya' -> 'wifi', 'harganya' -> 'harga'); 'tanya' stays."""
    return word[:-3] if len(word) >= 6 and word.endswith("nya") and not word.endswith("tanya") else word


def content_words(normalised: list[str]) -> list[str]:
    """Normalised text reduced to its subject words (3+ letters, -nya dropped; stopwords, particles, evaluative
    words left out)."""
    drop = stopwords() | label_stopwords() | EVALUATIVE
    out = []
    for text in normalised:
        words = (without_clitic(w) if CLITICS else w for w in text.split() if w.isascii() and w.isalpha())
        out.append(" ".join(w for w in words if len(w) >= 3 and w not in drop))
    return out


def _lexical(docs: list[str]) -> np.ndarray:
    from scipy.sparse import hstack
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    n = len(docs)
    min_df = 2 if n >= 200 else 1
    # large inputs: vocabulary, idf and SVD basis learnt on a fixed sample, then applied to every text
    fit_docs = docs if n <= FIT_SAMPLE else [docs[i] for i in np.sort(
        np.random.default_rng(0).choice(n, FIT_SAMPLE, replace=False))]
    parts = []
    # character n-grams catch affixed, misspelt and regional forms; past FIT_SAMPLE texts their cost outweighs them
    kinds = [{"ngram_range": (1, 2)}] + ([{"analyzer": "char_wb", "ngram_range": (3, 5)}]
                                         if n <= FIT_SAMPLE and CHAR_NGRAMS else [])
    for kwargs in kinds:
        vec = TfidfVectorizer(sublinear_tf=True, min_df=min_df, max_features=60000, dtype=np.float32, **kwargs)
        try:
            fitted = vec.fit_transform(fit_docs)
        except ValueError:  # no terms at all (every text was stopwords or emoji)
            continue
        parts.append((vec, fitted))
    if not parts:
        return np.zeros((n, 1), dtype=np.float32)
    sample = normalize(hstack([m for _, m in parts]).tocsr())
    dim = min(LEXICAL_DIM, sample.shape[1] - 1, sample.shape[0] - 1)
    full = sample if n <= FIT_SAMPLE else normalize(hstack([vec.transform(docs) for vec, _ in parts]).tocsr())
    if dim < 2:
        return normalize(full.toarray()).astype(np.float32)
    svd = TruncatedSVD(dim, random_state=0, algorithm="randomized", n_iter=4).fit(sample)
    return normalize(svd.transform(full)).astype(np.float32)


def theme_features(docs: list[str], embeddings: np.ndarray) -> np.ndarray:
    """Joined, L2-normalised features of distinct texts: the sentence embedding and the tenant's own words."""
    from sklearn.preprocessing import normalize

    lexical = _lexical(docs)
    parts = [np.sqrt(1 - EMBEDDING_WEIGHT) * lexical]
    if embeddings.size:
        parts.insert(0, np.sqrt(EMBEDDING_WEIGHT) * normalize(embeddings.astype(np.float32)))
    return normalize(np.hstack(parts)).astype(np.float32)


def _kmeans(features: np.ndarray, weights: np.ndarray, k: int, init=None):
    from sklearn.cluster import KMeans, MiniBatchKMeans

    if init is not None and len(features) > FIT_SAMPLE:
        model = MiniBatchKMeans(k, init=init, n_init=1, random_state=0, batch_size=4096, max_iter=50)
    else:
        model = KMeans(k, n_init=1 if init is not None else KMEANS_RESTARTS, init=init if init is not None else "k-means++",
                       random_state=0, max_iter=100)
    return model.fit(features, sample_weight=weights)


def choose_clusters(features: np.ndarray, weights: np.ndarray, min_size: int = MIN_SIZE, *,
                    max_k: int | None = None, split_at: float = -1.0) -> np.ndarray:
    """Cluster numbers for distinct texts, k chosen by silhouette; k = 1 unless a split reaches `split_at`."""
    from sklearn.metrics import silhouette_score

    n = len(features)
    total = float(weights.sum())
    kmax = int(min(max_k or MAX_THEMES, n // DISTINCT_PER_THEME, total // min_size))
    if n < 4 or kmax < 2:
        return np.zeros(n, dtype=np.int64)
    if n > SAMPLE:
        pick = np.unique(np.sort(np.random.default_rng(0).choice(n, SAMPLE, replace=False, p=weights / total)))
    else:
        pick = np.arange(n)
    sample, sample_weights = features[pick], weights[pick]
    smallest = max(min_size, SMALL_SHARE * float(sample_weights.sum()))
    best_k, best_score, best_model = 1, split_at, None
    for k in range(2, kmax + 1):
        model = _kmeans(sample, sample_weights, k)
        labels = model.labels_
        if len(set(labels.tolist())) < 2:
            continue
        sizes = np.bincount(labels, weights=sample_weights, minlength=k)
        if best_model is not None and sizes.min() < smallest:
            continue
        score = silhouette_score(sample, labels, metric="euclidean")
        if score > best_score + 1e-9:
            best_k, best_score, best_model = k, score, model
    if best_model is None:
        return np.zeros(n, dtype=np.int64)
    if n > SAMPLE:
        return _kmeans(features, weights, best_k, init=best_model.cluster_centers_).labels_.astype(np.int64)
    return best_model.labels_.astype(np.int64)


# ---- labels -------------------------------------------------------------------------------------------------

def label_tokens(normalised: list[str]) -> list[list[str]]:
    """Per normalised text, its words for labels: runs of words, '|' where a number, emoji or punctuation broke it."""
    out = []
    for text in normalised:
        words = []
        for w in text.split():
            words.append(without_clitic(w) if w.isascii() and re.fullmatch(r"[a-z][a-z_]*", w) else "|")
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


def group_keywords(normalised: list[str], weights: np.ndarray, group: np.ndarray, n_groups: int,
                   top: int = 6) -> list[list[str]]:
    """Best label terms per group by class-based TF-IDF (BERTopic's c-TF-IDF, BM25-style idf) over the phrases
    customers wrote, counted once per text; texts of group -1 count as background (they shape the idf only)."""
    from scipy.sparse import csr_matrix
    from sklearn.feature_extraction.text import CountVectorizer

    keywords: list[list[str]] = [[] for _ in range(n_groups)]
    if n_groups == 0:
        return keywords
    skip = label_stopwords() | stopwords() | LABEL_SKIP
    candidates = [sorted(phrases_of(t, skip)) for t in label_tokens(normalised)]
    try:
        vec = CountVectorizer(analyzer=lambda terms: terms, binary=True)
        counts = vec.fit_transform(candidates)
    except ValueError:
        return keywords
    rows = np.where(group >= 0, group, n_groups)
    onehot = csr_matrix((weights, (rows, np.arange(len(rows)))), shape=(n_groups + 1, len(rows)))
    per_class = np.asarray((onehot @ counts).todense(), dtype=np.float64)
    texts_per_class = np.bincount(rows, weights=weights, minlength=n_groups + 1)
    tf = per_class / np.maximum(texts_per_class[:, None], 1)
    avg = per_class.sum() / max(n_groups + 1, 1)
    idf = np.log(1 + avg / np.maximum(per_class.sum(axis=0), 1))
    terms = vec.get_feature_names_out()
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


# Words that say nothing about a topic on their own (chat fillers, generic verbs); kept inside phrases.
LABEL_SKIP = frozenset("""
tidak cuma tapi tetapi iya kasih terima admin pas kemarin beli order dengar saya aku banget sudah mau bisa
ada lagi sama juga jadi kalau kok masih semoga request ditunggu pokoknya uda dong tolong mohon minta very
saran kakak barang produk yang buat untuk sangat sekali kurang belum bukan""".split())


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
    # every text with a word or an emoji takes part; the embedding places texts with no subject word
    idx = np.asarray([i for i, t in enumerate(norms) if t.strip()], dtype=np.int64)
    features = np.zeros((len(distinct), 0), dtype=np.float32)
    if len(idx) and weight[idx].sum() >= min_size:
        feats = theme_features([docs[i] for i in idx], emb[idx])
        features = np.zeros((len(distinct), feats.shape[1]), dtype=np.float32)
        features[idx] = feats
        local = choose_clusters(feats, weight[idx], min_size) if len(idx) > 1 else np.zeros(1, dtype=np.int64)
        next_cluster = 0
        for c in sorted(set(local.tolist())):
            members = idx[local == c]
            if weight[members].sum() < min_size:
                continue
            distinct_cluster[members] = next_cluster
            next_cluster += 1
    n_clusters = int(distinct_cluster.max()) + 1 if len(distinct_cluster) else 0
    # order clusters by size (largest first) so numbering is meaningful and deterministic
    sizes = np.asarray([weight[distinct_cluster == c].sum() for c in range(n_clusters)])
    order = sorted(range(n_clusters), key=lambda c: (-sizes[c], c))
    remap = np.full(n_clusters + 1, -1, dtype=np.int64)
    for new, old in enumerate(order):
        remap[old] = new
    distinct_cluster = np.where(distinct_cluster >= 0, remap[distinct_cluster], -1)
    sizes = sizes[order] if n_clusters else sizes

    keywords = group_keywords(norms, weight, distinct_cluster, n_clusters)
    centres, quotes = _centres_and_quotes(emb, weight, distinct_cluster, n_clusters, first)
    cluster = distinct_cluster[of_text]
    main_intent = ["all"] * n_clusters
    ideas = None
    if intents is not None:
        main_intent = _main_intents(cluster, intents, n_clusters)
        ideas = idea_groups(cluster, intents, n_clusters, of_text, features, weight, norms, emb, first, min_size)
    return ThemeFit(cluster=cluster, intents=main_intent, labels=[theme_label(k) for k in keywords],
                    keywords=keywords, quotes=quotes, centres=centres, sizes=[int(s) for s in sizes], ideas=ideas)


def _centres_and_quotes(emb: np.ndarray, weight: np.ndarray, group: np.ndarray, n_groups: int,
                        first: np.ndarray) -> tuple[np.ndarray, list[list[int]]]:
    centres = np.zeros((n_groups, emb.shape[1]), dtype=np.float32)
    quotes: list[list[int]] = []
    for c in range(n_groups):
        members = np.flatnonzero(group == c)
        if emb.shape[1]:
            centre = (emb[members] * weight[members, None]).sum(axis=0)
            centres[c] = centre / max(np.linalg.norm(centre), 1e-9)
            closeness = emb[members] @ centres[c]
        else:
            closeness = weight[members]
        ranked = members[np.argsort(-closeness, kind="stable")]
        quotes.append([int(first[i]) for i in ranked[:5]])
    return centres, quotes


def _main_intents(cluster: np.ndarray, intents: list[str], n_clusters: int) -> list[str]:
    """Per cluster, the intent most of its texts have (ties: the first name in alphabetical order)."""
    frame = pl.DataFrame({"c": cluster, "intent": intents}).filter(pl.col("c") >= 0)
    counts = frame.group_by("c", "intent").len().sort(["c", "len", "intent"], descending=[False, True, False])
    top = dict(counts.group_by("c", maintain_order=True).first().select("c", "intent").iter_rows())
    return [top.get(c, "other") for c in range(n_clusters)]


def idea_groups(cluster: np.ndarray, intents: list[str], n_clusters: int, of_text: np.ndarray,
                features: np.ndarray, weight: np.ndarray, norms: list[str], emb: np.ndarray, first: np.ndarray,
                min_size: int = MIN_SIZE) -> IdeaGroups:
    """The product-idea texts grouped by what they ask for, each group under the theme most of its texts are in.

    The idea texts are clustered among themselves in the features of all texts (k by silhouette), so one
    request said in the words of several themes stays one group; where a theme holds several groups, they
    are clearly different requests (numbered parts of the theme)."""
    is_idea = np.asarray([i == "product_idea" for i in intents], dtype=bool)
    n_distinct = len(weight)
    # distinct texts said as ideas, with how often, and the theme they are in
    idea_weight = np.bincount(of_text[is_idea], minlength=n_distinct).astype(np.float64)
    theme_of = np.full(n_distinct, -1, dtype=np.int64)
    theme_of[of_text] = cluster
    members = np.flatnonzero((idea_weight > 0) & np.asarray([bool(t.strip()) for t in norms], dtype=bool))
    distinct_group = np.full(n_distinct, -1, dtype=np.int64)
    group_theme: list[int] = []
    if len(members):
        if len(members) > 1 and features.shape[1]:
            # a few ideas stay one group unless a split is clearly better; many always split
            local = choose_clusters(features[members], idea_weight[members], min_size=1,
                                    split_at=SPLIT_SILHOUETTE if len(members) < ALWAYS_SPLIT else -1.0)
        else:
            local = np.zeros(len(members), dtype=np.int64)
        found = []
        for c in sorted(set(local.tolist())):
            mine = members[local == c]
            themes = theme_of[mine][theme_of[mine] >= 0]
            weights = idea_weight[mine][theme_of[mine] >= 0]
            theme = int(np.bincount(themes, weights=weights).argmax()) if len(themes) else -1
            found.append((theme, -float(idea_weight[mine].sum()), c))
        for theme, _size, c in sorted(found, key=lambda f: (f[0] < 0, f[0], f[1], f[2])):
            distinct_group[members[local == c]] = len(group_theme)
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
    keywords = group_keywords(norms, label_weight, label_group, n_groups)
    # quotes are idea texts: each distinct text points at the first input text said as an idea
    idea_first = np.full(n_distinct, -1, dtype=np.int64)
    for i in np.flatnonzero(is_idea)[::-1]:
        idea_first[of_text[i]] = i
    _centres, quotes = _centres_and_quotes(emb, idea_weight, label_group, n_groups, idea_first)
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
