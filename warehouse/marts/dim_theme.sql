-- grain: one row per theme found at the last themes run that holds customer texts.
-- Each theme: label, keywords and masked quotes (from ops.themes), volume, distinct customers, its intent
-- mix (`intent` is the main one), sentiment, and its trend: the last four weeks against the four before,
-- as of the last day with customer texts (never the clock, so a re-run on the same data gives the same table).

with

voice_theme as (

    select * from marts.fct_voice_theme

),

voice_analysis as (

    select * from ops.voice_analysis

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

theme_stats as (

    select
        v.tenant_id,
        v.theme_id,
        cast(count(*) as integer) as n_texts,
        cast(count(distinct v.author_key) as integer) as n_customers,
        min(v.local_date) as first_seen_date,
        max(v.local_date) as last_seen_date,
        -- Kahan summation: the same mean whatever the order rows arrive in
        fsum(v.sentiment_score) / nullif(count(v.sentiment_score), 0) as sentiment_mean,
        avg(cast(v.sentiment = 'negative' as double)) as negative_share,
        cast(count(*) filter (where v.intent = 'complaint') as integer) as n_complaints,
        cast(count(*) filter (where v.intent = 'question') as integer) as n_questions,
        cast(count(*) filter (where v.intent = 'product_idea') as integer) as n_product_ideas,
        cast(count(*) filter (where v.intent = 'praise') as integer) as n_praise,
        cast(count(*) filter (where v.intent = 'other') as integer) as n_other,
        cast(count(*) filter (where v.local_date >= w.recent_from) as integer) as n_texts_recent,
        cast(count(*) filter (where v.local_date >= w.previous_from and v.local_date < w.recent_from)
             as integer) as n_texts_previous,
        any_value(w.as_of_date) as as_of_date
    from voice_theme as v
    cross join windows as w
    group by v.tenant_id, v.theme_id

),

final as (

    select
        t.theme_id,
        s.tenant_id,
        t.intent,
        t.label,
        t.keywords,
        t.quotes,
        coalesce(t.complaint_quotes, []) as complaint_quotes,
        s.n_texts,
        s.n_customers,
        s.first_seen_date,
        s.last_seen_date,
        s.sentiment_mean,
        s.negative_share,
        s.n_complaints,
        s.n_questions,
        s.n_product_ideas,
        s.n_praise,
        s.n_other,
        s.n_texts_recent,
        s.n_texts_previous,
        cast(s.n_texts_recent - s.n_texts_previous as double) / greatest(s.n_texts_previous, 1) as growth,
        gaung_trend_status(s.first_seen_date, s.as_of_date, s.n_texts_recent, s.n_texts_previous) as status
    from themes as t
    inner join theme_stats as s using (theme_id)
    order by s.n_texts desc, t.theme_id

)

select * from final
