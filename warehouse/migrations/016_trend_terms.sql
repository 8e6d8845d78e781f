-- Trending terms as pipelines.score computes them (tokens, weekly support and bursts need Python);
-- marts.fct_trends selects from here. Rewritten whole for the tenant at every scoring run.

-- grain: one row per tenant, week (Monday, tenant's local calendar), term type and term
create table ops.trend_terms (
    tenant_id           varchar not null,
    week_start          date not null,
    term_type           varchar not null,
    term                varchar not null,
    support             bigint not null,
    baseline_median     double,
    baseline_mad        double,
    z_score             double,
    is_notable          boolean,
    status              varchar,
    first_notable_week  date
);
