-- grain: one row per content and observation moment: lifetime metrics as seen then, so velocity can
-- be computed between observations. Sources seen at the same moment (Graph media and insights, two
-- copies of one export) are merged, never added up.
with

snapshots as (
    select * from staging.stg_content__snapshots
),

final as (
    select
        content_id,
        any_value(tenant_id) as tenant_id,
        any_value(platform) as platform,
        observed_at,
        cast(timezone((select timezone from ops.tenant), observed_at) as date) as observed_local_date,
        max(views) as views,
        max(reach) as reach,
        max(impressions) as impressions,
        max(likes) as likes,
        max(comments) as comments,
        max(shares) as shares,
        max(saves) as saves,
        max(follows) as follows,
        max(new_followers) as new_followers,
        max(profile_views) as profile_views,
        max(watch_time_seconds) as watch_time_seconds,
        max(full_watch_rate) as full_watch_rate,
        min(source_file_id) as source_file_id,
        list_sort(list_distinct(list(source_format))) as sources
    from snapshots
    group by content_id, observed_at
)

select * from final
