"""The engine against seminr's published reference values for the ECSI mobile-phone model (mobi data).

Reference values: sem-in-r/seminr tests/fixtures/V_3_6_0 (path_coef1.csv, loadings1.csv, rsquaredplsc.csv,
boot_report_paths.csv, rsquared1.csv, reliability.csv); data: tests/fixtures/lab/mobi.csv (ATTRIBUTION.md).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from pipelines.lab.fit import fit_model
from pipelines.lab.pls import Construct, Layout, ModelSpec, correlation, estimate

MOBI = Path(__file__).parents[1] / "fixtures" / "lab" / "mobi.csv"


def _mobi() -> tuple[list[str], np.ndarray]:
    with MOBI.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return rows[0], np.array(rows[1:], dtype=float)


def _spec(mode: str, scheme: str) -> ModelSpec:
    return ModelSpec((
        Construct("Image", tuple(f"IMAG{i}" for i in range(1, 6)), mode),
        Construct("Expectation", tuple(f"CUEX{i}" for i in range(1, 4)), mode),
        Construct("Value", ("PERV1", "PERV2"), mode),
        Construct("Satisfaction", tuple(f"CUSA{i}" for i in range(1, 4)), mode),
    ), (("Image", "Satisfaction"), ("Expectation", "Satisfaction"), ("Value", "Satisfaction")), scheme).validate()


def _fit(mode: str, scheme: str):
    cols, X = _mobi()
    spec = _spec(mode, scheme)
    Xs = X[:, [cols.index(i) for i in spec.indicators]]
    return spec, Xs, estimate(correlation(Xs)[None], Layout(spec))


def test_mobi_has_250_complete_rows():
    cols, X = _mobi()
    assert X.shape == (250, 24) and np.isfinite(X).all()


def test_pls_mode_a_path_weighting_matches_seminr():
    _, _, e = _fit("composite_a", "path")
    np.testing.assert_allclose(e.beta[0, :3, 3], [0.447003896753384, 0.171830104491587, 0.316425319256027], atol=1e-6)
    assert e.r2[0, 3] == pytest.approx(0.590603320426892, abs=1e-6)


def test_plsc_factorial_matches_seminr_paths_loadings_r2():
    _, _, e = _fit("reflective", "factorial")
    np.testing.assert_allclose(e.beta[0, :3, 3], [0.537704707482867, 0.240967661696417, 0.25827986805094], atol=1e-6)
    np.testing.assert_allclose(e.loadings[0], [
        0.681330024716575, 0.521278271799338, 0.410112763312163, 0.680389608942476, 0.638496321953613,
        0.494277870827744, 0.487740006832332, 0.426779732808667, 0.741892556089151, 0.943732643413645,
        0.719458946793877, 0.687819429423528, 0.794919272741098], atol=1e-6)
    assert e.r2[0, 3] == pytest.approx(0.885707115746682, abs=1e-6)


def test_reliability_matches_seminr():
    spec, Xs, _ = _fit("composite_a", "path")
    res = fit_model(Xs, spec, boot=0)
    got = {(r["measure"], r["construct"]): r["value"] for r in res.quality}
    ref = {"Image": (0.722834595427083, 0.818325774056256, 0.477979834838268, 0.745291554480322),
           "Expectation": (0.451902555978063, 0.733177801505283, 0.480507046633952, 0.461657986928213),
           "Value": (0.823631979352573, 0.917897281748515, 0.84831067540365, 0.857527048393235),
           "Satisfaction": (0.779195021918597, 0.871457927643628, 0.693363990925202, 0.784023593590752)}
    for name, values in ref.items():
        for measure, value in zip(("cronbach_alpha", "composite_reliability", "ave", "rho_a"), values, strict=True):
            assert got[(measure, name)] == pytest.approx(value, abs=1e-6), (measure, name)


def test_bootstrap_agrees_with_seminr_within_resampling_error():
    # seminr's 500 resamples (seed 123 in R) give SDs 0.0569, 0.0620, 0.0717 and these 95% intervals; ours
    # differ only by Monte Carlo error.
    spec, Xs, _ = _fit("composite_a", "path")
    res = fit_model(Xs, spec, boot=2000, seed=1)
    ref = [(0.329979162176453, 0.556764224609957), (0.0546416559521134, 0.283964288192345),
           (0.174920077851846, 0.438022907321881)]
    for p, (lo, hi) in zip(res.paths, ref, strict=True):
        assert p["ci_low"] == pytest.approx(lo, abs=0.03) and p["ci_high"] == pytest.approx(hi, abs=0.03)
        assert p["p"] < 0.01
