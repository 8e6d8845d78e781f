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
# # Behavioural constructs
# `marts.fct_weekly_constructs`: one row per week with proxies for digital content (kd_), viral campaign
# (kv_), co-creation (kk_), customer engagement (ce_), e-commerce (ec_) and performance (kp_).
# What each proxy measures and where it is weak: docs/constructs.md (content quality and creativity are
# not observable).

# %%
import matplotlib.pyplot as plt
import numpy as np
from _common import open_warehouse, pick_tenant

tenant = pick_tenant()
con = open_warehouse(tenant)
weeks = con.sql("select * from marts.fct_weekly_constructs order by week_start").pl()
con.close()
weeks  # noqa: B018 (shown by the notebook)

# %% [markdown]
# ## The three constructs of the content -> viral -> co-creation model, week by week

# %%
groups = {"digital content": ["kd_posts", "kd_posting_regularity", "kd_video_share"],
          "viral campaign": ["kv_shares_per_1k_views", "kv_breakout_share", "kv_views_per_follower"],
          "co-creation": ["kk_idea_texts", "kk_idea_customers", "kk_ideas_answered_share"]}
fig, axes = plt.subplots(3, 1, figsize=(9, 7), sharex=True)
for ax, (title, cols) in zip(axes, groups.items(), strict=True):
    for col in cols:
        values = weeks[col].cast(float).to_numpy()
        scale = np.nanmax(np.abs(values)) if np.isfinite(values).any() and np.nanmax(np.abs(values)) > 0 else 1.0
        ax.plot(weeks["week_start"].to_list(), values / scale, marker="o", label=f"{col} (÷{scale:.3g})")
    ax.set_title(title)
    ax.legend(fontsize=7)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## How the proxies move together (Spearman correlation over weeks)

# %%
cols = [c for cols in groups.values() for c in cols]
ranks = np.column_stack([weeks[c].cast(float).rank().to_numpy() for c in cols])
ok = np.isfinite(ranks).all(axis=1)
corr = np.corrcoef(ranks[ok], rowvar=False) if ok.sum() > 2 else np.full((len(cols), len(cols)), np.nan)
fig, ax = plt.subplots(figsize=(6, 5))
im = ax.imshow(corr, vmin=-1, vmax=1, cmap="RdBu_r")
ax.set_xticks(range(len(cols)), cols, rotation=90, fontsize=7)
ax.set_yticks(range(len(cols)), cols, fontsize=7)
fig.colorbar(im)
plt.show()
