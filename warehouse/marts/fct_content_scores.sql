-- grain: one row per post or video (content_id): rates, velocity and virality against the account's
-- own trailing baseline, on views, or on likes and comments where no source gave views.
-- Formulas and sources: docs/formulas.md.
with

content as (
    select * from marts.dim_content
),

metrics as (
    select * from marts.fct_content_metrics
),

account_daily as (
    select * from marts.fct_account_daily
),

messages as (
    select * from _gaung_messages
),

-- each count as last seen: a data download (likes only) observed after an analytics export keeps the
-- views that export saw
latest as (
    select
        content_id,
        max(observed_at) as observed_at,
        arg_max(views, observed_at) filter (where views is not null) as views,
        arg_max(reach, observed_at) filter (where reach is not null) as reach,
        arg_max(likes, observed_at) filter (where likes is not null) as likes,
        arg_max(comments, observed_at) filter (where comments is not null) as comments,
        arg_max(shares, observed_at) filter (where shares is not null) as shares,
        arg_max(saves, observed_at) filter (where saves is not null) as saves
    from metrics
    group by content_id
),

-- views at 24 and 72 hours: linear interpolation between the snapshots around each mark, starting
-- from (posted_at, 0); past the last snapshot, nothing is extrapolated.
points as (
    select m.content_id, 0.0 as age_hours, 0.0 as views
    from content as m where m.posted_at is not null
    union all
    select m.content_id, date_diff('second', c.posted_at, m.observed_at) / 3600.0 as age_hours, m.views::double
    from metrics as m
    join content as c using (content_id)
    where c.posted_at is not null and m.views is not null and m.observed_at >= c.posted_at
),

marks as (
    select content_id, mark from (select distinct content_id from points) cross join (values (24.0), (72.0)) as t(mark)
),

bracket as (
    select
        k.content_id,
        k.mark,
        max(p.age_hours) filter (where p.age_hours <= k.mark) as a0,
        arg_max(p.views, p.age_hours) filter (where p.age_hours <= k.mark) as v0,
        min(p.age_hours) filter (where p.age_hours > k.mark) as a1,
        arg_min(p.views, p.age_hours) filter (where p.age_hours > k.mark) as v1
    from marks as k
    join points as p using (content_id)
    group by all
),

velocity as (
    select
        content_id,
        max(case when mark = 24.0 then
            case when a1 is null then null
                 else (v0 + (v1 - v0) * (mark - a0) / nullif(a1 - a0, 0)) / mark end end) as velocity_24h,
        max(case when mark = 72.0 then
            case when a1 is null then null
                 else (v0 + (v1 - v0) * (mark - a0) / nullif(a1 - a0, 0)) / mark end end) as velocity_72h,
        max(case when mark = 24.0 and a1 is not null then
            case when a0 = 0 and a1 > 48 then 'average_rate' else 'interpolated' end end) as velocity_method
    from bracket
    group by content_id
),

followers as (
    select c.content_id, arg_max(d.followers, d.date) as followers_at_post
    from content as c
    join account_daily as d
      on d.platform = c.platform and (d.account = coalesce(c.account, d.account)) and d.date <= c.posted_local_date
    where d.followers is not null
    group by c.content_id
),

base as (
    select
        c.content_id,
        c.tenant_id,
        c.platform,
        coalesce(c.account, '') as account,
        c.posted_at,
        c.posted_local_date,
        l.observed_at as metrics_observed_at,
        l.views,
        l.reach,
        l.likes,
        l.comments,
        l.shares,
        l.saves,
        f.followers_at_post,
        coalesce(l.likes, 0) + coalesce(l.comments, 0) + coalesce(l.shares, 0) + coalesce(l.saves, 0) as engagements,
        ln(1 + coalesce(l.views, 0)) as log_views,
        ln(1 + coalesce(l.shares, 0)) as log_shares,
        ln(1 + l.likes) as log_likes,
        ln(1 + l.comments) as log_comments,
        -- what a post is judged on: its views, or its likes (and comments) where no source gave views
        -- (TikTok and Instagram data downloads)
        case when l.views is not null then 'views' when l.likes is not null then 'likes' end as virality_basis
    from content as c
    join latest as l using (content_id)
    left join followers as f using (content_id)
),

-- the account's normal: earlier posts on the same platform and account within 90 days (at most 60)
history as (
    select
        b.content_id,
        e.log_views,
        e.log_shares,
        row_number() over (partition by b.content_id order by e.posted_at desc) as recency
    from base as b
    join base as e
      on e.platform = b.platform and e.account = b.account
     and e.posted_at < b.posted_at and e.posted_at >= b.posted_at - interval 90 days
     and e.views is not null
),

