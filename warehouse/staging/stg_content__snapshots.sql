-- grain: one row per content and observation moment per source file row, every platform.
-- content_id is the platform plus the post's stable key: the Instagram shortcode from the permalink
-- where any source gives it (so Post ID, Graph media id and permalink meet), else the native id.
-- Data downloads that carry no id (TikTok's signed CDN links, Instagram's posts_1.json) know a post by
-- its posting second ('dyi:<unix seconds>'); such a post takes the key of the same post from a source
-- with ids (an export with video links, TikTok Analytics, the Display API, the Graph API) when the
-- platform, the account and the posting second agree, or the minute (the local day) for sources that
-- write post times to the minute (the day), with one post on each side. A post seen both ways is then
-- counted once.
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
        regexp_extract(s.url, '/(?:p|reel|reels|tv)/([A-Za-z0-9_-]+)', 1) as shortcode,
        nullif(lower(ltrim(s.account, '@')), '') as account_name,
        coalesce(
            timezone('UTC', s.posted_at_utc),
            timezone((select timezone from ops.tenant), s.posted_at_local)
        ) as posted_moment
    from snapshots as s
),

id_to_shortcode as (
    select platform, native_id, min(shortcode) as shortcode
    from keyed
    where native_id is not null and shortcode <> ''
    group by all
),

with_key as (
    select k.*, coalesce(nullif(k.shortcode, ''), m.shortcode, k.native_id) as post_key
    from keyed as k
    left join id_to_shortcode as m on m.platform = k.platform and m.native_id = k.native_id
),

timed_posts as (
    select platform, post_key, posted_moment, any_value(account_name) filter (where account_name is not null) as account_name
    from with_key
    where post_key like 'dyi:%' and posted_moment is not null
    group by all
),

identified_posts as (
    select
        platform,
        post_key,
        posted_moment,
        any_value(account_name) filter (where account_name is not null) as account_name,
        -- written to the minute (TikTok Analytics 'Post time', Business Suite 'Publish time'): seconds are 0
        bool_and(second(posted_moment) = 0 and posted_at_utc is null) as to_the_minute
    from with_key
    where post_key not like 'dyi:%' and posted_moment is not null
    group by all
),

exact_matches as (
    select distinct t.platform, t.post_key as timed_key, i.post_key
    from timed_posts as t
    join identified_posts as i
      on i.platform = t.platform and i.posted_moment = t.posted_moment
     and (i.account_name is null or t.account_name is null or i.account_name = t.account_name)
),

minute_pairs as (
    select distinct t.platform, t.post_key as timed_key, i.post_key
    from timed_posts as t
    join identified_posts as i
      on i.platform = t.platform and i.to_the_minute
     and date_trunc('minute', i.posted_moment) = date_trunc('minute', t.posted_moment)
     and (i.account_name is null or t.account_name is null or i.account_name = t.account_name)
    anti join exact_matches as e on e.platform = t.platform and e.timed_key = t.post_key
    anti join exact_matches as taken on taken.platform = i.platform and taken.post_key = i.post_key
),

-- a minute match only where that minute holds one post on each side
minute_matches as (
    select platform, timed_key, post_key
    from minute_pairs
    qualify count(*) over (partition by platform, timed_key) = 1
        and count(*) over (partition by platform, post_key) = 1
),

-- a source that writes the day only (TikTok Analytics 'Post time' "March 5") stores local midnight:
-- a match only where that local day holds one post of the account on each side
day_pairs as (
    select distinct t.platform, t.post_key as timed_key, i.post_key
    from timed_posts as t
    join identified_posts as i
      on i.platform = t.platform and i.to_the_minute
     and cast(timezone((select timezone from ops.tenant), i.posted_moment) as time) = time '00:00'
     and cast(timezone((select timezone from ops.tenant), i.posted_moment) as date)
         = cast(timezone((select timezone from ops.tenant), t.posted_moment) as date)
     and (i.account_name is null or t.account_name is null or i.account_name = t.account_name)
    anti join exact_matches as e on e.platform = t.platform and e.timed_key = t.post_key
    anti join minute_matches as m on m.platform = t.platform and m.timed_key = t.post_key
    anti join (select platform, post_key from exact_matches union all select platform, post_key from minute_matches) as taken
        on taken.platform = i.platform and taken.post_key = i.post_key
),

day_matches as (
    select platform, timed_key, post_key
    from day_pairs
    qualify count(*) over (partition by platform, timed_key) = 1
        and count(*) over (partition by platform, post_key) = 1
),

timed_to_key as (
    select platform, timed_key, min(post_key) as post_key
    from (select * from exact_matches union all select * from minute_matches union all select * from day_matches)
    group by all
    having count(*) = 1
),

final as (
    select
        k.platform || ':' || coalesce(t.post_key, k.post_key) as content_id,
        k.tenant_id,
        k.platform,
        k.source_format,
        k.file_id as source_file_id,
        k.locator as source_locator,
        k.native_id,
        nullif(k.url, '') as url,
        k.account_name as account,
        nullif(k.title, '') as title,
        k.post_type,
        k.posted_moment as posted_at,
        coalesce(
            timezone('UTC', k.observed_at_utc),
            timezone((select timezone from ops.tenant), k.observed_on + interval '23 hours 59 minutes 59 seconds'),
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
    from with_key as k
    left join timed_to_key as t on t.platform = k.platform and t.timed_key = k.post_key
    left join files as f on f.file_id = k.file_id
    where k.post_key is not null
)

select * from final
