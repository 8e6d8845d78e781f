"""Fit a path model with bootstrap intervals: the tables `gaung model fit` writes (paths, indirect, quality)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from pipelines.lab import pls
from pipelines.lab.pls import Layout, ModelSpec

CHUNK = 250  # resamples per batch: bounds memory at CHUNK x p x p floats


@dataclass
class FitResult:
    spec: ModelSpec
    n: int
    boot: int
    seed: int
    resampling: str
    paths: list[dict] = field(default_factory=list)      # from, to, estimate, ci_low, ci_high, p
    indirect: list[dict] = field(default_factory=list)   # path, estimate, ci_low, ci_high, p
    quality: list[dict] = field(default_factory=list)    # measure, construct, item, value
    r2: dict[str, float] = field(default_factory=dict)
    warnings: list[tuple[str, dict]] = field(default_factory=list)  # (message key, params)
    dropped_resamples: int = 0


def _interval(est: float, draws: np.ndarray, level: float) -> tuple[float, float, float]:
    """Percentile interval and a two-sided p from the bootstrap standard error (t against a normal)."""
    if draws.size == 0:
        return math.nan, math.nan, math.nan
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
    sd = draws.std(ddof=1) if draws.size > 1 else math.nan
    p = math.erfc(abs(est) / sd / math.sqrt(2)) if sd and sd > 0 else (0.0 if est != 0 else 1.0)
    return float(lo), float(hi), float(p)


def bootstrap(X: np.ndarray, lay: Layout, reference: np.ndarray, boot: int, seed: int,
              resampling: str = "iid", block_length: int | None = None) -> tuple[pls.Estimates | None, int]:
    """B resampled fits, sign-aligned to the reference weights; non-finite resamples are dropped and counted."""
    if boot <= 0:
        return None, 0
    rng = np.random.default_rng(seed)
    n, p = X.shape
    Z = (X - X.mean(0)) / X.std(0, ddof=1)
    outer = (Z[:, :, None] * Z[:, None, :]).reshape(n, p * p)
    parts: list[pls.Estimates] = []
    for start in range(0, boot, CHUNK):
        b = min(CHUNK, boot - start)
        counts = pls.iid_counts(rng, n, b) if resampling == "iid" else pls.block_counts(rng, n, b, block_length)
        m = counts.sum(1, keepdims=True)
        mean = counts @ Z / m
        cov = (counts @ outer).reshape(b, p, p) / m[..., None] - np.einsum("bi,bj->bij", mean, mean)
        sd = np.sqrt(np.clip(np.einsum("bii->bi", cov), 0, None))
        with np.errstate(divide="ignore", invalid="ignore"):
            S = cov / np.einsum("bi,bj->bij", sd, sd)
        ok = np.isfinite(S).all(axis=(1, 2)) & (sd > 1e-12).all(1)
        S = S[ok]
        if len(S):
            with np.errstate(all="ignore"):
                try:
                    parts.append(pls.estimate(S, lay, reference))
                except np.linalg.LinAlgError:
                    parts.append(_estimate_one_by_one(S, lay, reference))
    if not parts:
        return None, boot
    est = pls.Estimates(*(np.concatenate([getattr(e, f) for e in parts]) for f in
                          ("W", "R", "beta", "r2", "loadings", "rho_a", "iterations")))
    good = np.isfinite(est.beta).all(axis=(1, 2)) & np.isfinite(est.loadings).all(1)
    est = pls.Estimates(*(getattr(est, f)[good] for f in ("W", "R", "beta", "r2", "loadings", "rho_a", "iterations")))
    return est, boot - int(good.sum())


def _estimate_one_by_one(S: np.ndarray, lay: Layout, reference: np.ndarray) -> pls.Estimates:
    """A batch with a singular resample: fit each alone so one bad resample drops only itself."""
    kept = []
    for s in S:
        try:
            kept.append(pls.estimate(s[None], lay, reference))
        except np.linalg.LinAlgError:
            continue
    if not kept:
        K, p = lay.P.shape[0], len(lay.block)
        nan = np.full((1,), np.nan)
        return pls.Estimates(np.full((1, p, K), np.nan), np.full((1, K, K), np.nan), np.full((1, K, K), np.nan),
                             np.full((1, K), np.nan), np.full((1, p), np.nan), np.full((1, K), np.nan), nan)
    return pls.Estimates(*(np.concatenate([getattr(e, f) for e in kept]) for f in
                           ("W", "R", "beta", "r2", "loadings", "rho_a", "iterations")))


def quality_rows(X: np.ndarray, lay: Layout, est: pls.Estimates) -> list[dict]:
    """Loadings, weights, Cronbach's alpha, composite reliability, AVE, rho_A, HTMT, VIF and R² in long form."""
    spec, S = lay.spec, pls.correlation(X)
    names, items = spec.names, spec.indicators
    rows: list[dict] = []

    def add(measure: str, construct: str, item: str, value: float) -> None:
        rows.append({"measure": measure, "construct": construct, "item": item, "value": float(value)})

    for i, item in enumerate(items):
        k = lay.block[i]
        add("loading", names[k], item, est.loadings[0, i])
        add("weight", names[k], item, est.W[0, i, k])
    blocks = {k: lay.rows(k) for k in range(len(names))}
    for k, r in blocks.items():
        lam = est.loadings[0, r]
        if len(r) > 1:
            Skk = S[np.ix_(r, r)]
            m = len(r)
            add("cronbach_alpha", names[k], "", m / (m - 1) * (1 - m / Skk.sum()))
            vif = np.diag(np.linalg.inv(Skk))
            for i, v in zip(r, vif, strict=True):
                add("vif_indicator", names[k], items[i], v)
        add("composite_reliability", names[k], "", lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam ** 2).sum()))
        add("ave", names[k], "", (lam ** 2).mean())
        add("rho_a", names[k], "", est.rho_a[0, k])
    for a in range(len(names)):
        for b in range(a + 1, len(names)):
            ra, rb = blocks[a], blocks[b]
            if len(ra) < 2 or len(rb) < 2:
                continue
            mono = [S[np.ix_(r, r)][np.triu_indices(len(r), 1)].mean() for r in (ra, rb)]
            hetero = S[np.ix_(ra, rb)].mean()
            if mono[0] > 0 and mono[1] > 0:
                add("htmt", names[a], names[b], hetero / math.sqrt(mono[0] * mono[1]))
    n = len(X)
    for j, pr in lay.preds.items():
        if len(pr) > 1:
            vif = np.diag(np.linalg.inv(est.R[0][np.ix_(pr, pr)]))
            for i, v in zip(pr, vif, strict=True):
                add("vif_path", names[j], names[i], v)
        r2 = est.r2[0, j]
        add("r2", names[j], "", r2)
        add("r2_adjusted", names[j], "", 1 - (1 - r2) * (n - 1) / (n - len(pr) - 1) if n - len(pr) - 1 > 0 else math.nan)
    return rows


