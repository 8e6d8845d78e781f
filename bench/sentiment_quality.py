"""Sentiment quality on SmSA's test split and on NusaX's test split in each of its 12 languages, for a plain
TF-IDF + logistic-regression baseline and for Gaung's model, both trained in this run on the same texts:
SmSA train + NusaX train (all languages), with SmSA valid + NusaX valid for Gaung's tuning (the baseline has
no tuning step; it is trained on train + valid). Test splits are never trained on.

NusaX's texts were drawn from SmSA, so many test texts have near-copies in the training data. Before each
test set is scored, every training text whose Indonesian version is a near-copy (token Jaccard >= 0.8) of a
test text's Indonesian version is removed (a NusaX row's Indonesian version is the Indonesian row with the
same id; a SmSA text is its own). Both models are trained twice: once without the near-copies of SmSA's
test texts (for the SmSA figures), once without those of NusaX's test texts (for the NusaX figures).

Then: accuracy on PRDECT-ID's hand-labelled Tokopedia reviews (positive/negative) for the shipped model
(text only, and the rating-aware sentiment()), and prediction throughput.

    python bench/sentiment_quality.py [--fixtures /work/shared/fixtures]
"""

from __future__ import annotations

import argparse
import csv
import re
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl
from sklearn.metrics import f1_score, precision_recall_fscore_support

from pipelines.feedback.sentiment import LABELS, SentimentModel, sentiment, sentiment_model

ROOT = Path(__file__).resolve().parents[1]
PRDECT = ROOT / "tests/fixtures/marketplace/tokopedia/PRDECT-ID_Dataset.csv"
LANGS = ("acehnese", "balinese", "banjarese", "buginese", "english", "indonesian", "javanese", "madurese",
         "minangkabau", "ngaju", "sundanese", "toba_batak")


def read_smsa(path: Path) -> tuple[list[str], list[str]]:
    rows = [line.rsplit("\t", 1) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r[0] for r in rows], [r[1].strip() for r in rows]


def read_nusax(root: Path, split: str) -> list[dict]:
    out = []
    for lang in LANGS:
        with (root / lang / f"{split}.csv").open(encoding="utf-8", newline="") as fh:
            out += [{**r, "language": lang} for r in csv.DictReader(fh)]
    return out


def copy_tokens(text: str) -> str:
    """Tokens for the near-copy test: lower case, and SmSA's split "makanan nya" read as NusaX's "makanannya",
    both without the suffix (stricter than plain tokens: 292 of NusaX's 400 Indonesian test texts have a
    near-copy in SmSA's training split this way, 208 with plain tokens)."""
    text = re.sub(r"(\w)\s+nya\b", r"\1nya", text.lower())
    return " ".join(w[:-3] if w.endswith("nya") and len(w) > 5 else w for w in re.findall(r"[a-z0-9]+", text))


def token_sets(texts: list[str]):
    """Binary token matrix (n, vocabulary) of the near-copy tokens."""
    from sklearn.feature_extraction.text import CountVectorizer

    vec = CountVectorizer(token_pattern=r"[a-z0-9]+", binary=True, lowercase=True)
    return vec, vec.fit_transform([copy_tokens(t) for t in texts])


def near_copies(train_indonesian: list[str], test_indonesian: list[str], threshold: float = 0.8) -> np.ndarray:
    """Per training text: is its Indonesian version a near-copy (token Jaccard >= threshold) of a test text?"""
    vec, a = token_sets(train_indonesian + test_indonesian)
    train, test = a[:len(train_indonesian)], a[len(train_indonesian):]
    inter = (train @ test.T).toarray().astype(np.float32)
    sa = np.asarray(train.sum(axis=1)).ravel()[:, None]
    sb = np.asarray(test.sum(axis=1)).ravel()[None, :]
    union = np.maximum(sa + sb - inter, 1)
    return ((inter / union) >= threshold).any(axis=1) & (sa.ravel() > 0)