baseline_median as (
    select content_id, count(*) as baseline_posts, median(log_views) as med_views, median(log_shares) as med_shares
    from history where recency <= 60
    group by content_id
),

baseline as (
    select
        m.content_id,
        m.baseline_posts,
        m.med_views,
        m.med_shares,
        median(abs(h.log_views - m.med_views)) as mad_views,
        median(abs(h.log_shares - m.med_shares)) as mad_shares
    from baseline_median as m
    join history as h on h.content_id = m.content_id and h.recency <= 60
    group by all
),

-- posts judged on likes: the same window over the account's earlier posts that have likes
likes_history as (
    select
        b.content_id,
        e.log_likes,
        e.log_comments,
        row_number() over (partition by b.content_id order by e.posted_at desc) as recency
    from base as b
    join base as e
      on e.platform = b.platform and e.account = b.account
     and e.posted_at < b.posted_at and e.posted_at >= b.posted_at - interval 90 days
     and e.likes is not null
    where b.virality_basis = 'likes'
),

likes_median as (
    select
        content_id,
        count(*) as baseline_posts,
        count(log_comments) as comment_posts,
        median(log_likes) as med_likes,
        median(log_comments) as med_comments
    from likes_history where recency <= 60
    group by content_id
),

likes_baseline as (
    select
        m.content_id,
        m.baseline_posts,
        m.comment_posts,
        m.med_likes,
        m.med_comments,
        median(abs(h.log_likes - m.med_likes)) as mad_likes,
        median(abs(h.log_comments - m.med_comments)) as mad_comments
    from likes_median as m
    join likes_history as h on h.content_id = m.content_id and h.recency <= 60
    group by all
),

scored as (
    select
        b.*,
        case when b.virality_basis = 'likes' then coalesce(k.baseline_posts, 0)
             else coalesce(s.baseline_posts, 0) end as baseline_posts,
        exp(s.med_views) - 1 as baseline_views,
        exp(s.med_shares) - 1 as baseline_shares,
        exp(k.med_likes) - 1 as baseline_likes,
        case when k.comment_posts >= 3 then exp(k.med_comments) - 1 end as baseline_comments,
        -- robust z: distance from the median in MADs scaled to a standard deviation (1.4826), with a
        -- floor of 0.25 (about +/-28%) so a steady account or a handful of shares does not turn every
        -- small change into a large z
        case when b.virality_basis = 'views' or b.virality_basis is null then
            (b.log_views - s.med_views) / greatest(1.4826 * s.mad_views, 0.25) end as z_views,
        case when b.virality_basis = 'views' or b.virality_basis is null then
            (b.log_shares - s.med_shares) / greatest(1.4826 * s.mad_shares, 0.25) end as z_shares,
        (b.log_likes - k.med_likes) / greatest(1.4826 * k.mad_likes, 0.25) as z_likes,
        case when k.comment_posts >= 3 then
            (b.log_comments - k.med_comments) / greatest(1.4826 * k.mad_comments, 0.25) end as z_comments
    from base as b
    left join baseline as s using (content_id)
    left join likes_baseline as k using (content_id)
),

judged as (
    select
        *,
        case when baseline_posts >= 3 then
            case when virality_basis = 'likes' then coalesce(0.6 * z_likes + 0.4 * z_comments, z_likes)
                 else 0.6 * z_views + 0.4 * z_shares end
        end as virality_score,
        views / nullif(baseline_views, 0) as views_vs_usual,
        shares / nullif(baseline_shares, 0) as shares_vs_usual,
        likes / nullif(baseline_likes, 0) as likes_vs_usual,
        comments / nullif(baseline_comments, 0) as comments_vs_usual
    from scored
),

