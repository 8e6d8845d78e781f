"""scikit-learn's text vectorizers with char_wb n-grams computed once per distinct word.

char_wb n-grams never cross a space, so a text's n-grams are its words' n-grams in order. Once the vocabulary is
fixed (transform), each distinct word's feature columns are looked up once and reused: the same matrix as
scikit-learn's, which builds and looks up every n-gram of every text in Python (on 100,000 reviews, most of the
intent classifier's time). Fitting is scikit-learn's own. Imported where a model is fitted or loaded (it imports
scikit-learn).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer


@lru_cache(maxsize=500_000)
def word_char_ngrams(word: str, min_n: int, max_n: int) -> tuple[str, ...]:
    """scikit-learn's char_wb n-grams of one word (padded with a space each side)."""
    w = " " + word + " "
    w_len = len(w)
    out = []
    for n in range(min_n, max_n + 1):
        offset = 0
        out.append(w[offset:offset + n])
        while offset + n < w_len:
            offset += 1
            out.append(w[offset:offset + n])
        if offset == 0:  # a word shorter than n counts once
            break
    return tuple(out)


class _CachedCharWB:
    def _char_wb_ngrams(self, text_document):  # noqa: ANN001, ANN202 - scikit-learn's signature
        text_document = self._white_spaces.sub(" ", text_document)
        min_n, max_n = self.ngram_range
        out: list[str] = []
        for w in text_document.split():
            out.extend(word_char_ngrams(w, min_n, max_n))
        return out

    def _count_vocab(self, raw_documents, fixed_vocab):  # noqa: ANN001, ANN202 - scikit-learn's signature
        if not fixed_vocab or self.analyzer != "char_wb":
            return super()._count_vocab(raw_documents, fixed_vocab)
        vocabulary = self.vocabulary_
        preprocess = self.build_preprocessor()
        min_n, max_n = self.ngram_range
        columns: dict[str, list[int]] = {}
        j_indices: list[int] = []
        indptr = [0]
        for doc in raw_documents:
            doc = self._white_spaces.sub(" ", preprocess(self.decode(doc)))
            for w in doc.split():
                cols = columns.get(w)
                if cols is None:
                    cols = columns[w] = [vocabulary[g] for g in word_char_ngrams(w, min_n, max_n) if g in vocabulary]
                j_indices.extend(cols)
            indptr.append(len(j_indices))
        matrix = sparse.csr_matrix((np.ones(len(j_indices), dtype=self.dtype), np.asarray(j_indices, dtype=np.int64),
                                    np.asarray(indptr, dtype=np.int64)), shape=(len(indptr) - 1, len(vocabulary)))
        matrix.sum_duplicates()
        return vocabulary, matrix


class FastTfidfVectorizer(_CachedCharWB, TfidfVectorizer):
    """TfidfVectorizer; char_wb n-grams memoised per word."""


class FastCountVectorizer(_CachedCharWB, CountVectorizer):
    """CountVectorizer; char_wb n-grams memoised per word."""