def baseline(train_x: list[str], train_y: list[str], test_x: list[str]) -> tuple[np.ndarray, float]:
    """TF-IDF word 1-3 + char 2-5 grams, logistic regression, raw text: the starting point."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    t0 = time.perf_counter()
    model = make_pipeline(make_union(TfidfVectorizer(ngram_range=(1, 3)),
                                     TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2)),
                          LogisticRegression(C=10, max_iter=1000, solver="saga")).fit(train_x, train_y)
    return model.predict(test_x), time.perf_counter() - t0


def with_plain_questions(texts: list[str], pred) -> np.ndarray:
    """The model's labels with plain questions set neutral, as sentiment() does."""
    from pipelines.feedback.sentiment import plain_questions

    return np.where(plain_questions(texts), "neutral", np.asarray(pred, dtype=object)).astype(str)


def report(name: str, truth: list[str], pred, seconds: float | None = None) -> float:
    p, r, f, n = precision_recall_fscore_support(truth, pred, labels=list(LABELS), zero_division=0)
    macro = f1_score(truth, pred, labels=list(LABELS), average="macro", zero_division=0)
    took = f", trained in {seconds:.1f} s" if seconds is not None else ""
    print(f"\n{name}: macro-F1 {macro:.3f}{took}")
    print(f"{'class':9s} {'support':>7s} {'precision':>9s} {'recall':>7s} {'F1':>6s}")
    for k, label in enumerate(LABELS):
        print(f"{label:9s} {n[k]:7d} {p[k]:9.3f} {r[k]:7.3f} {f[k]:6.3f}")
    return macro


class Pool:
    """Training and validation texts of SmSA and NusaX with each text's Indonesian version."""

    def __init__(self, fixtures: Path):
        smsa = fixtures / "text/smsa"
        nusax = fixtures / "text/nusax/sentiment"
        self.parts: dict[str, dict[str, list]] = {}
        for split in ("train", "valid"):
            st, sl = read_smsa(smsa / f"{split}_preprocess.tsv")
            rows = read_nusax(nusax, split)
            indo = {r["id"]: r["text"] for r in rows if r["language"] == "indonesian"}
            self.parts[split] = {"text": st + [r["text"] for r in rows], "label": sl + [r["label"] for r in rows],
                                 "indonesian": st + [indo[r["id"]] for r in rows]}
        self.smsa_test = read_smsa(smsa / "test_preprocess.tsv")
        self.nusax_test = read_nusax(nusax, "test")

    def without(self, test_indonesian: list[str]) -> tuple[dict, dict, int]:
        kept, dropped = {}, 0
        for split, part in self.parts.items():
            drop = near_copies(part["indonesian"], test_indonesian)
            dropped += int(drop.sum())
            kept[split] = {k: [v for v, d in zip(vals, drop, strict=True) if not d] for k, vals in part.items()}
        return kept["train"], kept["valid"], dropped


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixtures", type=Path, default=Path("/work/shared/fixtures"))
    args = ap.parse_args()
    pool = Pool(args.fixtures)
    n_train = len(pool.parts["train"]["text"]) + len(pool.parts["valid"]["text"])
    print(f"training pool: SmSA train+valid and NusaX train+valid in {len(LANGS)} languages, {n_train} texts")

    # --- SmSA test -------------------------------------------------------------------------------------------
    test_x, test_y = pool.smsa_test
    train, valid, dropped = pool.without(test_x)
    print(f"\nSmSA test: {len(test_x)} texts; {dropped} training texts removed as near-copies of them")
    pred, secs = baseline(train["text"] + valid["text"], train["label"] + valid["label"], test_x)
    b_smsa = report("baseline TF-IDF word 1-3 + char 2-5, logistic regression (train + valid)", test_y, pred, secs)
    model = SentimentModel().fit(train["text"], train["label"], valid["text"], valid["label"], refit=False)
    g_smsa = report("Gaung: NB-SVM + TF-IDF SGD, normalised (regional words, emoji), negation scope (train; valid "
                    "for tuning)", test_y, model.predict(test_x), model.fit_seconds_)
    q_smsa = report("Gaung as sentiment() runs it: plain questions neutral", test_y,
                    with_plain_questions(test_x, model.predict(test_x)))

    # --- NusaX test, per language ----------------------------------------------------------------------------
    rows = pool.nusax_test
    indo_test = [r["text"] for r in rows if r["language"] == "indonesian"]
    train, valid, dropped = pool.without(indo_test)
    print(f"\nNusaX test: {len(indo_test)} texts in each of {len(LANGS)} languages; {dropped} training texts removed "
          "as near-copies (their Indonesian version) of a test text")
    texts = [r["text"] for r in rows]
    bpred, bsecs = baseline(train["text"] + valid["text"], train["label"] + valid["label"], texts)
    model = SentimentModel().fit(train["text"], train["label"], valid["text"], valid["label"], refit=False)
    gpred = model.predict(texts)
    qpred = with_plain_questions(texts, gpred)
    print(f"baseline trained in {bsecs:.1f} s, Gaung in {model.fit_seconds_:.1f} s")
    print(f"\n{'language':12s} {'texts':>5s} {'baseline':>9s} {'Gaung':>7s}   (macro-F1)")
    langs = np.array([r["language"] for r in rows])
    truth = np.array([r["label"] for r in rows])
    b_all, g_all, q_all = [], [], []
    for lang in LANGS:
        m = langs == lang
        b = f1_score(truth[m], bpred[m], labels=list(LABELS), average="macro", zero_division=0)
        g = f1_score(truth[m], gpred[m], labels=list(LABELS), average="macro", zero_division=0)
        b_all.append(b)
        g_all.append(g)
        q_all.append(f1_score(truth[m], qpred[m], labels=list(LABELS), average="macro", zero_division=0))
        print(f"{lang:12s} {int(m.sum()):5d} {b:9.3f} {g:7.3f}")
    regional = [i for i, lang in enumerate(LANGS) if lang not in ("indonesian", "english")]
    print(f"{'mean (12)':12s} {'':5s} {np.mean(b_all):9.3f} {np.mean(g_all):7.3f}")
    print(f"{'mean (10 regional)':18s} {np.mean([b_all[i] for i in regional]):3.3f} "
          f"{np.mean([g_all[i] for i in regional]):7.3f}")
    print(f"\nsummary: SmSA test macro-F1 {g_smsa:.3f} (baseline {b_smsa:.3f}); NusaX test mean macro-F1 over 12 "
          f"languages {np.mean(g_all):.3f} (baseline {np.mean(b_all):.3f})")
    print(f"with plain questions neutral, as sentiment() does: SmSA test {q_smsa:.3f}, NusaX mean {np.mean(q_all):.3f}")

    with tempfile.TemporaryDirectory() as cache:
        shipped(Path(cache))


