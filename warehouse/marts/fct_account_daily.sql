-- grain: one row per platform, account and day: the account-level series (views, followers...).
with

daily as (
    select * from staging.stg_account__daily
),

final as (
    select
        tenant_id,
        platform,
        account,
        date,
        views,
        profile_views,
        likes,
        comments,
        shares,
        followers,
        followers_delta,
        total_viewers,
        new_viewers,
        returning_viewers,
        observed_on
    from daily
)

select * from final
