-- API pulls: per tenant and source, the newest item already landed (watermark) and, while a pull is
-- under way, the cursor of the next page (so an interrupted pull resumes instead of starting over).

-- grain: one row per tenant and API source
create table ops.pull_state (
    tenant_id     varchar not null,
    source        varchar not null,
    watermark     varchar,
    cursor        varchar,
    pages_landed  bigint not null default 0,
    updated_at    timestamptz not null,
    primary key (tenant_id, source)
);
