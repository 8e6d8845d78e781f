-- grain: one row per group of product-idea texts (a theme's ideas, split where they ask for clearly different things).
-- Ranked by distinct customers asking, then recency, then growth; with the theme and masked quotes. Trend
-- and status as in dim_theme: the last four weeks against the four before, as of the last day with texts.

with

voice_analysis as (

    select * from ops.voice_analysis

),

idea_groups as (

    select * from ops.idea_groups

),

themes as (

    select * from ops.themes

),

windows as (

    select
        max(local_date) as as_of_date,
        max(local_date) - 27 as recent_from,
        max(local_date) - 55 as previous_from
    from voice_analysis

),

idea_stats as (

    select
        v.idea_id,
        cast(count(distinct coalesce(v.author_key, 'voice:' || v.voice_id)) as integer) as n_customers,
        cast(count(*) as integer) as n_texts,
        min(v.local_date) as first_seen_date,
        max(v.local_date) as last_seen_date,
        cast(count(*) filter (where v.local_date >= w.recent_from) as integer) as n_texts_recent,
        cast(count(*) filter (where v.local_date >= w.previous_from and v.local_date < w.recent_from)
             as integer) as n_texts_previous,
        any_value(w.as_of_date) as as_of_date
    from voice_analysis as v
    cross join windows as w
    where v.idea_id is not null
    group by v.idea_id

),

ideas as (

    select
        g.tenant_id,
        g.idea_id,
        g.theme_id,
        g.label,
        t.label as theme_label,
        g.keywords,
        s.n_customers,
        s.n_texts,
        s.first_seen_date,
        s.last_seen_date,
        s.n_texts_recent,
        s.n_texts_previous,
        cast(s.n_texts_recent - s.n_texts_previous as double) / greatest(s.n_texts_previous, 1) as growth,
        gaung_trend_status(s.first_seen_date, s.as_of_date, s.n_texts_recent, s.n_texts_previous) as status,
        g.quotes
    from idea_groups as g
    inner join idea_stats as s using (idea_id)
    left join themes as t on t.theme_id = g.theme_id

),

final as (

    select
        tenant_id,
        cast(row_number() over (order by n_customers desc, last_seen_date desc, growth desc, idea_id) as integer)
            as idea_rank,
        idea_id,
        theme_id,
        label,
        theme_label,
        keywords,
        n_customers,
        n_texts,
        first_seen_date,
        last_seen_date,
        n_texts_recent,
        n_texts_previous,
        growth,
        status,
        quotes
    from ideas
    order by idea_rank

)

select * from final
