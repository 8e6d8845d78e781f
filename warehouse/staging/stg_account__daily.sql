-- grain: one row per platform, account and day: the latest export's value of every daily series.
-- Overlapping exports (a 7-day and a 60-day download) never double count; negative daily counts
-- (deleted comments) become 0 here and stay as landed in raw.
with

daily as (
    select * from raw.account_daily
),

default_accounts as (
    select platform, account from _gaung_default_accounts
),

latest as (
    select *
    from daily
    qualify row_number() over (
        partition by platform, coalesce(account, ''), tab, date order by observed_on desc, file_id desc, locator desc
    ) = 1
),

final as (
    select
        l.tenant_id,
        l.platform,
        coalesce(nullif(lower(ltrim(l.account, '@')), ''), d.account, '') as account,
        l.date,
        max(case when l.views < 0 then 0 else l.views end) filter (where l.tab = 'overview') as views,
        max(case when l.profile_views < 0 then 0 else l.profile_views end) filter (where l.tab = 'overview') as profile_views,
        max(case when l.likes < 0 then 0 else l.likes end) filter (where l.tab = 'overview') as likes,
        max(case when l.comments < 0 then 0 else l.comments end) filter (where l.tab = 'overview') as comments,
        max(case when l.shares < 0 then 0 else l.shares end) filter (where l.tab = 'overview') as shares,
        max(case when l.followers < 0 then 0 else l.followers end) filter (where l.tab = 'follower_history') as followers,
        max(l.followers_delta) filter (where l.tab = 'follower_history') as followers_delta,
        max(case when l.total_viewers < 0 then 0 else l.total_viewers end) filter (where l.tab = 'viewers') as total_viewers,
        max(case when l.new_viewers < 0 then 0 else l.new_viewers end) filter (where l.tab = 'viewers') as new_viewers,
        max(case when l.returning_viewers < 0 then 0 else l.returning_viewers end) filter (where l.tab = 'viewers') as returning_viewers,
        max(l.observed_on) as observed_on
    from latest as l
    left join default_accounts as d on d.platform = l.platform
    group by all
)

select * from final
