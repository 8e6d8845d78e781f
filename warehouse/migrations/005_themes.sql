-- Feedback themes keep their ids across runs: a registry of every theme ever found (history kept),
-- the last assignment of each distinct text, and one row per themes run.

-- grain: one row per theme id ever issued for a tenant
create table ops.theme_registry (
    tenant_id        varchar not null,
    theme_id         varchar not null,
    intent           varchar not null,
    label            varchar not null,
    keywords         varchar[],
    centre           float[],
    first_run_at     timestamp not null,
    last_run_at      timestamp not null,
    is_active        boolean not null,
    primary key (tenant_id, theme_id)
);

-- grain: one row per distinct text (normalised, keyed) and tenant: the theme it was in at the last run
create table ops.theme_assignments (
    tenant_id   varchar not null,
    text_key    varchar not null,
    theme_id    varchar not null,
    primary key (tenant_id, text_key)
);

-- grain: one row per themes run
create table ops.theme_runs (
    tenant_id         varchar not null,
    run_at            timestamp not null,
    model             varchar,
    n_texts           integer not null,
    n_themes          integer not null,
    n_unassigned      integer not null,
    n_new_embeddings  integer not null,
    input_hash        varchar not null
);
