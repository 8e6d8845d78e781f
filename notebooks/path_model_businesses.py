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
# # Path model across businesses
# The research's model "digital content -> viral campaign -> co-creation", fitted from behaviour over
# every tenant (one row per business: its weekly proxies averaged), with bootstrap intervals and the
# indirect effect, beside the published questionnaire estimates. The same as
# `gaung model fit konten-viral-kokreasi --tenants all`. With the lab demo
# (`gaung demo --businesses N`) the planted structure is in `$GAUNG_HOME/lab/demo_truth.json`.

# %%
import json
import os

import matplotlib.pyplot as plt
import polars as pl
from _common import home, tenant_ids

from pipelines.lab.fit import fit_model
from pipelines.lab.io import business_rows, load_preset
from pipelines.settings import get_settings

preset = load_preset("konten-viral-kokreasi")
data = business_rows(get_settings(), preset.spec, tenant_ids())
boot = int(os.environ.get("GAUNG_NOTEBOOK_BOOT", "1000"))
res = fit_model(data.X, preset.spec, boot=boot, seed=1)
print(f"{len(data.X)} businesses ({data.dropped} without every proxy left out), {boot} resamples")

# %%
truth_file = home() / "lab" / "demo_truth.json"
planted = json.loads(truth_file.read_text())["planted_paths"] if truth_file.exists() else {}
paths = pl.DataFrame(res.paths).with_columns(
    path=pl.col("from") + " -> " + pl.col("to")).select("path", "estimate", "ci_low", "ci_high", "p")
paths = paths.with_columns(published=pl.col("path").replace_strict(preset.published["paths"], default=None),
                           planted=pl.col("path").replace_strict(planted, default=None, return_dtype=pl.Float64))
paths  # noqa: B018 (shown by the notebook)

# %%
pl.DataFrame(res.indirect)

# %% [markdown]
# ## Estimates with 95% intervals against the published figures

# %%
fig, ax = plt.subplots(figsize=(7, 3))
y = list(range(paths.height))
ax.errorbar(paths["estimate"], y, xerr=[paths["estimate"] - paths["ci_low"], paths["ci_high"] - paths["estimate"]],
            fmt="o", label="fitted (behaviour)")
ax.scatter(paths["published"], y, marker="x", color="black", label="published (questionnaire)")
if planted:
    ax.scatter(paths["planted"], y, marker="d", color="green", label="planted (demo)")
ax.axvline(0, color="grey", lw=0.5)
ax.set_yticks(y, paths["path"].to_list())
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# ## Measurement quality

# %%
pl.DataFrame(res.quality).filter(pl.col("measure").is_in(["loading", "ave", "composite_reliability", "rho_a", "htmt", "r2"]))
