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
# # Customer voice and product ideas
# What customers say, week by week: intents (product ideas, complaints, questions, praise), themes,
# and the product ideas ranked by how many customers asked. Reads the feedback marts
# (`fct_voice_signals`, `dim_theme`, `fct_theme_weekly`, `fct_product_ideas`); texts are masked there.

# %%
import matplotlib.pyplot as plt
import polars as pl
from _common import open_warehouse, pick_tenant

tenant = pick_tenant()
con = open_warehouse(tenant)
signals = con.sql("select local_date, channel, intent, sentiment from marts.fct_voice_signals").pl()
weekly = (signals.with_columns(week=pl.col("local_date").dt.truncate("1w"))
          .group_by("week", "intent").len().sort("week"))
print(tenant, signals.height, "customer texts")

# %% [markdown]
# ## Intents over time

# %%
pivot = weekly.pivot(on="intent", index="week", values="len").fill_null(0).sort("week")
fig, ax = plt.subplots(figsize=(9, 3.5))
bottom = [0] * pivot.height
for intent in [c for c in pivot.columns if c != "week"]:
    ax.bar(pivot["week"].to_list(), pivot[intent].to_list(), bottom=bottom, width=5, label=intent)
    bottom = [b + v for b, v in zip(bottom, pivot[intent].to_list(), strict=True)]
ax.set_ylabel("texts per week")
ax.legend(ncols=3, fontsize=8)
plt.show()

# %% [markdown]
# ## Sentiment by intent

# %%
signals.group_by("intent", "sentiment").len().sort("intent", "sentiment")

# %% [markdown]
# ## Themes and product ideas

# %%
themes = con.sql("select theme_id, intent, label, n_customers, n_texts, status from marts.dim_theme order by n_texts desc").pl()
themes.head(15)

# %%
ideas = con.sql("select idea_rank, label, n_customers, n_texts, status from marts.fct_product_ideas order by idea_rank").pl()
ideas  # noqa: B018 (shown by the notebook)

# %%
theme_weeks = con.sql("select theme_id, week_start, n_texts from marts.fct_theme_weekly order by week_start").pl()
if theme_weeks.height:
    fig, ax = plt.subplots(figsize=(9, 3.5))
    for theme_id in themes.head(5)["theme_id"].to_list():
        part = theme_weeks.filter(pl.col("theme_id") == theme_id)
        ax.plot(part["week_start"].to_list(), part["n_texts"].to_list(), marker="o", label=theme_id)
    ax.set_ylabel("texts per week")
    ax.legend(fontsize=8)
    plt.show()
con.close()
