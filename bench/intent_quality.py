"""Intent quality on the hand-labelled development set (tests/fixtures/devset/intent_devset.csv: 1,110 real
texts from SmSA, NusaX in 12 languages, PRDECT-ID and CASA), by grouped cross-validation: a NusaX text in all
its languages, and a SmSA text with its NusaX near-copy, stay in one fold, so no model is scored on a
translation of a text it was trained on. Three methods in the same run, on the same folds:

- baseline: TF-IDF word 1-2 + char 2-5 grams of the raw text, logistic regression (class-balanced);
- Gaung rules alone (no training);
- Gaung model (rules + classifier, what classify_intent uses), refit in each fold on the training folds only.

Printed: macro-F1 over the five intents and over the four with real support (question has 2 texts), per-class
precision / recall / F1, product-idea precision and recall, then per source and sampling kind, and complaint
F1 on PRDECT-ID's reviews with stars. Every figure is held-out (out-of-fold); nothing is tuned on the folds.

    python bench/intent_quality.py [--folds 5] [--repeats 3]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import polars as pl
from sklearn.metrics import f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedGroupKFold

from pipelines.demo.businesses import BUSINESSES
from pipelines.feedback.intent import INTENTS, IntentModel, classify_intent

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT / "tests/fixtures/devset/intent_devset.csv"
MAIN4 = ["product_idea", "complaint", "praise", "other"]


def baseline_fit_predict(train: pl.DataFrame, test: pl.DataFrame) -> list[str]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    model = make_pipeline(make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                                     TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
                          LogisticRegression(C=4.0, class_weight="balanced", max_iter=3000))
    return model.fit(train["text"].to_list(), train["intent"].to_list()).predict(test["text"].to_list()).tolist()


def gaung_fit_predict(train: pl.DataFrame, test: pl.DataFrame) -> list[str]:
    model = IntentModel().fit(train["text"], train["intent"].to_list(), train["rating"], train["group"])
    return model.predict(test["text"], test["rating"])


def rules_predict(_train: pl.DataFrame, test: pl.DataFrame) -> list[str]:
    return classify_intent(test["text"], test["rating"], method="rules").to_list()


def out_of_fold(dev: pl.DataFrame, method, folds: int, seed: int) -> np.ndarray:
    pred = np.empty(dev.height, dtype=object)
    cv = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    for tr, te in cv.split(np.zeros(dev.height), dev["intent"].to_numpy(), dev["group"].to_numpy()):
        pred[te] = method(dev[tr], dev[te])
    return pred


def scores(truth: np.ndarray, pred: np.ndarray, weight: np.ndarray | None = None) -> dict[str, float]:
    p, r, f, _ = precision_recall_fscore_support(truth, pred, labels=["product_idea", "complaint"], zero_division=0,
                                                 sample_weight=weight)
    return {"macro5": f1_score(truth, pred, labels=list(INTENTS), average="macro", zero_division=0, sample_weight=weight),
            "macro4": f1_score(truth, pred, labels=MAIN4, average="macro", zero_division=0, sample_weight=weight),
            "idea_p": p[0], "idea_r": r[0], "complaint_f1": f[1]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=3, help="cross-validation repeats with different fold seeds")
    ap.add_argument("--skip-baseline", action="store_true", help="leave the baseline out (while developing)")
    args = ap.parse_args()
    dev = pl.read_csv(DEVSET, infer_schema=False).with_columns(pl.col("rating").fill_null(""))
    truth = dev["intent"].to_numpy()
    print(f"development set: {dev.height} texts, {dev['group'].n_unique()} groups; "
          + ", ".join(f"{k} {v}" for k, v in dev["intent"].value_counts(sort=True).iter_rows()))
    methods = {"baseline TF-IDF + LR (raw text)": baseline_fit_predict, "Gaung rules alone": rules_predict,
               "Gaung model (rules + classifier)": gaung_fit_predict}
    if args.skip_baseline:
        methods.pop("baseline TF-IDF + LR (raw text)")
    preds: dict[str, np.ndarray] = {}
    print(f"\n{args.folds}-fold grouped cross-validation, {args.repeats} repeats (mean; min-max over repeats)")
    print(f"{'method':34s} {'macro-F1 (5)':>14s} {'macro-F1 (4)':>14s} {'idea P':>13s} {'idea R':>13s} "
          f"{'complaint F1':>13s} {'s/fold':>7s}")
    # NusaX's versions of one text in twelve languages form one group: scored once more with each group counting
    # as one text, so that eight requests translated twelve times do not weigh as 93 requests
    once = 1.0 / dev.select(pl.len().over("group"))["len"].to_numpy()
    weighted: dict[str, str] = {}
    for name, method in methods.items():
        runs, runs_once, t0 = [], [], time.perf_counter()
        for rep in range(args.repeats):
            pred = out_of_fold(dev, method, args.folds, seed=rep)
            runs.append(scores(truth, pred))
            runs_once.append(scores(truth, pred, once))
            if rep == 0:
                preds[name] = pred
        took = (time.perf_counter() - t0) / (args.folds * args.repeats)
        for target, rs in ((None, runs), (weighted, runs_once)):
            cells = []
            for key in ("macro5", "macro4", "idea_p", "idea_r", "complaint_f1"):
                v = np.array([r[key] for r in rs])
                cells.append(f"{v.mean():.3f} ({v.min():.2f}-{v.max():.2f})")
            line = f"{name:34s} " + " ".join(f"{c:>13s}" for c in cells)
            if target is None:
                print(line + f" {took:7.2f}")
            else:
                target[name] = line
    print(f"\nthe same, each group of translations counted once ({dev['group'].n_unique()} groups)")
    for line in weighted.values():
        print(line)

    for name, pred in preds.items():
        p, r, f, n = precision_recall_fscore_support(truth, pred, labels=list(INTENTS), zero_division=0)
        print(f"\n{name}, repeat 0, per class")
        print(f"{'intent':14s} {'support':>7s} {'precision':>9s} {'recall':>7s} {'F1':>6s}")
        for k, c in enumerate(INTENTS):
            print(f"{c:14s} {n[k]:7d} {p[k]:9.3f} {r[k]:7.3f} {f[k]:6.3f}")

    print("\nper source and sampling (repeat 0): macro-F1 over the intents present / product-idea P and R")
    parts = dev.with_row_index("i").group_by("source", "sampling", maintain_order=True).agg(pl.col("i"))
    header = " | ".join(f"{n.split(' (')[0]:>32s}" for n in preds)
    print(f"{'source / sampling':34s} {'texts':>5s} {'ideas':>5s} | {header}")
    for source, sampling, idx in parts.iter_rows():
        idx = np.array(idx)
        t = truth[idx]
        present = sorted(set(t))
        ideas = int((t == "product_idea").sum())
        cells = []
        for pred in preds.values():
            pr = pred[idx]
            m = f1_score(t, pr, labels=present, average="macro", zero_division=0)
            tp = int(((pr == "product_idea") & (t == "product_idea")).sum())
            npred = int((pr == "product_idea").sum())
            ip = f"{tp / npred:.2f}" if npred else "-"
            ir = f"{tp / ideas:.2f}" if ideas else "-"
            cells.append(f"F1 {m:.3f} P {ip:>4s} R {ir:>4s}")
        print(f"{source + ' / ' + sampling:34s} {len(idx):5d} {ideas:5d} | " + " | ".join(f"{c:>32s}" for c in cells))

    langs = dev.with_row_index("i").filter(pl.col("source") == "nusax").group_by("language").agg(pl.col("i"))
    print("\nNusaX texts by language (repeat 0): accuracy")
    for lang, idx in sorted(langs.iter_rows()):
        idx = np.array(idx)
        print(f"  {lang:12s} {len(idx):3d} texts  " + "  ".join(
            f"{n.split(' (')[0]}: {float((pred[idx] == truth[idx]).mean()):.2f}" for n, pred in preds.items()))

    rev = dev.with_row_index("i").filter(pl.col("source") == "prdect_id")
    idx = rev["i"].to_numpy()
    five = idx[rev["rating"].to_numpy() == "5"]
    print(f"\nPRDECT-ID reviews ({len(idx)}, {int((truth[idx] == 'complaint').sum())} complaints, "
          f"{int((truth[five] == 'complaint').sum())} of them with 5 stars): complaint F1 / recall on 5-star complaints")
    for name, pred in preds.items():
        f = f1_score(truth[idx], pred[idx], labels=["complaint"], average="macro", zero_division=0)
        c5 = five[truth[five] == "complaint"]
        rec5 = float((pred[c5] == "complaint").mean()) if len(c5) else float("nan")
        print(f"  {name:34s} complaint F1 {f:.3f}   5-star complaints found {rec5:.2f}")

    planted = [t for b in BUSINESSES.values() for theme, lines in b["themes"].items() if theme.startswith("request")
               for t in lines]
    pred = classify_intent(pl.Series(planted))
    print(f"\ndemo planted requests (shipped model): {int((pred == 'product_idea').sum())} of {len(planted)} "
          "recognised as product ideas")


if __name__ == "__main__":
    main()
