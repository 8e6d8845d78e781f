"""The sentiment classifier: an NB-SVM and a TF-IDF SGD model voting over prepared text (sentiment_features.py),
their member weights and softmax temperature chosen on a validation split.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from pipelines.feedback.sentiment_features import prepare_with_cues

LABELS = ("negative", "neutral", "positive")


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class SentimentModel:
    """NB-SVM + TF-IDF SGD ensemble over prepared text; fit(texts, labels), predict_proba(texts), predict(texts)."""

    classes_ = np.array(LABELS)

    def __init__(self, nb_c: float = 0.005, sgd_alpha: float = 1e-4, sgd_weight: float = 2.0,
                 char_range: tuple[int, int] = (3, 5), word_min_df: int = 2):
        self.nb_c, self.sgd_alpha, self.sgd_weight, self.char_range = nb_c, sgd_alpha, sgd_weight, char_range
        self.word_min_df = word_min_df

    # features ---------------------------------------------------------------------------------------------
    def _fit_vocabulary(self, docs: list[str], cues: np.ndarray):
        """Fit the vectorizers and IDF on docs; their (binary, TF-IDF) features, cue features last."""
        from sklearn.feature_extraction.text import TfidfTransformer

        from pipelines.feedback.vectorizers import FastCountVectorizer as CountVectorizer

        self.words_ = CountVectorizer(ngram_range=(1, 3), token_pattern=r"\S+", min_df=self.word_min_df,
                                      dtype=np.float32)
        self.chars_ = CountVectorizer(analyzer="char_wb", ngram_range=self.char_range, min_df=2, dtype=np.float32)
        w, c = self.words_.fit_transform(docs), self.chars_.fit_transform(docs)
        self.word_tfidf_ = TfidfTransformer(sublinear_tf=True).fit(w)
        self.char_tfidf_ = TfidfTransformer(sublinear_tf=True).fit(c)
        return self._from_counts(w, c, cues)

    def _from_counts(self, w, c, cues: np.ndarray):
        from scipy import sparse

        extra = sparse.csr_matrix(cues.astype(np.float32))
        binary = sparse.hstack([w, c]).tocsr()
        binary.data[:] = 1.0
        binary = sparse.hstack([binary, extra]).tocsr()
        tfidf = sparse.hstack([self.word_tfidf_.transform(w), self.char_tfidf_.transform(c), extra]).tocsr()
        return binary, tfidf

    def _features(self, docs: list[str], cues: np.ndarray):
        """(binary counts, TF-IDF) for prepared texts: word block, char block, then the cue features."""
        return self._from_counts(self.words_.transform(docs), self.chars_.transform(docs), cues)

    # members ----------------------------------------------------------------------------------------------
    def _fit_members(self, binary, tfidf, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """NB-SVM weights (ratio folded into the coefficients) and SGD weights, each (n_features, 3) + bias."""
        from scipy import sparse
        from sklearn.linear_model import SGDClassifier
        from sklearn.svm import LinearSVC

        nb_w = np.zeros((binary.shape[1], len(LABELS)), dtype=np.float32)
        nb_b = np.zeros(len(LABELS))
        for k, label in enumerate(LABELS):
            yk = (y == label).astype(int)
            p = 1.0 + np.asarray(binary[yk == 1].sum(axis=0)).ravel()
            q = 1.0 + np.asarray(binary[yk == 0].sum(axis=0)).ravel()
            r = np.log((p / p.sum()) / (q / q.sum())).astype(np.float32)
            svc = LinearSVC(C=self.nb_c, class_weight="balanced").fit(binary @ sparse.diags(r), yk)
            nb_w[:, k] = svc.coef_.ravel() * r
            nb_b[k] = svc.intercept_[0]
        sgd = SGDClassifier(loss="modified_huber", alpha=self.sgd_alpha, class_weight="balanced",
                            random_state=0).fit(tfidf, y)
        order = [list(sgd.classes_).index(label) for label in LABELS]
        return nb_w, nb_b, sgd.coef_[order].T.astype(np.float32), sgd.intercept_[order]

    def _member_scores(self, binary, tfidf) -> tuple[np.ndarray, np.ndarray]:
        return (np.asarray(binary @ self.nb_w_) + self.nb_b_, np.asarray(tfidf @ self.sgd_w_) + self.sgd_b_)

    def _combine(self, nb: np.ndarray, sgd: np.ndarray) -> np.ndarray:
        return nb / self.nb_scale_ + self.sgd_weight * sgd / self.sgd_scale_

    # public -----------------------------------------------------------------------------------------------
    def fit(self, texts: Sequence[str], labels: Sequence[str], valid_texts: Sequence[str] = (),
            valid_labels: Sequence[str] = (), refit: bool = True) -> SentimentModel:
        """Fit on texts; with a validation split, scale the members and the temperature on it, then refit
        on both (refit=False keeps the train-only fit, for honest measurement)."""
        from scipy.optimize import minimize_scalar

        t0 = time.perf_counter()
        (train, train_cues), (valid, valid_cues) = prepare_with_cues(texts), prepare_with_cues(valid_texts)
        y, y_valid = np.asarray(labels), np.asarray(valid_labels)
        # Vocabulary and IDF from both splits (no labels involved); the members first see train only.
        all_binary, all_tfidf = self._fit_vocabulary(train + valid, np.vstack([train_cues, valid_cues]))
        binary, tfidf = all_binary[:len(train)], all_tfidf[:len(train)]
        self.nb_w_, self.nb_b_, self.sgd_w_, self.sgd_b_ = self._fit_members(binary, tfidf, y)
        if valid:
            nb, sgd = self._member_scores(all_binary[len(train):], all_tfidf[len(train):])
        else:
            nb, sgd = self._member_scores(binary, tfidf)
        self.nb_scale_, self.sgd_scale_ = float(nb.std()), float(sgd.std())
        if valid:
            combined = self._combine(nb, sgd)
            target = np.array([LABELS.index(v) for v in y_valid])

            def nll(t: float) -> float:
                p = _softmax(combined / t)
                return float(-np.log(p[np.arange(len(target)), target] + 1e-12).mean())

            self.temperature_ = float(minimize_scalar(nll, bounds=(0.05, 20.0), method="bounded").x)
            if refit:
                self.nb_w_, self.nb_b_, self.sgd_w_, self.sgd_b_ = self._fit_members(
                    all_binary, all_tfidf, np.concatenate([y, y_valid]))
        else:
            self.temperature_ = 1.0
        self.fit_seconds_ = time.perf_counter() - t0
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 3) probabilities in the order of LABELS / classes_."""
        if len(texts) == 0:
            return np.zeros((0, len(LABELS)))
        nb, sgd = self._member_scores(*self._features(*prepare_with_cues(texts)))
        return _softmax(self._combine(nb, sgd) / self.temperature_)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Label per text."""
        return self.classes_[self.predict_proba(texts).argmax(axis=1)]
