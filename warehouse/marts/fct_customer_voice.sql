-- grain: one row per thing a customer (or the business, flagged) said in words, on any channel:
-- WhatsApp messages, Instagram and Messenger direct messages, marketplace reviews, and comments from
-- data downloads.
-- A view (see warehouse/build.py): the texts stay in raw, read through the staging views.
with

messages as (
    select * from staging.stg_whatsapp__messages
),

reviews as (
    select * from staging.stg_marketplace__reviews
),

comments as (
    select * from staging.stg_social__comments
),

direct_messages as (
    select * from staging.stg_social__messages
),

whatsapp_voice as (
    select
        md5('whatsapp|' || message_id) as voice_id,
        tenant_id,
        'whatsapp' as platform,
        'message' as channel,
        source_file_id,
        source_locator,
        author_key,
        author_label,
        is_from_business,
        created_at,
        local_date,
        text,
        null::integer as rating,
        case when order_items_json is not null
             then order_items_json::json -> 0 ->> 'product_retailer_id' end as product_name,
        null::varchar as variant,
        null::varchar as content_id,
        null::varchar as reply_text
    from messages
    where text is not null
      and trim(text) <> ''
      and not is_deleted
      and message_kind in ('text', 'media', 'location', 'order', 'interactive')
),

review_voice as (
    select
        md5('review|' || review_id) as voice_id,
        tenant_id,
        platform,
        'review' as channel,
        source_file_id,
        source_locator,
        author_key,
        author_label,
        false as is_from_business,
        created_at,
        cast(timezone((select timezone from ops.tenant), created_at) as date) as local_date,
        text,
        rating,
        product_name,
        variant,
        null::varchar as content_id,
        seller_reply as reply_text
    from reviews
    where text is not null and trim(text) <> ''
),

comment_voice as (
    select
        md5('comment|' || comment_id) as voice_id,
        tenant_id,
        platform,
        'comment' as channel,
        source_file_id,
        source_locator,
        author_key,
        case when is_own then (select tenant_name from ops.tenant) else 'Anonim' end as author_label,
        is_own as is_from_business,
        created_at,
        cast(timezone((select timezone from ops.tenant), created_at) as date) as local_date,
        text,
        null::integer as rating,
        null::varchar as product_name,
        null::varchar as variant,
        content_id,
        null::varchar as reply_text
    from comments
    where created_at is not null
),

direct_voice as (
    select
        md5('dm|' || message_id) as voice_id,
        tenant_id,
        platform,
        'message' as channel,
        source_file_id,
        source_locator,
        author_key,
        author_label,
        is_from_business,
        created_at,
        cast(timezone((select timezone from ops.tenant), created_at) as date) as local_date,
        text,
        null::integer as rating,
        null::varchar as product_name,
        null::varchar as variant,
        null::varchar as content_id,
        null::varchar as reply_text
    from direct_messages
    where text is not null
      and trim(text) <> ''
      and kind in ('text', 'share', 'media')
),

unioned as (
    select * from whatsapp_voice
    union all
    select * from direct_voice
    union all
    select * from review_voice
    union all
    select * from comment_voice
),

-- @handles and the names of people the warehouse knows are cut to their initial (gaung_mask_names,
-- written by pipelines/privacy.py at each build); the language is looked up by the text as staging has it.
final as (
    select
        unioned.* replace (gaung_mask_names(unioned.text) as text, gaung_mask_names(unioned.reply_text) as reply_text),
        languages.lang
    from unioned
    left join ops.voice_languages as languages on languages.text_md5 = md5_number(unioned.text)
)

select * from final
