"""Feedback themes: clusters of what customers say, found within each intent so product ideas and
complaints never mix, with readable labels, representative quotes and ids that stay stable across runs.

The pipeline, fit/predict-shaped and deterministic for the same input:
1. texts are normalised (slang, repeats, negators; see normalise.py) and deduplicated; each distinct text
   weighs as many times as it was said;
2. features: lexical TF-IDF (words and character n-grams, reduced with SVD) joined with the sentence
   embeddings, both L2-normalised (the bundled English MiniLM alone is weak on Indonesian slang, and
   the words alone miss paraphrases; together they measure best on bench/themes_quality.py), and a small
   block of review-aspect cues (delivery, packaging, price, seller service, ...; data/aspects_id.json) so
   texts group by what they are about rather than by product type (shoes vs phone cases, car models);
3. per intent, k-means for each k in a small range, the number of themes chosen by the silhouette on
   the distinct texts; a group splits only when the split is clearly better than one theme;
4. clusters smaller than `min_size` texts are left unassigned (so are texts with no words);
5. labels from class-based TF-IDF (c-TF-IDF) over the normalised words; quotes are the texts nearest
   the theme's centre.

Matching to earlier themes (stable ids) lives in `match_themes`: a new cluster takes the id of the earlier
theme that most of its already-seen texts belonged to, else of the earlier theme of the same intent whose
embedding centre is closest (cosine >= MATCH_COSINE), else a new id.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np
import polars as pl

from pipelines.feedback.normalise import normalise
from pipelines.feedback.text import stopwords

MIN_SIZE = 3               # texts (with repeats) a theme needs; smaller clusters stay unassigned
MAX_THEMES_PER_INTENT = 12
DISTINCT_PER_THEME = 3    # distinct texts per theme on average at most k allows (no themes of one phrase)
SPLIT_SILHOUETTE = 0.04    # a small group splits into k > 1 themes only when the best silhouette reaches this
ALWAYS_SPLIT = 40          # a group of this many distinct texts or more always splits (best k >= 2)
LEXICAL_DIM = 96
KMEANS_RESTARTS = 8        # k-means starts per k, the best kept: themes depend less on the luck of one start
EMBEDDING_WEIGHT = 0.45    # share of the embedding and lexical parts given to the sentence embedding
ASPECT_WEIGHT = 0.4        # share of the joined feature vector given to the review-aspect cues
SAMPLE = 2500              # distinct texts used to choose k on large groups
FIT_SAMPLE = 15000         # distinct texts the word features are learnt from on large groups
MATCH_COSINE = 0.85
MATCH_SHARE = 0.5


@dataclass
class ThemeFit:
    """Assignment of every input text, and per cluster its label, keywords and quote indices."""

    cluster: np.ndarray                     # per input text: cluster number, -1 unassigned
    intents: list[str]                      # per cluster
    labels: list[str]                       # per cluster
    keywords: list[list[str]]               # per cluster
    quotes: list[list[int]]                 # per cluster: input indices of representative texts
    centres: np.ndarray                     # per cluster: mean normalised embedding (for matching)
    sizes: list[int] = field(default_factory=list)

    @property
    def n_themes(self) -> int:
        return len(self.labels)


# Words that say how a customer feels, not what about: sentiment measures them, themes group by subject
# ("bagus" and "kecewa" would otherwise pull every review of any subject together).
EVALUATIVE = frozenset("""
bagus mantap puas memuaskan suka kecewa mengecewakan jelek buruk parah payah top oke keren best terbaik sukses
joss mantul rekomendasi recommend rekomen recommended zonk kapok nyesel menyesal love terima kasih makasih thanks
baik sangat banget sekali tidak kurang lumayan good nice kualitas barang produk sesuai""".split())


def content_words(normalised: list[str]) -> list[str]:
    """Normalised text reduced to its subject words (3+ letters; stopwords, fillers and evaluative words dropped)."""
    drop = stopwords() | EVALUATIVE
    return [" ".join(w for w in text.split() if len(w) >= 3 and w.isascii() and w.isalpha() and w not in drop)
            for text in normalised]


def _lexical(docs: list[str], weights: np.ndarray) -> np.ndarray:
    from scipy.sparse import hstack
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    n = len(docs)
    min_df = 2 if n >= 200 else 1
    # large groups: vocabulary, idf and SVD basis learnt on a fixed sample, then applied to every text
    fit_docs = docs if n <= FIT_SAMPLE else [docs[i] for i in np.sort(
        np.random.default_rng(0).choice(n, FIT_SAMPLE, replace=False))]
    parts = []
    # character n-grams catch affixed and misspelt forms; past FIT_SAMPLE texts their cost outweighs them
    kinds = [{"ngram_range": (1, 2)}] + ([{"analyzer": "char_wb", "ngram_range": (3, 5)}] if n <= FIT_SAMPLE else [])
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


# Indonesian prefixes a stem may carry in aspect matching: kirim -> dikirim, terkirim, pengiriman (via stem pengirim)
ASPECT_PREFIXES = "di|ke|ter|ber|se|me|mem|men|meng|pe|pem|pen|peng|per"


@cache
def aspect_patterns() -> tuple[tuple[tuple[str, str], ...], tuple[str, ...], tuple[str, ...]]:
    """From data/aspects_id.json (read once): phrase rewrites, aspect names, and one regex per aspect that
    matches its stems (with an optional prefix and any ending) and its whole words (optionally with -nya)."""
    data = json.loads(resources.files("pipelines.feedback").joinpath("data", "aspects_id.json")
                      .read_text(encoding="utf-8"))
    phrases = tuple((r"\b" + re.escape(k) + r"\b", v)
                    for k, v in sorted(data["phrases"].items(), key=lambda kv: (-len(kv[0]), kv[0])))
    names, patterns = [], []
    for name, cues in data["aspects"].items():
        alternatives = []
        if cues.get("stems"):
            stems = "|".join(re.escape(w) for w in sorted(cues["stems"], key=lambda w: (-len(w), w)))
            alternatives.append(f"(?:{ASPECT_PREFIXES})?(?:{stems})[a-z]*")
        if cues.get("words"):
            words = "|".join(re.escape(w) for w in sorted(cues["words"], key=lambda w: (-len(w), w)))
            alternatives.append(f"(?:{words})(?:nya)?")
        names.append(name)
        patterns.append(r"\b(?:" + "|".join(alternatives) + r")\b")
    return phrases, tuple(names), tuple(patterns)


def aspect_hits(normalised: list[str]) -> np.ndarray:
    """Per normalised text, its review-aspect cue counts (log1p, L2-normalised; all zero for a text with no
    cue). Vectorised: a few phrase rewrites, then one regex count per aspect over the whole Series."""
    from sklearn.preprocessing import normalize

    phrases, names, patterns = aspect_patterns()
    if not normalised:
        return np.zeros((0, len(names)), dtype=np.float32)
    text = pl.Series(normalised, dtype=pl.String).fill_null("")
    for pattern, replacement in phrases:
        text = text.str.replace_all(pattern, replacement)
    counts = pl.DataFrame({"t": text}).select(
        [pl.col("t").str.count_matches(p).alias(n) for n, p in zip(names, patterns, strict=True)]).to_numpy()
    return normalize(np.log1p(counts.astype(np.float32))).astype(np.float32)


def theme_features(docs: list[str], embeddings: np.ndarray, weights: np.ndarray,
                   aspects: np.ndarray | None = None) -> np.ndarray:
    """Joined, L2-normalised features of distinct texts: sqrt-weighted embedding, lexical and aspect parts."""
    from sklearn.preprocessing import normalize

    lexical = _lexical(docs, weights)
    rest = 1.0 if aspects is None else 1 - ASPECT_WEIGHT
    parts = [np.sqrt(rest * (1 - EMBEDDING_WEIGHT)) * lexical]
    if embeddings.size:
        parts.insert(0, np.sqrt(rest * EMBEDDING_WEIGHT) * normalize(embeddings.astype(np.float32)))
    if aspects is not None:
        parts.append(np.sqrt(ASPECT_WEIGHT) * aspects.astype(np.float32))
    return normalize(np.hstack(parts)).astype(np.float32)


def _kmeans(features: np.ndarray, weights: np.ndarray, k: int, init=None):
    from sklearn.cluster import KMeans, MiniBatchKMeans

    if init is not None and len(features) > FIT_SAMPLE:
        model = MiniBatchKMeans(k, init=init, n_init=1, random_state=0, batch_size=4096, max_iter=50)
    else:
        model = KMeans(k, n_init=1 if init is not None else KMEANS_RESTARTS, init=init if init is not None else "k-means++",
                       random_state=0, max_iter=100)
    return model.fit(features, sample_weight=weights)


def choose_clusters(features: np.ndarray, weights: np.ndarray, min_size: int = MIN_SIZE) -> np.ndarray:
    """Cluster numbers for distinct texts of one intent; k chosen by silhouette (k = 1 unless clearly split)."""
    from sklearn.metrics import silhouette_score

    n = len(features)
    total = float(weights.sum())
    kmax = int(min(MAX_THEMES_PER_INTENT, n // DISTINCT_PER_THEME, total // min_size))
    if n < 4 or kmax < 2:
        return np.zeros(n, dtype=np.int64)
    if n > SAMPLE:
        pick = np.sort(np.random.default_rng(0).choice(n, SAMPLE, replace=False, p=weights / total))
        pick = np.unique(pick)
    else:
        pick = np.arange(n)
    sample, sample_weights = features[pick], weights[pick]
    best_k, best_score, best_model = 1, (SPLIT_SILHOUETTE if n < ALWAYS_SPLIT else -1.0), None
    for k in range(2, kmax + 1):
        model = _kmeans(sample, sample_weights, k)
        labels = model.labels_
        if len(set(labels.tolist())) < 2:
            continue
        score = silhouette_score(sample, labels, metric="euclidean")
        if score > best_score + 1e-9:
            best_k, best_score, best_model = k, score, model
    if best_model is None:
        return np.zeros(n, dtype=np.int64)
    if n > SAMPLE:
        return _kmeans(features, weights, best_k, init=best_model.cluster_centers_).labels_.astype(np.int64)
    return best_model.labels_.astype(np.int64)


def ctfidf_keywords(docs: list[str], weights: np.ndarray, cluster: np.ndarray, n_clusters: int,
                    top: int = 6, phrases: set[str] | None = None) -> list[list[str]]:
    """Best words and bigrams per cluster by class-based TF-IDF (BERTopic's c-TF-IDF, BM25-style idf)."""
    from sklearn.feature_extraction.text import CountVectorizer

    keywords: list[list[str]] = [[] for _ in range(n_clusters)]
    mask = cluster >= 0
    if not mask.any():
        return keywords
    try:
        vec = CountVectorizer(ngram_range=(1, 2), min_df=1)
        counts = vec.fit_transform([d for d, m in zip(docs, mask, strict=True) if m])
    except ValueError:
        return keywords
    from scipy.sparse import csr_matrix

    rows = cluster[mask]
    w = weights[mask]
    onehot = csr_matrix((w, (rows, np.arange(len(rows)))), shape=(n_clusters, len(rows)))
    per_class = np.asarray((onehot @ counts).todense(), dtype=np.float64)
    tf = per_class / np.maximum(per_class.sum(axis=1, keepdims=True), 1)
    avg_words = per_class.sum() / max(n_clusters, 1)
    idf = np.log(1 + avg_words / np.maximum(per_class.sum(axis=0), 1))
    score = tf * idf
    terms = vec.get_feature_names_out()
    for c in range(n_clusters):
        order = np.argsort(-score[c], kind="stable")
        chosen: list[str] = []
        for j in order:
            if score[c, j] <= 0 or len(chosen) >= top:
                break
            term = str(terms[j])
            if all(w in LABEL_SKIP for w in term.split()) or (" " not in term and term in LABEL_SKIP):
                continue
            # a pair of words is a phrase only if people wrote it so (not two words a stopword stood between)
            if " " in term and phrases is not None and term not in phrases:
                continue
            # a bigram whose words are already chosen adds nothing; a word inside a chosen bigram neither
            if any(term in c2.split() or set(term.split()) <= set(c2.split()) for c2 in chosen):
                continue
            chosen.append(term)
        keywords[c] = chosen
    return keywords


# Words that say nothing about a theme on their own (chat fillers, generic verbs); kept inside phrases.
LABEL_SKIP = frozenset("""
tidak cuma tapi tetapi iya kasih terima admin pas kemarin beli order kak dengar saya aku banget sudah mau bisa
ada lagi sama juga jadi kalau kok masih semoga request ditunggu pokoknya uda dong tolong mohon minta very
saran kakak""".split())


def theme_label(keywords: list[str]) -> str:
    """A readable name from the best keywords: the best phrase first, then a word it lacks, e.g.
    'kurir lama / belum dikirim' or 'bocor / botol literan'."""
    if not keywords:
        return "(tanpa kata kunci)"
    head = keywords[:4]
    phrase = next((k for k in head if " " in k), None)
    if phrase is None:
        return " / ".join(keywords[:3])
    parts = [phrase]
    for k in keywords:
        if k != phrase and not set(k.split()) <= set(" ".join(parts).split()):
            parts.append(k)
            break
    return " / ".join(parts)


def find_themes(texts: list[str], embeddings: np.ndarray, intents: list[str] | None = None,
                min_size: int = MIN_SIZE) -> ThemeFit:
    """Themes of a list of texts (embeddings row-aligned with texts; intents optional, default one group)."""
    n = len(texts)
    intents = intents if intents is not None else ["all"] * n
    normalised = normalise(pl.Series(texts, dtype=pl.String)).fill_null("").to_list()
    words = content_words(normalised)
    # distinct texts per intent, in a canonical order (sorted by hash) so input order never matters
    frame = pl.DataFrame({"i": np.arange(n), "doc": words, "intent": intents, "norm": normalised})
    frame = frame.with_columns(key=pl.concat_str("intent", pl.lit("\x1f"), "norm").hash(seed=0))
    distinct = (frame.group_by("key", maintain_order=False)
                .agg(pl.col("i").min().alias("first"), pl.len().alias("weight"), pl.col("doc").first(),
                     pl.col("intent").first(), pl.col("norm").first())
                .sort("key"))
    first = distinct["first"].to_numpy()
    weight = distinct["weight"].to_numpy().astype(np.float64)
    docs = distinct["doc"].to_list()
    aspects = aspect_hits(distinct["norm"].to_list())
    group = distinct["intent"].to_list()
    unique_index = dict(zip(distinct["key"].to_list(), range(len(distinct)), strict=True))
    of_text = np.asarray([unique_index[k] for k in frame["key"].to_list()], dtype=np.int64)

    from sklearn.preprocessing import normalize

    emb = normalize(embeddings[first].astype(np.float32)) if embeddings.size else np.zeros((len(first), 0), np.float32)
    distinct_cluster = np.full(len(distinct), -1, dtype=np.int64)
    cluster_intent: list[str] = []
    for name in sorted(set(group)):
        idx = np.asarray([i for i, g in enumerate(group) if g == name and docs[i]], dtype=np.int64)
        if len(idx) == 0 or weight[idx].sum() < min_size:
            continue
        if len(idx) == 1:
            local = np.zeros(1, dtype=np.int64)
        else:
            feats = theme_features([docs[i] for i in idx], emb[idx] if emb.shape[1] else emb[idx], weight[idx], aspects[idx])
            local = choose_clusters(feats, weight[idx], min_size)
        for c in sorted(set(local.tolist())):
            members = idx[local == c]
            if weight[members].sum() < min_size:
                continue
            distinct_cluster[members] = len(cluster_intent)
            cluster_intent.append(name)
    n_clusters = len(cluster_intent)
    # order clusters by size (largest first) so numbering is meaningful and deterministic
    sizes = np.asarray([weight[distinct_cluster == c].sum() for c in range(n_clusters)])
    order = sorted(range(n_clusters), key=lambda c: (-sizes[c], cluster_intent[c], c))
    remap = np.full(n_clusters + 1, -1, dtype=np.int64)
    for new, old in enumerate(order):
        remap[old] = new
    distinct_cluster = np.where(distinct_cluster >= 0, remap[distinct_cluster], -1)
    cluster_intent = [cluster_intent[c] for c in order]

    written = {f"{a} {b}" for text in normalised for a, b in zip(text.split(), text.split()[1:], strict=False)}
    keywords = ctfidf_keywords(docs, weight, distinct_cluster, n_clusters, phrases=written)
    centres = np.zeros((n_clusters, emb.shape[1]), dtype=np.float32)
    quotes: list[list[int]] = []
    for c in range(n_clusters):
        members = np.flatnonzero(distinct_cluster == c)
        if emb.shape[1]:
            centre = (emb[members] * weight[members, None]).sum(axis=0)
            centres[c] = centre / max(np.linalg.norm(centre), 1e-9)
            closeness = emb[members] @ centres[c]
        else:
            closeness = weight[members]
        ranked = members[np.argsort(-closeness, kind="stable")]
        quotes.append([int(first[i]) for i in ranked[:5]])
    return ThemeFit(cluster=distinct_cluster[of_text], intents=cluster_intent,
                    labels=[theme_label(k) for k in keywords], keywords=keywords, quotes=quotes, centres=centres,
                    sizes=[int(sizes[c]) for c in order])


def text_key(text: str) -> str:
    """Key of a text for matching themes across runs (SHA-256 of the text, 16 hex digits)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class KnownTheme:
    theme_id: str
    intent: str
    centre: np.ndarray


def match_themes(fit: ThemeFit, text_keys: list[str], previous: dict[str, str], known: list[KnownTheme],
                 next_number: dict[str, int]) -> list[str]:
    """Stable theme id per cluster of `fit`.

    previous: text key -> theme id from the last run; known: earlier themes with their centres;
    next_number: per intent, the next free sequence number (updated in place).
    """
    ids: list[str | None] = [None] * fit.n_themes
    taken: set[str] = set()
    # 1. most of the already-seen texts of a cluster were in one earlier theme: same theme
    votes: list[tuple[float, int, str]] = []
    for c in range(fit.n_themes):
        seen = [previous[k] for k, cl in zip(text_keys, fit.cluster, strict=True) if cl == c and k in previous]
        if not seen:
            continue
        values, counts = np.unique(np.asarray(seen), return_counts=True)
        j = int(np.argmax(counts))
        share = counts[j] / len(seen)
        if share >= MATCH_SHARE:
            votes.append((float(counts[j]), c, str(values[j])))
    for _count, c, theme_id in sorted(votes, key=lambda v: (-v[0], v[1])):
        if theme_id not in taken and ids[c] is None:
            ids[c] = theme_id
            taken.add(theme_id)
    # 2. else the closest earlier theme of the same intent by embedding centre
    pairs: list[tuple[float, int, str]] = []
    for c in range(fit.n_themes):
        if ids[c] is not None or not fit.centres.shape[1]:
            continue
        for theme in known:
            if theme.intent == fit.intents[c] and theme.theme_id not in taken and len(theme.centre) == fit.centres.shape[1]:
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
            intent = fit.intents[c]
            number = next_number.get(intent, 1)
            next_number[intent] = number + 1
            ids[c] = f"{PREFIX.get(intent, intent[:4])}-{number:03d}"
    return [str(i) for i in ids]


PREFIX = {"product_idea": "ide", "complaint": "keluhan", "question": "tanya", "praise": "pujian", "other": "lain",
          "all": "tema"}
