-- Direct messages from "Download your information" archives (Instagram and Facebook Messenger
-- messages/inbox/<thread>/message_1.json, TikTok's Direct Messages chat history), as landed.

-- grain: one row per message per export file
create table raw.direct_messages (
    file_id        varchar not null,
    tenant_id      varchar not null,
    locator        varchar not null,
    source_format  varchar not null,
    platform       varchar not null,  -- instagram | facebook
    thread         varchar,           -- the conversation: thread_path, else its title (names a person)
    participants   json,              -- the conversation's participants' names, as a JSON list
    sender         varchar,           -- sender_name as written
    from_owner     boolean,           -- sent by the export's owner, when the export says so (TikTok)
    sent_at_utc    timestamp,
    kind           varchar not null,  -- text | media | share | call | unsent | system
    text           varchar,
    share_link     varchar,
    raw_json       json not null      -- the message whole (reactions, attachments...)
);