def fit_model(X: np.ndarray, spec: ModelSpec, boot: int = 2000, seed: int = 1, resampling: str = "iid",
              level: float = 0.95, block_length: int | None = None) -> FitResult:
    """Estimate the model on X (rows x spec.indicators) and bootstrap paths and specific indirect effects."""
    X = np.asarray(X, dtype=float)
    lay = Layout(spec)
    est = pls.estimate(pls.correlation(X)[None], lay)
    res = FitResult(spec, len(X), boot, seed, resampling)
    if not np.isfinite(est.beta).all():
        raise pls.SpecError("fit_failed")
    if est.iterations[0] >= 500:
        res.warnings.append(("warn_not_converged", {}))
    for k, c in enumerate(spec.constructs):
        if c.mode == "reflective" and len(c.indicators) > 1 and not 0 < est.rho_a[0, k] <= 1:
            res.warnings.append(("warn_rho_a", {"construct": c.name, "value": f"{est.rho_a[0, k]:.3f}"}))
    K = len(spec.names)
    if (np.abs(est.R[0][~np.eye(K, dtype=bool)]) > 1).any():
        res.warnings.append(("warn_inadmissible", {}))
    draws, res.dropped_resamples = bootstrap(X, lay, est.W[0], boot, seed, resampling, block_length)
    if draws is not None and res.dropped_resamples:
        res.warnings.append(("warn_dropped", {"n": res.dropped_resamples, "boot": boot}))
    names = spec.names
    idx = {n: k for k, n in enumerate(names)}
    for a, b in spec.paths:
        e = float(est.beta[0, idx[a], idx[b]])
        d = draws.beta[:, idx[a], idx[b]] if draws is not None else np.empty(0)
        lo, hi, p = _interval(e, d, level)
        res.paths.append({"from": a, "to": b, "estimate": e, "ci_low": lo, "ci_high": hi, "p": p})
    cs, ind = pls.indirect_effects(est.beta, lay)
    ind_draws = pls.indirect_effects(draws.beta, lay)[1] if draws is not None else np.empty((0, len(cs)))
    for c, chain in enumerate(cs):
        lo, hi, p = _interval(float(ind[0, c]), ind_draws[:, c], level)
        res.indirect.append({"path": " -> ".join(names[k] for k in chain), "estimate": float(ind[0, c]),
                             "ci_low": lo, "ci_high": hi, "p": p})
    res.quality = quality_rows(X, lay, est)
    res.r2 = {names[j]: float(est.r2[0, j]) for j in lay.endogenous}
    return res
