-- What the feedback stage computes in Python for each customer text and theme (intents, sentiments,
-- theme assignments, idea groups, theme labels and quotes); the feedback marts (fct_voice_signals,
-- fct_voice_theme, dim_theme, fct_theme_weekly, fct_product_ideas) select and aggregate from here.
-- Rewritten whole for the tenant at every themes run, in the transaction that rebuilds those marts.

-- grain: one row per analysed customer text (marts.fct_customer_voice, the business's own texts left out)
create table ops.voice_analysis (
    tenant_id        varchar not null,
    voice_id         varchar not null,
    platform         varchar,
    channel          varchar,
    local_date       date,
    author_key       varchar,
    intent           varchar,
    sentiment        varchar,
    sentiment_score  double,
    rating           integer,
    lang             varchar,
    theme_id         varchar,   -- null: in no theme
    idea_id          varchar    -- null: in no idea group
);

-- grain: one row per theme found at the tenant's last themes run
create table ops.themes (
    tenant_id         varchar not null,
    theme_id          varchar not null,
    intent            varchar not null,
    label             varchar not null,
    keywords          varchar[],
    quotes            varchar[],
    complaint_quotes  varchar[]
);

-- grain: one row per group of product-idea texts found at the tenant's last themes run
create table ops.idea_groups (
    tenant_id  varchar not null,
    idea_id    varchar not null,
    theme_id   varchar,             -- null: ideas outside every theme
    label      varchar not null,
    keywords   varchar[],
    quotes     varchar[]
);
