"""The memoised char_wb vectorizers give scikit-learn's matrices exactly."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from pipelines.feedback.vectorizers import FastCountVectorizer, FastTfidfVectorizer

FIT = ["kopi susunya enak banget", "pengiriman lama  sekali", "Botolnya BOCOR kak", "a bb ccc dddd eeeee",
       "kapan buka cabang di bjm??", "enak enak enak", "😍 mantap jiwa", "é café au lait"]
NEW = ["kopi susu bocor lagi", "", "x", "  spasi   ganda\tdan tab ", "KOPI kopi kopi", "kata-kata baru sekali",
       "😍😍", "café"]


@pytest.mark.parametrize("ngram_range", [(2, 5), (3, 5), (1, 1)])
@pytest.mark.parametrize("pair", [(TfidfVectorizer, FastTfidfVectorizer), (CountVectorizer, FastCountVectorizer)])
def test_same_matrix_as_scikit_learn(pair, ngram_range) -> None:
    plain, fast = (cls(analyzer="char_wb", ngram_range=ngram_range, min_df=1) for cls in pair)
    plain.fit(FIT)
    fast.fit(FIT)
    assert plain.vocabulary_ == fast.vocabulary_
    a, b = plain.transform(FIT + NEW), fast.transform(FIT + NEW)
    assert a.shape == b.shape and a.dtype == b.dtype
    assert np.array_equal(a.toarray(), b.toarray())


def test_word_analyzer_untouched() -> None:
    plain = TfidfVectorizer(ngram_range=(1, 2)).fit(FIT)
    fast = FastTfidfVectorizer(ngram_range=(1, 2)).fit(FIT)
    assert np.array_equal(plain.transform(NEW).toarray(), fast.transform(NEW).toarray())
