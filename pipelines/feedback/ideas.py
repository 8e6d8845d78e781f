"""Product ideas of a tenant's texts (`idea_groups`): the idea texts are grouped among themselves (average linkage
over their words and topic loadings, cut where groups share almost no vocabulary), so one request said in the
words of several themes stays one group; each group is filed under the theme most of its texts are in and gets
its own label.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.feedback.theme_labels import centres_and_quotes, group_keywords, theme_label
from pipelines.feedback.topics import MAX_THEMES

IDEA_DISTANCE = 0.9        # idea texts join in groups whose words and topics overlap (average cosine > 0.1)
IDEA_TOPIC_SHARE = 0.08    # share of an idea text's features given to its topic loadings (the rest: its words)
IDEA_LINKAGE_MAX = 2000    # ... by average linkage up to this many distinct idea texts, else k-means


@dataclass
class IdeaGroups:
    """Product-idea texts grouped by theme (split where a theme holds clearly different requests)."""

    group: np.ndarray                       # per input text: idea group number, -1 when no idea or unassigned
    theme: list[int]                        # per group: its theme (cluster number of the ThemeFit)
    part: list[int]                         # per group: 0 when the theme's ideas are one group, else 1, 2, ...
    labels: list[str]
    keywords: list[list[str]]
    quotes: list[list[int]]


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
    _centres, quotes = centres_and_quotes(emb, idea_weight, label_group, n_groups, idea_first, matrix)
    group = np.where(is_idea, distinct_group[of_text], -1)
    return IdeaGroups(group=group, theme=group_theme, part=group_part, labels=[theme_label(k) for k in keywords],
                      keywords=keywords, quotes=quotes)
