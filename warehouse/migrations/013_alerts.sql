-- Alerts between reports: what the detector found for a tenant and what became of it (held in quiet hours,
-- sent, failed). One row per alert episode: a subject (a post, a theme, a campaign, a question) alerts once
-- and again only when its figure has grown by the tenant's material-change factor or after a quiet spell.
-- marts.fct_alerts selects from here. Each message sent (one alert or a digest) is a row of ops.deliveries
-- with kind = 'alert'; report rows keep kind = 'report'.

-- grain: one row per tenant and alert episode
create table ops.alerts (
    tenant_id      varchar not null,
    alert_id       varchar not null,
    kind           varchar not null,
    subject        varchar not null,
    figure         double not null,
    baseline       double,
    first_seen_at  timestamptz not null,
    last_seen_at   timestamptz not null,
    local_date     date not null,
    link           varchar,
    message_id     varchar not null,
    message_en     varchar not null,
    status         varchar not null check (status in ('pending', 'held', 'sent', 'failed', 'resolved')),
    attempts       integer not null default 0,
    sent_at        timestamptz,
    delivery_key   varchar,
    primary key (tenant_id, alert_id)
);

alter table ops.deliveries add column kind varchar default 'report';
