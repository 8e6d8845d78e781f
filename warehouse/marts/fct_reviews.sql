-- grain: one row per marketplace review (review_id), with words or stars only: the count and the stars
-- every report and uplift reads. No review text here (the voice mart holds reviews with words); the
-- reviewer is a keyed pseudonym, the seller's reply masked as staging writes it. A view over the staging
-- view (see warehouse/build.py): a million reviews are not written again at every ingest.
with

reviews as (
    select * from staging.stg_marketplace__reviews
),

final as (
    select
        review_id,
        tenant_id,
        platform,
        product_id,
        product_name,
        variant,
        category,
        rating,
        coalesce(trim(text), '') <> '' as has_text,
        created_at,
        cast(timezone((select timezone from ops.tenant), created_at) as date) as local_date,
        created_at_is_estimated,
        coalesce(trim(seller_reply), '') <> '' as has_seller_reply,
        gaung_mask_names(nullif(trim(seller_reply), '')) as seller_reply,  -- customers' names cut (privacy.py)
        seller_reply_at,
        author_key,
        is_anonymous,
        like_count,
        media_count,
        source_format,
        source_file_id,
        source_locator
    from reviews
)

select * from final
