# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Survey path model (Likert CSV)
# A researcher with questionnaire data fits the same model with the same command:
# `gaung model fit spec.yaml --data answers.csv --out out/`. Here a survey of 120 respondents is
# simulated on a 1-5 Likert scale from the published content -> viral -> co-creation estimates, written
# as a CSV, and fitted with consistent PLS (reflective constructs), as SmartPLS users would.

# %%
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import polars as pl

folder = Path(tempfile.mkdtemp(prefix="gaung-survey-"))
rng = np.random.default_rng(2024)
n, a, c, b = 120, 0.718, 0.382, 0.467  # published paths KD -> KV, KD -> KK, KV -> KK
kd = rng.standard_normal(n)
kv = a * kd + np.sqrt(1 - a * a) * rng.standard_normal(n)
kk = c * kd + b * kv + np.sqrt(1 - (c * c + b * b + 2 * a * b * c)) * rng.standard_normal(n)
answers = {}
for name, eta in (("kd", kd), ("kv", kv), ("kk", kk)):
    for i in (1, 2, 3):
        latent = 0.85 * eta + np.sqrt(1 - 0.85 ** 2) * rng.standard_normal(n)
        answers[f"{name}{i}"] = np.digitize(latent, [-1.5, -0.5, 0.5, 1.5]) + 1  # 1..5
pl.DataFrame(answers).write_csv(folder / "answers.csv")
(folder / "spec.yaml").write_text("""constructs:
  KD: {indicators: [kd1, kd2, kd3], mode: reflective}
  KV: {indicators: [kv1, kv2, kv3], mode: reflective}
  KK: {indicators: [kk1, kk2, kk3], mode: reflective}
paths: [[KD, KV], [KD, KK], [KV, KK]]
""")
pl.read_csv(folder / "answers.csv").head()

# %% [markdown]
# ## The command, as a researcher runs it

# %%
cmd = [sys.executable, "-m", "pipelines.cli", "model", "fit", str(folder / "spec.yaml"), "--data",
       str(folder / "answers.csv"), "--out", str(folder / "out"), "--boot", "500", "--seed", "1", "--lang", "en"]
print(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)

# %%
pl.read_csv(folder / "out" / "paths.csv")

# %%
pl.read_csv(folder / "out" / "indirect.csv")

# %% [markdown]
# The HTML summary with the path diagram:

# %%
from IPython.display import HTML  # noqa: E402

HTML((folder / "out" / "summary.html").read_text())
