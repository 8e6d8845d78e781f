-- grain: one row per content and observation moment per source file row, every platform.
-- content_id is the platform plus the post's stable key: the Instagram shortcode from the permalink
-- where any source gives it (so Post ID, Graph media id and permalink meet), else the native id.
with

snapshots as (
    select * from raw.content_snapshots
),

files as (
    select file_id, ingested_at from ops.ingested_files
),

keyed as (
    select
        s.*,
        regexp_extract(s.url, '/(?:p|reel|reels|tv)/([A-Za-z0-9_-]+)', 1) as shortcode
    from snapshots as s
),

id_to_shortcode as (
    select platform, native_id, min(shortcode) as shortcode
    from keyed
    where native_id is not null and shortcode <> ''
    group by all
),

final as (
    select
        k.platform || ':' || coalesce(nullif(k.shortcode, ''), m.shortcode, k.native_id) as content_id,
        k.tenant_id,
        k.platform,
        k.source_format,
        k.file_id as source_file_id,
        k.locator as source_locator,
        k.native_id,
        nullif(k.url, '') as url,
        nullif(lower(ltrim(k.account, '@')), '') as account,
        nullif(k.title, '') as title,
        k.post_type,
        coalesce(
            timezone('UTC', k.posted_at_utc),
            timezone(getvariable('tenant_timezone'), k.posted_at_local)
        ) as posted_at,
        coalesce(
            timezone('UTC', k.observed_at_utc),
            timezone(getvariable('tenant_timezone'), k.observed_on + interval '23 hours 59 minutes 59 seconds'),
            f.ingested_at
        ) as observed_at,
        case when coalesce(k.views, k.plays) < 0 then 0 else coalesce(k.views, k.plays) end as views,
        case when k.reach < 0 then 0 else k.reach end as reach,
        case when k.impressions < 0 then 0 else k.impressions end as impressions,
        case when k.likes < 0 then 0 else k.likes end as likes,
        case when k.comments < 0 then 0 else k.comments end as comments,
        case when k.shares < 0 then 0 else k.shares end as shares,
        case when k.saves < 0 then 0 else k.saves end as saves,
        case when k.follows < 0 then 0 else k.follows end as follows,
        case when k.new_followers < 0 then 0 else k.new_followers end as new_followers,
        case when k.profile_views < 0 then 0 else k.profile_views end as profile_views,
        k.avg_watch_time_seconds as watch_time_seconds,
        k.full_watch_rate,
        k.duration_seconds,
        k.sound
    from keyed as k
    left join id_to_shortcode as m on m.platform = k.platform and m.native_id = k.native_id
    left join files as f on f.file_id = k.file_id
    where coalesce(nullif(k.shortcode, ''), m.shortcode, k.native_id) is not null
)

select * from final
