-- grain: one row per WhatsApp message, from exports and Cloud API webhooks, deduplicated across
-- overlapping exports (same chat, moment, author, text and occurrence) and webhook retries (same wamid).
-- People appear only as keyed hashes and masked labels; raw names and numbers stay in raw.
with

export_rows as not materialized (  -- read three times below: scanning raw again is cheaper than a copy
    select * from raw.whatsapp_export_messages
),

cloud_rows as (
    select * from raw.whatsapp_cloud_messages
),

business as (
    select author_key from _gaung_business_keys
),

-- Rows that may share an id: the same chat, second, author and text, written twice in one file (numbered by
-- occurrence) or in two overlapping exports (the same message). Only they go through the numbering and dedupe
-- windows (a window over every row sorts a million long texts for nothing). They are found by a 64-bit hash of
-- the fields the id reads, so a group-by compares numbers, not long texts (a collision only sends a few more rows
-- down the exact path), and by a '|' in a field: the id joins the fields with '|', so only rows holding one can
-- share an id with different fields ('Rina | Reseller' saying 'ok', 'Rina ' saying ' Reseller|ok').
export_keyed as not materialized (
    select
        *,
        hash(coalesce(chat_name, ''), date_trunc('second', sent_at_local), coalesce(author, ''), coalesce(body, ''))
            as id_hash,
        coalesce(contains(chat_name, '|') or contains(author, '|') or contains(body, '|'), false) as has_bar
    from export_rows
),

export_repeated as (
    select id_hash from export_keyed group by id_hash having count(*) > 1
),

export_numbered as (
    select e.* exclude (id_hash, has_bar), 1 as occurrence, false as may_repeat
    from export_keyed as e
    anti join export_repeated as r using (id_hash)
    where not e.has_bar
    union all
    select
        e.* exclude (id_hash, has_bar),
        row_number() over (
            partition by file_id, chat_name, sent_at_local, author, body order by line_start
        ) as occurrence,
        true as may_repeat
    from export_keyed as e
    where e.has_bar or e.id_hash in (select id_hash from export_repeated)
),

export_messages as not materialized (  -- read twice below, each time for its own rows
    select
        'wa-export:' || md5(concat_ws('|', coalesce(chat_name, ''), strftime(sent_at_local, '%Y-%m-%dT%H:%M:%S'),
            coalesce(author, ''), coalesce(body, ''), occurrence)) as message_id,
        tenant_id,
        'export' as source,
        file_id as source_file_id,
        case when line_start = line_end then 'line ' || line_start
             else 'lines ' || line_start || '-' || line_end end as source_locator,
        line_start as source_order,
        chat_name,
        author as author_raw,
        timezone((select timezone from ops.tenant), sent_at_local) as created_at,
        message_kind,
        system_kind,
        media_kind,
        case
            when message_kind in ('text', 'location') then body
            when message_kind = 'media' then nullif(trim(regexp_replace(body, '^[^\n]*\n?', '')), '')
        end as text_raw,
        is_edited,
        message_kind = 'deleted' as is_deleted,
        false as is_forwarded,
        false as is_frequently_forwarded,
        null::varchar as reply_to_message_id,
        null::varchar as reaction_emoji,
        null::varchar as reaction_to_message_id,
        null::varchar as order_items_json,
        null::varchar as referral_source_id,
        null::varchar as referral_source_url,
        may_repeat
    from export_numbered
),

cloud_first as (
    select *
    from cloud_rows
    where message_type not in ('edit', 'revoke')
    qualify row_number() over (partition by message_id order by sent_epoch, file_id, locator) = 1
),

cloud_edits as (
    select
        edit_original_id as message_id,
        coalesce(text_body, caption) as edited_text
    from cloud_rows
    where message_type = 'edit' and edit_original_id is not null
    qualify row_number() over (partition by edit_original_id order by sent_epoch desc, file_id desc, locator desc) = 1
),

cloud_revokes as (
    select distinct revoke_original_id as message_id
    from cloud_rows
    where message_type = 'revoke' and revoke_original_id is not null
),

cloud_messages as (
    select
        m.message_id,
        m.tenant_id,
        'cloud_api' as source,
        m.file_id as source_file_id,
        m.locator as source_locator,
        0 as source_order,
        null::varchar as chat_name,
        m.from_wa_id as author_raw,
        to_timestamp(m.sent_epoch) as created_at,
        case
            when m.message_type = 'text' then 'text'
            when m.message_type in ('image', 'video', 'audio', 'document', 'sticker') then 'media'
            when m.message_type in ('interactive', 'button') then 'interactive'
            else m.message_type
        end as message_kind,
        case when m.message_type = 'system' then coalesce(m.system_json ->> 'type', 'other') end as system_kind,
        case
            when m.message_type in ('image', 'video', 'document', 'sticker') then m.message_type
            when m.message_type = 'audio' then
                case when (m.message_json -> 'audio' ->> 'voice') = 'true' then 'voice' else 'audio' end
        end as media_kind,
        case
            when m.message_type in ('text', 'image', 'video', 'document', 'audio', 'sticker', 'button', 'order')
                then nullif(coalesce(e.edited_text, m.text_body, m.caption), '')
            when m.message_type = 'interactive' then m.interactive_title
        end as text_raw,
        e.message_id is not null as is_edited,
        r.message_id is not null as is_deleted,
        m.is_forwarded,
        m.is_frequently_forwarded,
        m.context_message_id as reply_to_message_id,
        m.reaction_emoji,
        m.reaction_message_id as reaction_to_message_id,
        m.order_json ->> 'product_items' as order_items_json,
        m.referral_json ->> 'source_id' as referral_source_id,
        m.referral_json ->> 'source_url' as referral_source_url,
        true as may_repeat
    from cloud_first as m
    left join cloud_edits as e on e.message_id = m.message_id
    left join cloud_revokes as r on r.message_id = m.message_id
),

unioned as not materialized (
    select * from export_messages
    union all
    select * from cloud_messages
),

-- The same message from overlapping exports or webhook retries: rows that may share an id keep their first.
deduplicated as (
    select * exclude (may_repeat) from unioned where not may_repeat
    union all
    select * exclude (may_repeat) from unioned where may_repeat
    qualify row_number() over (partition by message_id order by source_file_id, source_order) = 1
),

final as (
    select
        d.message_id,
        d.tenant_id,
        d.source,
        d.source_file_id,
        d.source_locator,
        gaung_author_key(d.chat_name) as chat_key,
        gaung_mask_label(d.chat_name) as chat_label,
        gaung_author_key(d.author_raw) as author_key,
        case when gaung_author_key(d.author_raw) in (select author_key from business)
             then (select tenant_name from ops.tenant) else gaung_mask_label(d.author_raw) end as author_label,
        coalesce(gaung_author_key(d.author_raw) in (select author_key from business), false) as is_from_business,
        d.created_at,
        cast(timezone((select timezone from ops.tenant), d.created_at) as date) as local_date,
        d.message_kind,
        d.system_kind,
        d.media_kind,
        gaung_mask_phones(d.text_raw) as text,
        d.is_edited,
        d.is_deleted,
        d.is_forwarded,
        d.is_frequently_forwarded,
        d.reply_to_message_id,
        d.reaction_emoji,
        d.reaction_to_message_id,
        d.order_items_json,
        d.referral_source_id,
        d.referral_source_url
    from deduplicated as d
)

select * from final
