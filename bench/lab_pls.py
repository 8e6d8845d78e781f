"""PLS-SEM engine against its peer, seminr 0.2.1 (the Python port of R seminr; GPL-3.0, bench extra only).

On the ECSI mobi data (tests/fixtures/lab/mobi.csv): path estimates of both engines (PLS Mode A and
PLSc), then the same 2,000 bootstrap resamples (identical row indices given to both) fitted by each,
timed as wall clock in this process, with the largest difference in the 95% percentile limits.
Run: .venv/bin/python bench/lab_pls.py   (needs `pip install seminr==0.2.1`, the bench extra)
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

import numpy as np

from pipelines.lab import pls
from pipelines.lab.fit import bootstrap

MOBI = Path(__file__).parents[1] / "tests" / "fixtures" / "lab" / "mobi.csv"
BLOCKS = {"Image": [f"IMAG{i}" for i in range(1, 6)], "Expectation": [f"CUEX{i}" for i in range(1, 4)],
          "Value": ["PERV1", "PERV2"], "Satisfaction": [f"CUSA{i}" for i in range(1, 4)]}
NBOOT = 2000


def main() -> None:
    import pandas as pd
    import seminr

    with MOBI.open() as fh:
        rows = list(csv.reader(fh))
    frame = pd.DataFrame(np.array(rows[1:], dtype=float), columns=rows[0])
    sm = seminr.relationships(seminr.paths(from_=["Image", "Expectation", "Value"], to="Satisfaction"))
    rng = np.random.default_rng(123)
    indices = rng.integers(0, len(frame), size=(NBOOT, len(frame)))
    counts = np.zeros((NBOOT, len(frame)))
    np.add.at(counts, (np.repeat(np.arange(NBOOT), len(frame)), indices.ravel()), 1.0)
    print(f"mobi: {len(frame)} rows; {NBOOT} bootstrap resamples, the same row indices for both engines")
    for label, mode, weights in (("PLS mode A, path weighting", "composite_a", seminr.path_weighting),
                                 ("PLSc, factorial weighting", "reflective", seminr.path_factorial)):
        mm = seminr.constructs(*[(seminr.reflective(n, items) if mode == "reflective" else
                                  seminr.composite(n, items, weights=seminr.mode_A)) for n, items in BLOCKS.items()])
        spec = pls.ModelSpec(tuple(pls.Construct(n, tuple(i), mode) for n, i in BLOCKS.items()),
                             tuple((n, "Satisfaction") for n in ("Image", "Expectation", "Value")),
                             "path" if mode == "composite_a" else "factorial").validate()
        lay = pls.Layout(spec)
        X = frame[spec.indicators].to_numpy()
        ours = pls.estimate(pls.correlation(X)[None], lay)
        theirs = seminr.estimate_pls(frame, mm, sm, inner_weights=weights)
        diff = max(abs(ours.beta[0, k, 3] - theirs.path_coef.get(n, "Satisfaction")) for k, n in enumerate(BLOCKS) if k < 3)
        t0 = time.perf_counter()
        ours_boot, dropped = bootstrap_with_counts(X, lay, ours.W[0], counts)
        t_ours = time.perf_counter() - t0
        t0 = time.perf_counter()
        boot = seminr.bootstrap_model(theirs, nboot=NBOOT, indices=indices, cores=1)
        t_theirs = time.perf_counter() - t0
        draws = seminr.boot_paths_df(boot).values
        ci_ours = np.quantile(ours_boot.beta[:, :3, 3], [0.025, 0.975], axis=0)
        ci_theirs = np.quantile(draws, [0.025, 0.975], axis=0)
        print(f"\n{label}")
        print(f"  paths: largest difference between engines {diff:.1e}")
        print(f"  bootstrap: gaung {t_ours:.2f} s, seminr {t_theirs:.2f} s (seminr / gaung = {t_theirs / t_ours:.1f}x); "
              f"resamples dropped: gaung {dropped}, seminr {boot.fails}")
        print(f"  95% percentile limits: largest difference {np.abs(ci_ours - ci_theirs).max():.1e}")


def bootstrap_with_counts(X, lay, reference, counts):
    """The engine's bootstrap on given resamples (the same rows seminr gets)."""
    import pipelines.lab.fit as fit

    original = pls.iid_counts
    queue = iter(np.array_split(counts, range(fit.CHUNK, len(counts), fit.CHUNK)))
    pls.iid_counts = lambda rng, n, b: next(queue)
    try:
        return bootstrap(X, lay, reference, len(counts), seed=0)
    finally:
        pls.iid_counts = original


if __name__ == "__main__":
    main()
