-- Foundation: the four layers, ingestion lineage and quarantine, raw WhatsApp tables.
create schema if not exists raw;
create schema if not exists staging;
create schema if not exists marts;
create schema if not exists ops;

-- grain: one row per distinct file content (sha256) per tenant
create table ops.ingested_files (
    file_id          varchar not null,
    tenant_id        varchar not null,
    path             varchar not null,
    sha256           varchar not null,
    bytes            bigint not null,
    source_format    varchar,
    rows_loaded      bigint not null default 0,
    rows_quarantined bigint not null default 0,
    status           varchar not null check (status in ('loaded', 'duplicate', 'rejected')),
    error            varchar,
    ingested_at      timestamptz not null,
    primary key (tenant_id, file_id)
);

-- grain: one row per rejected record (a line range, a JSON pointer, a CSV row)
create table ops.quarantine (
    file_id   varchar not null,
    tenant_id varchar not null,
    locator   varchar not null,
    raw       varchar,
    reason    varchar not null
);

-- grain: one row per message header line of a WhatsApp "Export chat" text file, as landed
create table raw.whatsapp_export_messages (
    file_id        varchar not null,
    tenant_id      varchar not null,
    line_start     integer not null,
    line_end       integer not null,
    chat_name      varchar,
    header_date    varchar not null,
    header_time    varchar not null,
    sent_at_local  timestamp not null,
    date_order     varchar not null,
    author         varchar,
    body           varchar,
    message_kind   varchar not null,
    system_kind    varchar,
    media_kind     varchar,
    media_file     varchar,
    is_edited      boolean not null
);

-- grain: one row per message object in a WhatsApp Cloud API webhook payload, as landed
create table raw.whatsapp_cloud_messages (
    file_id                 varchar not null,
    tenant_id               varchar not null,
    locator                 varchar not null,
    waba_id                 varchar,
    phone_number_id         varchar,
    display_phone_number    varchar,
    message_id              varchar not null,
    from_wa_id              varchar,
    profile_name            varchar,
    sent_epoch              bigint not null,
    message_type            varchar not null,
    text_body               varchar,
    caption                 varchar,
    media_id                varchar,
    media_mime_type         varchar,
    media_filename          varchar,
    reaction_message_id     varchar,
    reaction_emoji          varchar,
    context_message_id      varchar,
    context_from            varchar,
    is_forwarded            boolean not null,
    is_frequently_forwarded boolean not null,
    edit_original_id        varchar,
    revoke_original_id      varchar,
    interactive_id          varchar,
    interactive_title       varchar,
    order_json              json,
    referral_json           json,
    location_json           json,
    system_json             json,
    errors_json             json,
    message_json            json not null
);

-- grain: one row per status object (sent, delivered, read, failed...) in a webhook payload
create table raw.whatsapp_cloud_statuses (
    file_id          varchar not null,
    tenant_id        varchar not null,
    locator          varchar not null,
    phone_number_id  varchar,
    message_id       varchar not null,
    status           varchar not null,
    status_epoch     bigint not null,
    recipient_id     varchar,
    conversation_id  varchar,
    pricing_category varchar,
    errors_json      json,
    status_json      json not null
);
