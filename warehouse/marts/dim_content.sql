-- grain: one row per post or video (content_id), across every source that saw it.
with

snapshots as (
    select * from staging.stg_content__snapshots
),

final as (
    select
        content_id,
        any_value(tenant_id) as tenant_id,
        any_value(platform) as platform,
        arg_max(account, observed_at) filter (where account is not null) as account,
        arg_max(native_id, observed_at) filter (where native_id is not null and native_id not like 'dyi:%') as native_id,
        arg_max(url, observed_at) filter (where url is not null) as url,
        min(posted_at) as posted_at,
        cast(timezone((select timezone from ops.tenant), min(posted_at)) as date) as posted_local_date,
        arg_max(title, observed_at) filter (where title is not null) as title,
        arg_max(post_type, observed_at) filter (where post_type is not null) as post_type,
        max(duration_seconds) as duration_seconds,
        list_sort(list_distinct(flatten(list(regexp_extract_all(lower(coalesce(title, '')), '#[[:alnum:]_]+'))))) as hashtags,
        min(observed_at) as first_observed_at,
        max(observed_at) as last_observed_at,
        list_sort(list_distinct(list(source_format))) as sources
    from snapshots
    group by content_id
)

select * from final
