"""Viral posts: a post running far ahead of the account's earlier posts at the same age (views, or shares)."""

from __future__ import annotations

from datetime import datetime

import duckdb

from pipelines.alerts.config import AlertSettings
from pipelines.alerts.detection import Detection
from pipelines.alerts.voice import has_table


def viral_posts(con: duckdb.DuckDBPyConnection, now: datetime, conf: AlertSettings) -> list[Detection]:
    """Posts at most `viral_max_age_hours` old at their last observation (seen in the last two days) whose views, or
    shares, run `viral_ratio` times ahead of the account's earlier posts at the same age (robust z as the scoring)."""
    if not (has_table(con, "marts", "dim_content") and has_table(con, "marts", "fct_content_metrics")):
        return []
    rows = con.execute("""
        with content as (
            select content_id, platform, coalesce(account, '') as account, posted_at, url, title
            from marts.dim_content where posted_at is not null and posted_at <= $now
        ),
        obs as (
            select m.content_id, date_diff('second', c.posted_at, m.observed_at) / 3600.0 as age,
                   m.views::double as views, coalesce(m.shares, 0)::double as shares, m.observed_at
            from marts.fct_content_metrics as m join content as c using (content_id)
            where m.observed_at <= $now and m.observed_at >= c.posted_at and m.views is not null
        ),
        points as (
            select content_id, 0.0 as age, 0.0 as views, 0.0 as shares from content
            union all select content_id, age, views, shares from obs
        ),
        latest as (
            select o.*, c.platform, c.account, c.posted_at, c.url, c.title
            from obs as o join content as c using (content_id)
            qualify row_number() over (partition by o.content_id order by o.age desc) = 1
        ),
        candidates as (
            select * from latest
            where age <= $max_age and observed_at >= $now - interval 48 hours and views >= $min_views
        ),
        pairs as (
            select p.content_id, e.content_id as earlier_id, p.age as at_age
            from candidates as p
            join content as e on e.platform = p.platform and e.account = p.account
             and e.posted_at < p.posted_at and e.posted_at >= p.posted_at - interval 90 days
            qualify row_number() over (partition by p.content_id order by e.posted_at desc) <= 60
        ),
        bracket as (
            select r.content_id, r.earlier_id, r.at_age,
                   max(t.age) filter (where t.age <= r.at_age) as a0,
                   arg_max(t.views, t.age) filter (where t.age <= r.at_age) as v0,
                   arg_max(t.shares, t.age) filter (where t.age <= r.at_age) as s0,
                   min(t.age) filter (where t.age > r.at_age) as a1,
                   arg_min(t.views, t.age) filter (where t.age > r.at_age) as v1,
                   arg_min(t.shares, t.age) filter (where t.age > r.at_age) as s1
            from pairs as r join points as t on t.content_id = r.earlier_id
            group by all
        ),
        at_age as (
            select content_id,
                   ln(1 + case when a1 is null then v0 else v0 + (v1 - v0) * (at_age - a0) / nullif(a1 - a0, 0) end) as lv,
                   ln(1 + case when a1 is null then s0 else s0 + (s1 - s0) * (at_age - a0) / nullif(a1 - a0, 0) end) as ls
            from bracket where a1 is not null or a0 > 0
        ),
        med as (
            select content_id, count(*) as n, median(lv) as mv, median(ls) as ms from at_age group by content_id
        ),
        base as (
            select m.content_id, m.n, m.mv, m.ms, median(abs(a.lv - m.mv)) as madv, median(abs(a.ls - m.ms)) as mads
            from med as m join at_age as a using (content_id) group by all
        )
        select c.content_id, c.platform, c.account, c.url, c.title, c.age, c.views, c.shares, b.n,
               exp(b.mv) - 1 as usual_views, exp(b.ms) - 1 as usual_shares,
               (ln(1 + c.views) - b.mv) / greatest(1.4826 * b.madv, 0.25) as z_views,
               (ln(1 + c.shares) - b.ms) / greatest(1.4826 * b.mads, 0.25) as z_shares
        from candidates as c join base as b using (content_id)
        where b.n >= $min_posts
        order by c.content_id
    """, {"now": now, "max_age": conf.viral_max_age_hours, "min_views": conf.viral_min_views,
          "min_posts": conf.viral_min_posts}).fetchall()
    out = []
    for content_id, platform, account, url, title, age, views, shares, n, usual, usual_shares, zv, zs in rows:
        ratio = views / max(usual, 1.0)
        share_ratio = shares / max(usual_shares, 1.0)
        if zv < conf.viral_z or not (ratio >= conf.viral_ratio or
                                     (share_ratio >= conf.viral_ratio and shares >= 10 and ratio >= 2 and zs >= 3)):
            continue
        out.append(Detection("viral_post", content_id, float(views), float(round(usual, 1)), {
            "platform": platform, "account": account, "title": (title or "")[:80], "hours": round(age, 1),
            "ratio": ratio, "shares": shares, "share_ratio": share_ratio, "posts": n}, link=url))
    return out
