-- grain: one row per direct message (Instagram, Facebook Messenger, TikTok), deduplicated across overlapping
-- exports of the same conversation (same thread, sender, moment, kind, text and occurrence).
with

messages as (
    select * from raw.direct_messages
),

keyed as (
    select
        *,
        md5(concat_ws('|', coalesce(thread, ''), coalesce(sender, ''), sent_at_utc::varchar, kind, coalesce(text, ''),
                      row_number() over (partition by file_id, platform, thread, sender, sent_at_utc, kind, text
                                         order by locator))) as message_key
    from messages
),

latest as (
    select * from keyed
    qualify row_number() over (partition by platform, message_key order by file_id, locator) = 1
),

-- The business: the export's owner where the export says who that is (TikTok); else a sender named as
-- the tenant or one of its accounts, or, when the export holds several conversations, the one person
-- taking part in all of them (the owner of a Meta download).
participation as (
    select distinct platform, thread, unnest(from_json(participants, '["VARCHAR"]')) as name
    from latest
    where participants is not null and thread is not null
),

threads as (
    select platform, count(distinct thread) as n from participation group by platform
),

owners as (
    select p.platform, p.name as sender
    from participation as p
    join threads as t on t.platform = p.platform
    group by p.platform, p.name, t.n
    having t.n >= 2 and count(distinct p.thread) = t.n
),

final as (
    select
        l.platform || ':' || l.message_key as message_id,
        l.tenant_id,
        l.platform,
        l.source_format,
        l.file_id as source_file_id,
        l.locator as source_locator,
        gaung_author_key(l.thread) as thread_key,
        gaung_author_key(l.sender) as author_key,
        coalesce(gaung_mask_label(l.sender), 'Anonim') as author_label,
        coalesce(l.from_owner, lower(trim(l.sender)) in (select name from _gaung_business_names)
                 or o.sender is not null) as is_from_business,
        l.kind,
        -- words only where the person wrote them: Meta's own lines ("X added Y to the group") name people
        case when l.kind in ('text', 'share', 'media') then gaung_mask_phones(l.text) end as text,
        l.share_link,
        timezone('UTC', l.sent_at_utc) as created_at
    from latest as l
    left join owners as o on o.platform = l.platform and o.sender = l.sender
)

select * from final
