-- grain: one row per thing a customer (or the business, flagged) said in words, on any channel.
-- WhatsApp messages for now; comments and reviews join as their sources are added.
with

messages as (
    select * from staging.stg_whatsapp__messages
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

final as (
    select *, gaung_lang(text) as lang
    from whatsapp_voice
)

select * from final
