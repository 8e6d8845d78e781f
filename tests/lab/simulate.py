"""Data simulated from content -> viral campaign -> co-creation with reflective indicators (tests only)."""

from __future__ import annotations

import numpy as np

from pipelines.lab.pls import spec_from_dict

SPEC = spec_from_dict({
    "constructs": {c: {"indicators": [f"{c.lower()}{i}" for i in (1, 2, 3)], "mode": "reflective"} for c in ("KD", "KV", "KK")},
    "paths": [["KD", "KV"], ["KD", "KK"], ["KV", "KK"]],
})


def simulate(rng: np.random.Generator, n: int, kd_kv: float, kd_kk: float, kv_kk: float, loading: float = 0.8) -> np.ndarray:
    """n rows of nine indicators (kd1..kk3): standardised constructs, each indicator loading `loading`."""
    kd = rng.standard_normal(n)
    kv = kd_kv * kd + np.sqrt(1 - kd_kv ** 2) * rng.standard_normal(n)
    explained = kd_kk ** 2 + kv_kk ** 2 + 2 * kd_kk * kv_kk * kd_kv
    kk = kd_kk * kd + kv_kk * kv + np.sqrt(1 - explained) * rng.standard_normal(n)
    noise = np.sqrt(1 - loading ** 2)
    return np.column_stack([loading * eta[:, None] + noise * rng.standard_normal((n, 3)) for eta in (kd, kv, kk)])
