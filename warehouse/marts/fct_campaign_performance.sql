-- grain: one row per campaign: those declared in tenants.toml and hashtag groups found in the content
-- (the 20 most used hashtags on 3+ posts that no declared campaign uses). Spread counts customers' messages, reviews
-- and comments that mention the campaign's tags, keywords or promo codes from its start until two
-- weeks after its end; uplift compares customer voice per week during the campaign with the four
-- weeks before it (reviews as a proxy for sales: every review, stars only included, from fct_reviews).
-- Formulas: docs/formulas.md.
with

declared as (
    select campaign, 'declared' as campaign_source, hashtags, keywords, start_date, end_date
    from _gaung_campaigns
),

content as (
    select * from marts.dim_content
),

scores as (
    select * from marts.fct_content_scores
),

voice as (
    select * from marts.fct_customer_voice where not is_from_business
),

reviews as (
    select * from marts.fct_reviews
),

messages as (
    select * from staging.stg_whatsapp__messages where not is_from_business
),

tag_use as (
    select unnest(hashtags) as hashtag, content_id, posted_local_date from content
),

hashtag_groups as (
    select
        hashtag as campaign,
        'hashtag_group' as campaign_source,
        [hashtag] as hashtags,
        []::varchar[] as keywords,
        min(posted_local_date) as start_date,
        max(posted_local_date) as end_date
    from tag_use
    where hashtag not in (select unnest(hashtags) from declared)
    group by hashtag
    having count(distinct content_id) >= 3
    order by count(distinct content_id) desc, hashtag
    limit 20
),

campaigns as (
    select *, list_distinct(list_concat(
        hashtags,
        list_transform(hashtags, lambda h: ltrim(h, '#')),
        list_transform(keywords, lambda k: lower(k))
    )) as terms
    from (select * from declared union all by name select * from hashtag_groups)
),

campaign_content as (
    select c.campaign, s.*
    from campaigns as c
    join content as d
      on d.posted_local_date between c.start_date and c.end_date
     and (len(list_intersect(d.hashtags, c.hashtags)) > 0
          or list_bool_or(list_transform(c.keywords, lambda k: contains(lower(coalesce(d.title, '')), lower(k)))))
    join scores as s using (content_id)
),

content_totals as (
    select
        campaign,
        count(*) as content_count,
        count(distinct platform) as content_platforms,
        sum(views) as total_views,
        sum(reach) as total_reach,
        sum(engagements) as total_engagements,
        sum(shares) as total_shares,
        count(*) filter (where is_viral) as viral_content_count,
        arg_max(content_id, virality_score) as top_content_id
    from campaign_content
    group by campaign
),

mentions as (
    select c.campaign, v.channel, v.platform, v.author_key
    from campaigns as c
    join voice as v
      on v.local_date between c.start_date and c.end_date + interval 14 days
     and list_bool_or(list_transform(c.terms, lambda t: contains(lower(v.text), t)))
),

mention_totals as (
    select
        campaign,
        count(*) as mentions,
        count(*) filter (where channel = 'message') as whatsapp_mentions,
        count(*) filter (where channel = 'review') as review_mentions,
        count(*) filter (where channel = 'comment') as comment_mentions,
        count(distinct author_key) as mentioning_customers,
        count(distinct channel) as mention_channels
    from mentions
    group by campaign
),

forwards as (
    select c.campaign, count(*) as whatsapp_forwards
    from campaigns as c
    join messages as m
      on cast(timezone((select timezone from ops.tenant), m.created_at) as date) between c.start_date and c.end_date + interval 14 days
     and m.is_forwarded
     and list_bool_or(list_transform(c.terms, lambda t: contains(lower(coalesce(m.text, '')), t)))
    group by c.campaign
),

volume as (
    select
        c.campaign,
        count(*) filter (where v.local_date between c.start_date and c.end_date) as voice_during,
        count(*) filter (where v.local_date >= c.start_date - interval 28 days and v.local_date < c.start_date) as voice_before,
        min(v.local_date) as first_voice_date
    from campaigns as c
    cross join voice as v
    group by c.campaign
),

-- reviews with words or stars only: a star-only review is a purchase too
review_volume as (
    select
        c.campaign,
        count(*) filter (where r.local_date between c.start_date and c.end_date) as reviews_during,
        count(*) filter (where r.local_date >= c.start_date - interval 28 days and r.local_date < c.start_date) as reviews_before,
        min(r.local_date) as first_review_date
    from campaigns as c
    cross join reviews as r
    group by c.campaign
),

final as (
    select
        c.campaign,
        (select tenant_id from ops.tenant) as tenant_id,
        c.campaign_source,
        c.hashtags,
        c.keywords,
        c.start_date,
        c.end_date,
        coalesce(t.content_count, 0) as content_count,
        coalesce(t.content_platforms, 0) as content_platforms,
        t.total_views,
        t.total_reach,
        t.total_engagements,
        t.total_engagements / nullif(t.total_views, 0) as engagement_rate,
        t.total_shares / nullif(t.total_views, 0) as amplification_rate,
        coalesce(t.viral_content_count, 0) as viral_content_count,
        t.top_content_id,
        coalesce(m.mentions, 0) as mentions,
        coalesce(m.whatsapp_mentions, 0) as whatsapp_mentions,
        coalesce(m.review_mentions, 0) as review_mentions,
        coalesce(m.comment_mentions, 0) as comment_mentions,
        coalesce(f.whatsapp_forwards, 0) as whatsapp_forwards,
        coalesce(m.mentioning_customers, 0) as mentioning_customers,
        coalesce(m.mention_channels, 0) + (coalesce(t.content_platforms, 0) > 0)::int as channels_reached,
        greatest(date_diff('day', c.start_date, c.end_date) + 1, 1) / 7.0 as weeks_during,
        v.voice_during,
        v.voice_before,
        (v.voice_during / (greatest(date_diff('day', c.start_date, c.end_date) + 1, 1) / 7.0))
            / nullif(v.voice_before / 4.0, 0) as voice_uplift,
        r.reviews_during,
        r.reviews_before,
        (r.reviews_during / (greatest(date_diff('day', c.start_date, c.end_date) + 1, 1) / 7.0))
            / nullif(r.reviews_before / 4.0, 0) as review_uplift,
        least(v.first_voice_date, r.first_review_date) <= c.start_date - interval 28 days as has_full_baseline
    from campaigns as c
    left join content_totals as t using (campaign)
    left join mention_totals as m using (campaign)
    left join forwards as f using (campaign)
    left join volume as v using (campaign)
    left join review_volume as r using (campaign)
)

select * from final