final as (
    select
        content_id,
        tenant_id,
        platform,
        account,
        posted_at,
        posted_local_date,
        metrics_observed_at,
        views,
        reach,
        likes,
        comments,
        shares,
        saves,
        followers_at_post,
        engagements,
        engagements / nullif(views, 0) as engagement_rate_views,
        engagements / nullif(reach, 0) as engagement_rate_reach,
        engagements / nullif(followers_at_post, 0) as engagement_rate_followers,
        shares / nullif(views, 0) as amplification_rate,
        likes / nullif(views, 0) as applause_rate,
        comments / nullif(views, 0) as conversation_rate,
        saves / nullif(views, 0) as save_rate,
        v.velocity_24h,
        v.velocity_72h,
        v.velocity_method,
        baseline_posts,
        baseline_views,
        baseline_shares,
        case when baseline_posts >= 3 then z_views end as z_views,
        case when baseline_posts >= 3 then z_shares end as z_shares,
        virality_score,
        case when baseline_posts >= 3 then
            percent_rank() over (partition by platform, account, virality_basis, baseline_posts >= 3 order by virality_score)
        end as virality_percentile,
        case when virality_basis = 'likes' then
            coalesce(baseline_posts >= 3 and likes >= 10 and z_likes >= 2.0 and (
                likes_vs_usual >= 3 or (likes_vs_usual >= 2 and z_comments >= 3.0 and comments >= 10)), false)
        else
            coalesce(baseline_posts >= 3 and views >= 100 and z_views >= 2.0 and (
                views_vs_usual >= 3 or (views_vs_usual >= 2 and z_shares >= 3.0 and shares >= 10)), false)
        end as is_viral,
        views_vs_usual,
        shares_vs_usual,
        virality_basis,
        baseline_likes,
        baseline_comments,
        case when baseline_posts >= 3 then z_likes end as z_likes,
        case when baseline_posts >= 3 then z_comments end as z_comments,
        likes_vs_usual,
        comments_vs_usual
    from judged
    left join velocity as v using (content_id)
),

-- the words of a viral reason in each language, from the message catalogue (pipelines/messages.toml; the
-- build registers its viral_reason_* rows as _gaung_messages), and the language's marks: translate() turns
-- '1,234.5' into '1.234,5' for Indonesian
reason_texts as (
    select
        lang,
        case when lang = 'id' then '.,' else ',.' end as marks,
        max(text) filter (where key = 'viral_reason_no_baseline') as no_baseline,
        max(text) filter (where key = 'viral_reason_likes_times') as likes_times,
        max(text) filter (where key = 'viral_reason_likes_none') as likes_none,
        max(text) filter (where key = 'viral_reason_comments') as comments_times,
        max(text) filter (where key = 'viral_reason_no_views_data') as no_views_data,
        max(text) filter (where key = 'viral_reason_no_views') as no_views,
        max(text) filter (where key = 'viral_reason_views_times') as views_times,
        max(text) filter (where key = 'viral_reason_views_none') as views_none,
        max(text) filter (where key = 'viral_reason_shares') as shares_times
    from messages
    group by lang
),

-- a reason's numbers as the report writes them, in English marks: multiples with one decimal below 20
-- and none from 20 (7.5, 74), counts with thousands separators (1,234)
figures as (
    select
        content_id,
        baseline_posts,
        virality_basis,
        views,
        printf('%,d', likes::bigint) as likes,
        printf('%,d', views::bigint) as views_count,
        printf(case when likes_vs_usual >= 20 then '%,.0f' else '%,.1f' end, likes_vs_usual) as likes_times,
        printf(case when comments_vs_usual >= 20 then '%,.0f' else '%,.1f' end, comments_vs_usual) as comments_times,
        printf(case when views_vs_usual >= 20 then '%,.0f' else '%,.1f' end, views_vs_usual) as views_times,
        printf(case when shares_vs_usual >= 20 then '%,.0f' else '%,.1f' end, shares_vs_usual) as shares_times
    from final
),

-- why a post is viral or not, once per language
reasons as (
    select
        f.content_id,
        t.lang,
        case
            when f.baseline_posts < 3 then t.no_baseline
            when f.virality_basis = 'likes' then
                coalesce(replace(t.likes_times, '{times}', translate(f.likes_times, ',.', t.marks)),
                         replace(t.likes_none, '{likes}', translate(f.likes, ',.', t.marks)))
                || coalesce(replace(t.comments_times, '{times}', translate(f.comments_times, ',.', t.marks)), '')
                || t.no_views_data
            when f.views is null or f.views = 0 then t.no_views
            else coalesce(replace(t.views_times, '{times}', translate(f.views_times, ',.', t.marks)),
                          replace(t.views_none, '{views}', translate(f.views_count, ',.', t.marks)))
                 || coalesce(replace(t.shares_times, '{times}', translate(f.shares_times, ',.', t.marks)), '')
        end as reason
    from figures as f
    cross join reason_texts as t
)

select
    final.*,
    reason_en.reason as viral_reason,
    reason_id.reason as viral_reason_id
from final
left join reasons as reason_en on reason_en.content_id = final.content_id and reason_en.lang = 'en'
left join reasons as reason_id on reason_id.content_id = final.content_id and reason_id.lang = 'id'
