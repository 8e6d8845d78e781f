-- grain: one row per alert episode of the tenant: what fired (kind, subject), the figure against its
-- baseline, when it was first seen, the message in Indonesian and English, and whether it went out.
-- A view over ops.alerts, which `gaung alerts` (pipelines/alerts) writes. Formulas: docs/formulas.md.
with

alerts as (
    select * from ops.alerts
),

final as (
    select
        tenant_id,
        alert_id,
        kind,
        subject,
        figure,
        baseline,
        figure / nullif(baseline, 0) as figure_vs_baseline,
        first_seen_at as first_seen,
        last_seen_at as last_seen,
        local_date,
        link,
        message_id,
        message_en,
        status,
        attempts,
        sent_at,
        delivery_key
    from alerts
)

select * from final
