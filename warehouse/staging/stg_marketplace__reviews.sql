-- grain: one row per marketplace review (platform + review id), the latest landed version kept.
-- Reviews without an id (PRDECT-ID tables) get one from their content and its occurrence.
with

-- Read twice below: not materialized, so a million reviews are scanned in place, not copied first.
reviews as not materialized (
    select * from raw.reviews
),

with_id as (
    select *, review_id as review_key from reviews where review_id is not null
),

without_id as (
    select
        *,
        'h' || md5(concat_ws('|', coalesce(product_name, ''), coalesce(variant, ''), coalesce(text, ''),
                             coalesce(rating::varchar, ''), coalesce(author, ''),
                             row_number() over (
                                 partition by file_id, platform, product_name, variant, text, rating, author
                                 order by locator
                             ))) as review_key
    from reviews
    where review_id is null
),

identified as not materialized (
    select * from with_id
    union all by name
    select * from without_id
),

-- Only keys seen more than once need ranking: a window over every review sorts a million rows for nothing.
repeated as (
    select platform, review_key from identified group by all having count(*) > 1
),

latest as (
    select * from identified anti join repeated using (platform, review_key)
    union all by name
    select * from (
        select * from identified semi join repeated using (platform, review_key)
        qualify row_number() over (partition by platform, review_key order by file_id desc, locator) = 1
    )
),

final as (
    select
        platform || ':' || review_key as review_id,
        tenant_id,
        platform,
        source_format,
        file_id as source_file_id,
        locator as source_locator,
        product_id,
        product_name,
        variant,
        category,
        rating,
        gaung_mask_phones(text) as text,
        attributes_json,
        gaung_author_key(author) as author_key,
        coalesce(author, '') = '' as is_anonymous,
        coalesce(gaung_mask_label(author), 'Anonim') as author_label,
        coalesce(
            timezone('UTC', created_at_utc),
            timezone((select timezone from ops.tenant), created_at_local)
        ) as created_at,
        created_at_is_estimated,
        gaung_mask_phones(seller_reply) as seller_reply,
        timezone('UTC', seller_reply_at_utc) as seller_reply_at,
        case when like_count < 0 then 0 else like_count end as like_count,
        media_count,
        label_sentiment,
        label_emotion
    from latest
)

select * from final
