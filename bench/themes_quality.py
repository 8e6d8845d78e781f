"""Theme quality and speed: Gaung's themes against BERTopic (default settings, same embeddings), same run.

Quality: adjusted Rand index and NMI against real labels, the number of themes chosen automatically,
unassigned texts counted as their own group for both tools (BERTopic's outliers, topic -1, likewise):
- CASA (IndoNLU car reviews): rows with exactly one non-neutral aspect, the aspect as the label;
- every development set in tests/fixtures/devset with a `theme` column (the PRDECT-ID sets of 300 and 600
  reviews: the hand-labelled aspect a review is about), and those sets together;
- the demo businesses: every customer text of each tenant is analysed, texts from a planted theme are scored.
Gaung runs as the product runs: one clustering over all texts, intent only a facet (it groups the ideas).

Speed and memory: 100,000 distinct texts with embeddings given (sentences of SmSA recombined; their
embeddings the normalised mean of the parts' real embeddings), each tool in a fresh process.
Then the demo pipeline twice: the second themes run embeds zero texts.

Run: .venv/bin/python bench/themes_quality.py [--skip-speed] [--skip-quality]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT.parent / "shared" / "fixtures" / "text"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(ROOT))


def casa() -> tuple[list[str], list[str]]:
    aspects = ["fuel", "machine", "others", "part", "price", "service"]
    frame = pl.concat([pl.read_csv(FIXTURES / "casa" / f"{s}_preprocess.csv") for s in ("train", "valid", "test")])
    frame = frame.filter(pl.sum_horizontal([(pl.col(a) != "neutral").cast(pl.Int32) for a in aspects]) == 1)
    label = frame.select(pl.coalesce([pl.when(pl.col(a) != "neutral").then(pl.lit(a)) for a in aspects])).to_series()
    return frame["sentence"].to_list(), label.to_list()


def devsets() -> list[tuple[str, list[str], list[str], list | None]]:
    """(name, texts, theme labels, ratings) of each development set with a theme column."""
    out = []
    for path in sorted((ROOT / "tests" / "fixtures" / "devset").glob("*.csv")):
        frame = pl.read_csv(path, infer_schema=False)
        if "theme" not in frame.columns or "text" not in frame.columns:
            continue
        frame = frame.filter(pl.col("theme").is_not_null() & (pl.col("theme").str.strip_chars() != "")
                             & pl.col("text").is_not_null())
        if frame.height < 50:
            continue
        ratings = (frame["rating"].cast(pl.Float64, strict=False).cast(pl.Int32).to_list()
                   if "rating" in frame.columns else None)
        out.append((f"dev set {path.stem}", frame["text"].to_list(), frame["theme"].to_list(), ratings))
    if len(out) > 1:
        # the sets together: more texts, a steadier figure than either alone (BERTopic's ARI there moves by half
        # from run to run)
        out.append((f"dev sets together ({len(out)})", sum((o[1] for o in out), []), sum((o[2] for o in out), []),
                    sum(((o[3] or [None] * len(o[1])) for o in out), [])))
    return out


def demo_tenants(home: Path) -> dict[str, tuple[list[str], list[int | None], list[str | None]]]:
    """Every customer text of each demo tenant, with its rating and planted theme (None when not planted)."""
    import duckdb

    from pipelines.demo.businesses import BUSINESSES

    out = {}
    for tenant, biz in BUSINESSES.items():
        con = duckdb.connect(str(home / "warehouse" / f"{tenant}.duckdb"), read_only=True)
        voice = con.sql("select text, rating from marts.fct_customer_voice where not is_from_business "
                        "and text is not null and trim(text) <> '' order by voice_id").pl()
        con.close()
        labels = []
        for text in voice["text"].to_list():
            hits = [name for name, pool in biz["themes"].items() if any(p in text for p in pool)]
            labels.append(hits[0] if len(hits) == 1 else None)
        out[tenant] = (voice["text"].to_list(), voice["rating"].to_list(), labels)
    return out


def gaung_clusters(texts, embeddings, ratings=None):
    from pipelines.feedback.intent import classify_intent
    from pipelines.feedback.themes import find_themes

    intents = classify_intent(pl.Series(texts, dtype=pl.String),
                              pl.Series(ratings, dtype=pl.Int32) if ratings is not None else None).to_list()
    return find_themes(texts, embeddings, intents).cluster


def bertopic_clusters(texts, embeddings, seed=None):
    from bertopic import BERTopic

    topics, _ = BERTopic().fit_transform(texts, embeddings)
    return np.asarray(topics)


def scores(labels, clusters):
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    keep = [i for i, lab in enumerate(labels) if lab is not None]
    y = [labels[i] for i in keep]
    c = np.asarray(clusters)[keep]
    n_themes = len(set(np.asarray(clusters).tolist()) - {-1})
    return (adjusted_rand_score(y, c), normalized_mutual_info_score(y, c), n_themes,
            float(np.mean(np.asarray(clusters) == -1)))


def quality(embedder) -> None:
    print("\n## Quality (ARI / NMI; themes chosen automatically; unassigned share)")
    print(f"{'set':40s} {'n':>6s}  {'Gaung':>30s}  {'BERTopic (mean of 3)':>30s}  ARI ratio")
    sets: list[tuple[str, list[str], list, list | None]] = []
    t, y = casa()
    sets.append(("CASA single-aspect", t, y, None))
    sets.extend(devsets())
    home = Path(tempfile.mkdtemp(prefix="gaung-bench-themes-"))
    _demo(home)
    for tenant, (texts, rts, labels) in demo_tenants(home).items():
        sets.append((f"demo {tenant}", texts, labels, rts))
    for name, texts, labels, rts in sets:
        emb = embedder.embed(texts)
        ours = scores(labels, gaung_clusters(texts, emb, rts))
        bt = [scores(labels, bertopic_clusters(texts, emb)) for _ in range(3)]
        bt_ari = float(np.mean([b[0] for b in bt]))
        bt_nmi = float(np.mean([b[1] for b in bt]))
        bt_k = float(np.mean([b[2] for b in bt]))
        bt_out = float(np.mean([b[3] for b in bt]))
        n = sum(lab is not None for lab in labels)
        ratio = f"{ours[0] / bt_ari:.2f}x" if bt_ari > 0 else "n/a (BERTopic <= 0)"
        print(f"{name:40s} {n:6d}  {ours[0]:.3f}/{ours[1]:.3f} k={ours[2]:<3d} un={ours[3]:4.0%}     "
              f"{bt_ari:.3f}/{bt_nmi:.3f} k={bt_k:<4.1f} un={bt_out:4.0%}  {ratio}", flush=True)
    print("(BERTopic: mean of 3 runs, its UMAP is not seeded by default; target: Gaung ARI >= 2x BERTopic's, "
          "<= 10% unassigned)")
    _rerun(home, embedder)


def _demo(home: Path) -> None:
    import subprocess

    env = dict(os.environ, GAUNG_HOME=str(home), GAUNG_SECRET_KEY="bench")
    subprocess.run([str(Path(sys.executable).parent / "gaung"), "demo", "--exports-only"], env=env, check=True,
                   capture_output=True)
    os.environ["GAUNG_HOME"] = str(home)
    os.environ["GAUNG_SECRET_KEY"] = "bench"
    from pipelines.run import ingest_stage
    from pipelines.settings import Settings
    from pipelines.tenants import load_tenants

    settings = Settings()
    for tenant in load_tenants(settings.tenants_path).values():
        ingest_stage(tenant, [settings.landing_dir(tenant.id)], fmt=None, settings=settings, now=datetime.now(UTC))


def _rerun(home: Path, embedder) -> None:
    from pipelines.run import themes_stage
    from pipelines.settings import Settings
    from pipelines.tenants import load_tenants

    settings = Settings()
    print("\n## Re-runs on unchanged demo data (themes_stage per tenant)")
    for tenant in load_tenants(settings.tenants_path).values():
        t0 = time.perf_counter()
        first = themes_stage(tenant, settings=settings, now=datetime.now(UTC), embedder=embedder)
        t1 = time.perf_counter()
        second = themes_stage(tenant, settings=settings, now=datetime.now(UTC), embedder=embedder)
        t2 = time.perf_counter()
        forced = themes_stage(tenant, settings=settings, now=datetime.now(UTC), embedder=embedder, force=True)
        t3 = time.perf_counter()
        print(f"{tenant.id:26s} first: {first.get('embedded', 0):4d} embedded, {t1 - t0:5.2f} s;"
              f" second: {'skipped (unchanged)' if not second else second}, {t2 - t1:5.2f} s;"
              f" forced: {forced.get('embedded', 0)} embedded, {t3 - t2:5.2f} s")


def speed_inputs(n: int = 100_000) -> tuple[list[str], np.ndarray]:
    from pipelines.feedback.embeddings import SentenceTransformerEmbedder

    base = pl.read_csv(FIXTURES / "smsa" / "train_preprocess.tsv", separator="\t", has_header=False,
                       quote_char=None)[:, 0].unique(maintain_order=True).to_list()
    cache = Path(tempfile.gettempdir()) / f"gaung-bench-smsa-{len(base)}.npy"
    if cache.exists():
        base_emb = np.load(cache)
    else:
        print(f"embedding {len(base):,} SmSA texts once (cached in {cache}) ...", flush=True)
        base_emb = SentenceTransformerEmbedder().embed(base)
        np.save(cache, base_emb)
    rng = random.Random(0)
    texts, vectors, seen = list(base), [base_emb], set(base)
    pairs = []
    while len(texts) < n:
        a, b = rng.randrange(len(base)), rng.randrange(len(base))
        text = base[a].split(" . ")[0] + " . " + base[b].split(" . ")[-1]
        if text in seen:
            continue
        seen.add(text)
        texts.append(text)
        pairs.append((a, b))
    if pairs:
        idx = np.asarray(pairs)
        mixed = base_emb[idx[:, 0]] + base_emb[idx[:, 1]]
        vectors.append(mixed / np.linalg.norm(mixed, axis=1, keepdims=True))
    return texts[:n], np.vstack(vectors)[:n].astype(np.float32)


def _timed(tool: str, path: str) -> tuple[float, float, int, float]:
    data = np.load(path, allow_pickle=True)
    texts, emb = data["texts"].tolist(), data["emb"]
    t0 = time.perf_counter()
    if tool == "gaung":
        clusters = gaung_clusters(texts, emb)
    else:
        clusters = bertopic_clusters(texts, emb)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return seconds, peak, len(set(clusters.tolist()) - {-1}), float(np.mean(clusters == -1))


def speed() -> None:
    texts, emb = speed_inputs()
    path = Path(tempfile.gettempdir()) / "gaung-bench-themes-100k.npz"
    np.savez(path, texts=np.asarray(texts, dtype=object), emb=emb)
    print(f"\n## Speed and memory: {len(texts):,} distinct texts, embeddings given ({emb.shape[1]} dims)")
    results = {}
    for tool in ("gaung", "bertopic"):
        with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
            results[tool] = pool.submit(_timed, tool, str(path)).result()
        s, mb, k, un = results[tool]
        print(f"{tool:9s} {s:7.1f} s   peak {mb:7.0f} MB   {k} themes   {un:.1%} unassigned", flush=True)
    print(f"Gaung is {results['bertopic'][0] / results['gaung'][0]:.1f}x faster than BERTopic at "
          f"{results['gaung'][1] / results['bertopic'][1]:.2f}x its peak memory (target: < 60 s, < 4 GB)")
    path.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args()
    from pipelines.feedback.embeddings import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder()
    print(f"embedding model: {embedder.name}")
    if not args.skip_quality:
        quality(embedder)
    if not args.skip_speed:
        speed()


if __name__ == "__main__":
    main()
