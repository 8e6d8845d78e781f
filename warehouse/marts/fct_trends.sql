-- grain: one row per week (Monday, tenant's local calendar), term type and term.
-- Trending hashtags, words and word pairs: weekly support and bursts against the term's trailing weeks,
-- as pipelines.score.trends computes them into ops.trend_terms (formulas: docs/formulas.md).

with

trend_terms as (

    select * from ops.trend_terms

),

final as (

    select
        tenant_id,
        week_start,
        term_type,
        term,
        support,
        baseline_median,
        baseline_mad,
        z_score,
        is_notable,
        status,
        first_notable_week
    from trend_terms

)

select * from final
