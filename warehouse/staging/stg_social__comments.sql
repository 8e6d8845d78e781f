-- grain: one row per comment from data downloads (written by the account itself), deduplicated.
with

comments as (
    select * from raw.comments
),

content as (
    select distinct platform, url, content_id from staging.stg_content__snapshots where url is not null
),

keyed as (
    select
        *,
        coalesce(comment_id, 'h' || md5(concat_ws('|', coalesce(content_url, ''), coalesce(text, ''),
                                                  coalesce(created_at_utc::varchar, '')))) as comment_key
    from comments
),

latest as (
    select * from keyed
    qualify row_number() over (partition by platform, comment_key order by file_id, locator) = 1
),

final as (
    select
        l.platform || ':' || l.comment_key as comment_id,
        l.tenant_id,
        l.platform,
        l.source_format,
        l.file_id as source_file_id,
        l.locator as source_locator,
        c.content_id,
        gaung_author_key(coalesce(l.author, (select tenant_name from ops.tenant))) as author_key,
        l.is_own,
        gaung_mask_phones(l.text) as text,
        timezone('UTC', l.created_at_utc) as created_at
    from latest as l
    left join content as c on c.platform = l.platform and c.url = regexp_replace(l.content_url, '\?.*$', '')
    where l.text is not null
)

select * from final
