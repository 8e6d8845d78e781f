"""The lab demo's planted structure: businesses' behaviour rates carry the planted paths (no pipeline run)."""

from __future__ import annotations

import numpy as np

from pipelines.demo.generate import _rng
from pipelines.lab.demo import PLANTED, behaviour, latent_scores
from pipelines.lab.fit import fit_model
from pipelines.lab.pls import spec_from_dict

RATES = {"KD": ["active_week_prob", "posts_per_active_week", "video_prob"],
         "KV": ["share_rate", "spike_prob", "views_per_follower"],
         "KK": ["ideas_per_week", "new_idea_customer_prob", "idea_answer_prob"]}
SPEC = spec_from_dict({"constructs": {k: {"indicators": v, "mode": "composite_a"} for k, v in RATES.items()},
                       "paths": [["KD", "KV"], ["KD", "KK"], ["KV", "KK"]]})


def _businesses(seed: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    latent, rows = [], []
    for i in range(1, n + 1):
        rng = _rng(seed, "lab-business", f"umkm-{i:03d}")
        z = latent_scores(rng)
        rates = behaviour(rng, z)
        latent.append([z["KD"], z["KV"], z["KK"]])
        rows.append([rates[c] for cols in RATES.values() for c in cols])
    return np.array(latent), np.array(rows)


def test_latent_scores_follow_the_planted_paths():
    z, _ = _businesses(7, 4000)
    kd, kv, kk = z.T
    np.testing.assert_allclose(np.std(z, axis=0), [1, 1, 1], atol=0.05)
    beta_kv = np.linalg.lstsq(np.column_stack([kd]), kv, rcond=None)[0]
    beta_kk = np.linalg.lstsq(np.column_stack([kd, kv]), kk, rcond=None)[0]
    np.testing.assert_allclose([beta_kv[0], *beta_kk], [PLANTED["KD -> KV"], PLANTED["KD -> KK"], PLANTED["KV -> KK"]],
                               atol=0.04)


def test_rates_of_120_businesses_recover_planted_signs_and_order_for_most_seeds():
    order = sorted(PLANTED, key=PLANTED.get, reverse=True)
    hits = 0
    for seed in range(1, 21):
        _, X = _businesses(seed, 120)
        est = {f'{p["from"]} -> {p["to"]}': p["estimate"] for p in fit_model(X, SPEC, boot=0).paths}
        hits += sorted(est, key=est.get, reverse=True) == order and min(est.values()) > 0
    assert hits >= 17  # about 95% of seeds; n = 120 leaves room for sampling to swap two paths
    _, X = _businesses(7, 120)  # the default seed of `gaung demo --businesses`
    est = {f'{p["from"]} -> {p["to"]}': p["estimate"] for p in fit_model(X, SPEC, boot=0).paths}
    assert sorted(est, key=est.get, reverse=True) == order