def shipped(cache: Path) -> None:
    t0 = time.perf_counter()
    final = sentiment_model(cache)
    cold = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in cache.iterdir())
    print(f"\nshipped model (SmSA + NusaX train + valid, refit): first use (train + pickle) {cold:.1f} s, "
          f"pickle {size / 1e6:.1f} MB")
    reviews = pl.read_csv(PRDECT, infer_schema=False)
    texts = reviews["Customer Review"].fill_null("").to_list()
    gold = np.array(reviews["Sentiment"].str.to_lowercase().to_list())
    t0 = time.perf_counter()
    proba = final.predict_proba(texts)
    took = time.perf_counter() - t0
    print(f"prediction throughput: {len(texts) / took:,.0f} reviews/s ({len(texts)} PRDECT-ID reviews in {took:.2f} s)")
    text_pred = np.array(LABELS)[proba.argmax(axis=1)]
    polar = np.where(proba[:, 2] >= proba[:, 0], "positive", "negative")
    print(f"\nPRDECT-ID ({len(texts)} Tokopedia reviews, labels positive/negative)")
    print(f"text only, 3 classes (neutral counts as wrong): accuracy {np.mean(text_pred == gold):.3f}"
          f" ({int((text_pred == 'neutral').sum())} said neutral)")
    print(f"text only, positive vs negative (P(pos) >= P(neg)): accuracy {np.mean(polar == gold):.3f}")
    labels, _ = sentiment(texts, reviews["Customer Rating"].cast(pl.Int32).to_list(), cache_dir=cache)
    print(f"sentiment() with the star ratings: accuracy {np.mean(np.array(labels) == gold):.3f}")
    food = ["pedasnya nampol, bikin nagih", "jadi lapar liat postingannya", "sambalnya pedes banget, mantap",
            "enak bgt 😍😍", "mau dong 🤤"]
    print("food words and emoji: " + ", ".join(f"{t!r}: {lab}" for t, lab in zip(food, sentiment(food, cache_dir=cache)[0],
                                                                                 strict=True)))


if __name__ == "__main__":
    main()
