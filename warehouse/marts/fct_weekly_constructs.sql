-- grain: one row per tenant and local week (week_start, a Monday in the tenant's timezone), from the
-- first to the last week with any content or customer voice, weeks without activity included.
-- Behavioural proxies for the constructs of the research's path models (prefix = construct):
-- kd_ digital content, kv_ viral campaign, kk_ co-creation, ce_ customer engagement, ec_ e-commerce,
-- kp_ performance. What each measures and where it is weak: docs/constructs.md.
-- Built after the scoring and feedback stages (reads fct_content_scores and fct_voice_signals).
with

content as (
    select * from marts.fct_content_scores
),

content_kind as (
    select content_id, post_type from marts.dim_content
),

account_daily as (
    select * from marts.fct_account_daily
),

voice as (
    select * from marts.fct_customer_voice
),

signals as (
    select * from marts.fct_voice_signals
),

messages as (
    select * from staging.stg_whatsapp__messages
),

posts as (
    select
        c.tenant_id,
        date_trunc('week', c.posted_local_date)::date as week_start,
        c.content_id,
        c.platform,
        coalesce(c.views, 0) as views,
        coalesce(c.shares, 0) as shares,
        coalesce(c.comments, 0) as comments,
        c.engagement_rate_views,
        coalesce(k.post_type in ('video', 'IG reel', 'reel', 'Reels', 'VIDEO') or c.platform = 'tiktok', false) as is_video
    from content as c
    left join content_kind as k using (content_id)
    where c.posted_local_date is not null
),

tenant_followers as (
    -- the business's audience on a day: followers summed over its accounts that report them
    select tenant_id, date, sum(followers) as followers
    from account_daily
    where followers is not null
    group by tenant_id, date
),

post_reach as (
    select p.content_id, p.views / nullif(f.followers, 0) as views_per_follower
    from posts as p
    asof left join tenant_followers as f on p.tenant_id = f.tenant_id and p.week_start + 6 >= f.date
),

tenant_usual as (
    -- the tenant's own usual post: proxies are read against it, so big and small accounts compare
    select
        tenant_id,
        median(engagement_rate_views) as usual_engagement_rate,
        median(views) filter (where views > 0) as usual_views
    from posts
    group by tenant_id
),

post_weeks as (
    select
        p.tenant_id,
        p.week_start,
        count(*) as posts,
        avg(p.is_video::double) as video_share,
        median(p.engagement_rate_views) / nullif(any_value(t.usual_engagement_rate), 0) as engagement_vs_usual,
        sum(p.shares) * 1000.0 / nullif(sum(p.views), 0) as shares_per_1k_views,
        avg(r.views_per_follower) as views_per_follower,
        avg((p.views > 3 * t.usual_views)::double) as breakout_share,
        count(distinct p.platform) filter (where p.shares > 0) as channels_shared,
        sum(p.comments) * 1000.0 / nullif(sum(p.views), 0) as comments_per_1k_views,
        sum(p.views)::bigint as views
    from posts as p
    left join tenant_usual as t using (tenant_id)
    left join post_reach as r using (content_id)
    group by p.tenant_id, p.week_start
),

customer_voice as (
    select
        v.voice_id,
        v.tenant_id,
        date_trunc('week', v.local_date)::date as week_start,
        v.platform,
        v.channel,
        v.author_key,
        v.created_at,
        v.rating,
        v.reply_text,
        s.intent,
        m.chat_key,
        m.message_kind
    from voice as v
    left join signals as s using (voice_id)
    left join messages as m on v.voice_id = md5('whatsapp|' || m.message_id)
    where not v.is_from_business and v.local_date is not null
),

business_messages as (
    select chat_key, created_at from messages where is_from_business and chat_key is not null
),

answered as (
    -- a customer text is answered when it has a seller reply (reviews, comments) or the business writes
    -- in the same WhatsApp chat within 48 hours after it
    select
        c.voice_id,
        c.reply_text is not null
            or exists (select 1 from business_messages as b
                       where b.chat_key = c.chat_key and b.created_at > c.created_at
                         and b.created_at <= c.created_at + interval 48 hour) as is_answered,
        (select min(b.created_at) from business_messages as b
         where b.chat_key = c.chat_key and b.created_at > c.created_at
           and b.created_at <= c.created_at + interval 48 hour) as answered_at
    from customer_voice as c
),

first_comment as (
    select author_key, min(week_start) as first_week
    from customer_voice
    where channel = 'comment' and author_key is not null
    group by author_key
),

voice_weeks as (
    select
        c.tenant_id,
        c.week_start,
        count(*) filter (where c.intent = 'product_idea') as idea_texts,
        count(distinct c.author_key) filter (where c.intent = 'product_idea') as idea_customers,
        avg(a.is_answered::double) filter (where c.intent = 'product_idea') as ideas_answered_share,
        count(distinct c.author_key) filter (where c.channel = 'comment' and f.first_week < c.week_start) as repeat_commenters,
        avg(a.is_answered::double) filter (where c.channel in ('message', 'comment', 'direct_message')) as reply_rate,
        median(date_diff('second', c.created_at, a.answered_at) / 3600.0) filter (where a.answered_at is not null) as reply_latency_hours,
        count(*) filter (where c.channel = 'review') as reviews,
        count(distinct c.platform) filter (where c.channel = 'review') as marketplace_channels,
        avg(c.rating) filter (where c.channel = 'review') as mean_rating,
        count(*) filter (where c.message_kind = 'order') as order_messages
    from customer_voice as c
    left join answered as a using (voice_id)
    left join first_comment as f using (author_key)
    group by c.tenant_id, c.week_start
),

follower_weeks as (
    select tenant_id, date_trunc('week', date)::date as week_start, sum(followers_delta)::bigint as follower_growth
    from account_daily
    group by tenant_id, date_trunc('week', date)::date
),

bounds as (
    select tenant_id, min(week_start) as first_week, max(week_start) as last_week
    from (select tenant_id, week_start from post_weeks union all select tenant_id, week_start from voice_weeks)
    group by tenant_id
),

weeks as (
    select b.tenant_id, w.week_start::date as week_start
    from bounds as b,
        lateral (select unnest(generate_series(b.first_week, b.last_week, interval 7 day)) as week_start) as w
),

final as (
    select
        w.tenant_id,
        w.week_start,
        -- digital content
        coalesce(p.posts, 0) as kd_posts,
        avg((coalesce(p.posts, 0) > 0)::double) over (
            partition by w.tenant_id order by w.week_start rows between 3 preceding and current row) as kd_posting_regularity,
        p.video_share as kd_video_share,
        p.engagement_vs_usual as kd_engagement_vs_usual,
        -- viral campaign
        p.shares_per_1k_views as kv_shares_per_1k_views,
        p.breakout_share as kv_breakout_share,
        p.views_per_follower as kv_views_per_follower,
        coalesce(p.channels_shared, 0) as kv_channels_reached,
        -- co-creation
        coalesce(v.idea_texts, 0) as kk_idea_texts,
        coalesce(v.idea_customers, 0) as kk_idea_customers,
        v.ideas_answered_share as kk_ideas_answered_share,
        -- customer engagement
        p.comments_per_1k_views as ce_comments_per_1k_views,
        coalesce(v.repeat_commenters, 0) as ce_repeat_commenters,
        v.reply_rate as ce_reply_rate,
        v.reply_latency_hours as ce_reply_latency_hours,
        -- e-commerce
        coalesce(v.marketplace_channels, 0) as ec_marketplace_channels,
        coalesce(v.reviews, 0) as ec_reviews,
        -- performance
        coalesce(v.order_messages, 0) as kp_order_messages,
        v.mean_rating as kp_mean_rating,
        f.follower_growth as kp_follower_growth,
        coalesce(p.views, 0) as views
    from weeks as w
    left join post_weeks as p using (tenant_id, week_start)
    left join voice_weeks as v using (tenant_id, week_start)
    left join follower_weeks as f using (tenant_id, week_start)
)

select * from final order by tenant_id, week_start
