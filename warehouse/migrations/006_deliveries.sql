-- Report deliveries: one row per tenant, ISO week and channel, so a week is sent once per channel
-- (a forced resend updates the row). Recipients are stored masked; tokens are never stored.

-- grain: one row per tenant, week and delivery channel
create table ops.deliveries (
    tenant_id     varchar not null,
    week          varchar not null,
    channel       varchar not null check (channel in ('outbox', 'email', 'whatsapp')),
    status        varchar not null check (status in ('sent', 'failed')),
    attempts      integer not null,
    delivered_at  timestamptz,
    artifact_path varchar,
    recipient     varchar,
    message_id    varchar,
    error         varchar,
    updated_at    timestamptz not null,
    primary key (tenant_id, week, channel)
);
