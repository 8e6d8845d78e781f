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
# # Campaign virality
# Which posts went viral, why (views and shares against the account's own usual), and how campaigns
# spread across channels. Reads `marts.fct_content_scores` and `marts.fct_campaign_performance` of one
# tenant (set `GAUNG_TENANT`; default: the first tenant with a warehouse). Formulas: docs/formulas.md.

# %%
import matplotlib.pyplot as plt
from _common import open_warehouse, pick_tenant

tenant = pick_tenant()
con = open_warehouse(tenant)
scores = con.sql("""
    select content_id, platform, posted_local_date, views, shares, engagement_rate_views,
           views_vs_usual, shares_vs_usual, virality_score, is_viral, viral_reason
    from marts.fct_content_scores order by posted_local_date""").pl()
print(tenant, scores.height, "posts,", scores["is_viral"].sum(), "viral")

# %% [markdown]
# ## Views over time, viral posts marked

# %%
fig, ax = plt.subplots(figsize=(9, 3.5))
for platform, part in scores.group_by("platform"):
    ax.scatter(part["posted_local_date"].to_list(), part["views"].to_list(), s=18, label=platform[0])
viral = scores.filter(scores["is_viral"].fill_null(False))
ax.scatter(viral["posted_local_date"].to_list(), viral["views"].to_list(), s=90, facecolors="none", edgecolors="red",
           label="viral")
ax.set_yscale("log")
ax.set_ylabel("views (lifetime)")
ax.legend()
ax.set_title(f"{tenant}: posts and their views")
plt.show()

# %% [markdown]
# ## Why the viral posts went viral

# %%
viral.select("content_id", "platform", "views", "views_vs_usual", "shares_vs_usual", "virality_score", "viral_reason")

# %% [markdown]
# ## Campaigns and hashtag groups: reach and spread across channels

# %%
campaigns = con.sql("""
    select campaign, campaign_source, content_count, content_platforms, total_views, amplification_rate,
           viral_content_count, mentions, whatsapp_mentions, review_mentions, comment_mentions, channels_reached
    from marts.fct_campaign_performance order by total_views desc nulls last""").pl()
campaigns  # noqa: B018 (shown by the notebook)

# %%
if campaigns.height:
    top = campaigns.head(8)
    fig, ax = plt.subplots(figsize=(9, 3.5))
    ax.barh(top["campaign"].to_list(), top["total_views"].fill_null(0).to_list())
    ax.set_xlabel("total views of the campaign's content")
    ax.invert_yaxis()
    plt.show()
con.close()
