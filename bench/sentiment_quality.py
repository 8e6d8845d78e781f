"""Sentiment quality: macro-F1 and per-class precision/recall/F1 on SmSA's test split (IndoNLU; never used
for training or tuning), for a plain TF-IDF + logistic-regression baseline and for Gaung's model, both
measured in this run, with training time and prediction throughput; then accuracy on PRDECT-ID's
hand-labelled Tokopedia reviews (Positive/Negative only, so a 'neutral' answer counts as wrong), for the
text-only model and for the rating-aware sentiment().

    python bench/sentiment_quality.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl
from sklearn.metrics import f1_score, precision_recall_fscore_support

from pipelines.feedback.sentiment import LABELS, SentimentModel, sentiment, sentiment_model, training_data

ROOT = Path(__file__).resolve().parents[1]
SMSA_TEST = Path("/work/shared/fixtures/text/smsa/test_preprocess.tsv")
SMSA_SAMPLE = ROOT / "tests/fixtures/text/smsa_test_sample.tsv"
PRDECT = ROOT / "tests/fixtures/marketplace/tokopedia/PRDECT-ID_Dataset.csv"


def read_tsv(path: Path) -> tuple[list[str], list[str]]:
    rows = [line.rsplit("\t", 1) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r[0] for r in rows], [r[1].strip() for r in rows]


def report(name: str, truth: list[str], pred: list[str] | np.ndarray, seconds: float | None = None) -> None:
    p, r, f, n = precision_recall_fscore_support(truth, pred, labels=list(LABELS), zero_division=0)
    took = f", trained in {seconds:.1f} s" if seconds is not None else ""
    print(f"\n{name}: macro-F1 {f1_score(truth, pred, average='macro'):.3f}{took}")
    print(f"{'class':9s} {'support':>7s} {'precision':>9s} {'recall':>7s} {'F1':>6s}")
    for k, label in enumerate(LABELS):
        print(f"{label:9s} {n[k]:7d} {p[k]:9.3f} {r[k]:7.3f} {f[k]:6.3f}")


def baseline(train: tuple[list[str], list[str]], test: list[str]) -> tuple[np.ndarray, float]:
    """TF-IDF word 1-3 + char 2-5 grams, logistic regression, raw text: the starting point."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    t0 = time.perf_counter()
    model = make_pipeline(make_union(TfidfVectorizer(ngram_range=(1, 3)),
                                     TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2)),
                          LogisticRegression(C=10, max_iter=1000)).fit(*train)
    return model.predict(test), time.perf_counter() - t0


def main() -> None:
    test_path = SMSA_TEST if SMSA_TEST.exists() else SMSA_SAMPLE
    test, truth = read_tsv(test_path)
    train, valid = training_data("train"), training_data("valid")
    print(f"SmSA test: {test_path} ({len(test)} texts); train {len(train[0])}, valid {len(valid[0])}")

    pred, seconds = baseline(train, test)
    report("baseline: TF-IDF word 1-3 + char 2-5, logistic regression (train only)", truth, pred, seconds)
    model = SentimentModel().fit(*train, *valid, refit=False)
    report("Gaung: NB-SVM + TF-IDF SGD, normalised, negation scope (train only; valid for tuning)", truth,
           model.predict(test), model.fit_seconds_)
    with tempfile.TemporaryDirectory() as cache:
        rest(Path(cache), test, truth)


def rest(cache: Path, test: list[str], truth: list[str]) -> None:
    t0 = time.perf_counter()
    final = sentiment_model(cache)
    cold = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in cache.iterdir())
    report("Gaung shipped model (refit on train + valid)", truth, final.predict(test), final.fit_seconds_)
    print(f"first use (train + pickle): {cold:.1f} s, pickle {size / 1e6:.1f} MB")

    reviews = pl.read_csv(PRDECT, infer_schema=False)
    texts = reviews["Customer Review"].fill_null("").to_list()
    gold = reviews["Sentiment"].str.to_lowercase().to_list()
    t0 = time.perf_counter()
    proba = final.predict_proba(texts)
    took = time.perf_counter() - t0
    print(f"\nprediction throughput: {len(texts) / took:,.0f} reviews/s ({len(texts)} PRDECT-ID reviews in {took:.2f} s)")
    text_pred = np.array(LABELS)[proba.argmax(axis=1)]
    polar = np.where(proba[:, 2] >= proba[:, 0], "positive", "negative")
    print(f"\nPRDECT-ID ({len(texts)} Tokopedia reviews, labels positive/negative)")
    print(f"text only, 3 classes (neutral counts as wrong): accuracy {np.mean(text_pred == np.array(gold)):.3f}"
          f" ({int((text_pred == 'neutral').sum())} said neutral)")
    print(f"text only, positive vs negative (P(pos) >= P(neg)): accuracy {np.mean(polar == np.array(gold)):.3f}")
    labels, _ = sentiment(texts, reviews["Customer Rating"].cast(pl.Int32).to_list(), cache_dir=cache)
    print(f"sentiment() with the star ratings: accuracy {np.mean(np.array(labels) == np.array(gold)):.3f}")
    stars = reviews["Customer Rating"].cast(pl.Int32).to_numpy()
    three = stars == 3
    print(f"  3-star reviews only ({int(three.sum())}; text decides): accuracy "
          f"{np.mean(np.array(labels)[three] == np.array(gold)[three]):.3f}"
          f" (rating alone, 'neutral': 0.000)")


if __name__ == "__main__":
    main()
