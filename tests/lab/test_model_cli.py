"""`gaung model fit` and `gaung model presets` on survey CSVs: outputs, determinism, and errors people can act on."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.lab.io import load_preset, preset_ids
from tests.lab.simulate import simulate

runner = CliRunner()
SPEC = """constructs:
  KD: {indicators: [kd1, kd2, kd3], mode: reflective}
  KV: {indicators: [kv1, kv2, kv3], mode: reflective}
  KK: {indicators: [kk1, kk2, kk3], mode: reflective}
paths: [[KD, KV], [KD, KK], [KV, KK]]
"""
COLUMNS = [f"{c}{i}" for c in ("kd", "kv", "kk") for i in (1, 2, 3)]


@pytest.fixture
def survey(tmp_path: Path) -> tuple[Path, Path]:
    X = simulate(np.random.default_rng(5), 200, 0.6, 0.3, 0.4)
    likert = np.digitize(X, [-1.5, -0.5, 0.5, 1.5]) + 1
    data = tmp_path / "answers.csv"
    with data.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        w.writerows(likert.tolist())
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC)
    return spec, data


def _fit(spec: Path, data: Path, out: Path, *extra: str):
    return runner.invoke(app, ["model", "fit", str(spec), "--data", str(data), "--out", str(out), "--boot", "300", *extra])


def test_fit_writes_the_three_tables_and_the_summary(survey, tmp_path):
    spec, data = survey
    result = _fit(spec, data, tmp_path / "out", "--lang", "en")
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    with (out / "paths.csv").open() as fh:
        paths = list(csv.DictReader(fh))
    assert list(paths[0]) == ["from", "to", "estimate", "ci_low", "ci_high", "p"]
    assert [(p["from"], p["to"]) for p in paths] == [("KD", "KV"), ("KD", "KK"), ("KV", "KK")]
    assert all(float(p["ci_low"]) < float(p["estimate"]) < float(p["ci_high"]) for p in paths)
    with (out / "indirect.csv").open() as fh:
        indirect = list(csv.DictReader(fh))
    assert [r["path"] for r in indirect] == ["KD -> KV -> KK"]
    est = {(p["from"], p["to"]): float(p["estimate"]) for p in paths}
    assert float(indirect[0]["estimate"]) == pytest.approx(est[("KD", "KV")] * est[("KV", "KK")], abs=2e-6)
    with (out / "quality.csv").open() as fh:
        measures = {r["measure"] for r in csv.DictReader(fh)}
    assert {"loading", "ave", "composite_reliability", "rho_a", "htmt", "vif_indicator", "vif_path", "r2"} <= measures
    page = (out / "summary.html").read_text()
    assert "<svg" in page and "KD -&gt; KV -&gt; KK" in page
    assert "KD -> KV" in result.output and "Indirect effects" in result.output


def test_same_seed_same_bytes(survey, tmp_path):
    spec, data = survey
    for name in ("a", "b"):
        assert _fit(spec, data, tmp_path / name, "--seed", "3").exit_code == 0
    for f in ("paths.csv", "indirect.csv", "quality.csv", "summary.html"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()


def test_semicolon_csv_with_decimal_commas_and_empty_cells(survey, tmp_path):
    spec, data = survey
    rows = data.read_text().splitlines()
    rows = [rows[0].replace(",", ";")] + [r.replace(",", ";") for r in rows[1:]]
    rows[3] = ";".join(["4,0"] + rows[3].split(";")[1:])
    rows[5] = ";".join([""] + rows[5].split(";")[1:])
    semi = tmp_path / "semi.csv"
    semi.write_text("\n".join(rows) + "\n")
    result = _fit(spec, semi, tmp_path / "out", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "1 rows with empty values skipped (199 rows used)" in result.output


def test_not_a_number_names_file_row_and_column_in_indonesian(survey, tmp_path):
    spec, data = survey
    lines = data.read_text().splitlines()
    cells = lines[7].split(",")
    cells[4] = "setuju"
    lines[7] = ",".join(cells)
    data.write_text("\n".join(lines) + "\n")
    result = _fit(spec, data, tmp_path / "out")
    assert result.exit_code == 2
    assert "baris 8" in result.output and "'kv2'" in result.output and "setuju" in result.output
    assert "bukan angka" in result.output and "Traceback" not in result.output


def test_missing_columns_and_bad_specs_are_errors_not_tracebacks(survey, tmp_path):
    spec, data = survey
    spec.write_text(SPEC.replace("kk3", "kk4"))
    result = _fit(spec, data, tmp_path / "out", "--lang", "en")
    assert result.exit_code == 2 and "columns kk4 are missing" in result.output
    spec.write_text(SPEC.replace("[KV, KK]]", "[KV, KK], [KK, KD]]"))
    result = _fit(spec, data, tmp_path / "out", "--lang", "en")
    assert result.exit_code == 2 and "cycle" in result.output
    spec.write_text("constructs: [oops")
    result = _fit(spec, data, tmp_path / "out", "--lang", "en")
    assert result.exit_code == 2 and "Cannot read the specification" in result.output
    result = runner.invoke(app, ["model", "fit", "no-such-preset", "--data", str(data)])
    assert result.exit_code == 2 and "tidak ditemukan" in result.output
    result = runner.invoke(app, ["model", "fit", str(spec)])
    assert result.exit_code == 2 and "--data" in result.output


def test_presets_carry_the_published_figures():
    assert preset_ids() == ["keterlibatan-ecommerce-inovasi-kinerja", "konten-viral-kokreasi"]
    kvk = load_preset("konten-viral-kokreasi").published
    assert kvk["paths"] == {"KD -> KV": 0.718, "KD -> KK": 0.382, "KV -> KK": 0.467}
    assert kvk["indirect"]["KD -> KV -> KK"] == pytest.approx(0.718 * 0.467, abs=0.001)
    ecom = load_preset("keterlibatan-ecommerce-inovasi-kinerja").published
    assert ecom["indirect"]["CE -> PI -> KU"] == pytest.approx(ecom["paths"]["CE -> PI"] * ecom["paths"]["PI -> KU"], abs=0.001)
    assert ecom["indirect"]["EC -> PI -> KU"] == pytest.approx(ecom["paths"]["EC -> PI"] * ecom["paths"]["PI -> KU"], abs=0.001)
    result = runner.invoke(app, ["model", "presets", "--lang", "en"])
    assert result.exit_code == 0 and "konten-viral-kokreasi" in result.output


def test_preset_fit_on_a_csv_shows_published_beside(tmp_path):
    preset = load_preset("konten-viral-kokreasi")
    X = np.exp(simulate(np.random.default_rng(9), 150, 0.6, 0.3, 0.4) * 0.5)
    data = tmp_path / "businesses.csv"
    with data.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(preset.spec.indicators)
        w.writerows(X.tolist())
    result = runner.invoke(app, ["model", "fit", "konten-viral-kokreasi", "--data", str(data), "--out", str(tmp_path / "o"),
                                 "--boot", "200", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Published" in result.output and "0.718" in result.output
