-- grain: one row per theme and week (Monday of the local ISO week) with customer texts in it.
-- Each theme's weekly volume, distinct customers, sentiment and texts per intent.

with

voice_theme as (

    select * from marts.fct_voice_theme

),

weekly as (

    select
        tenant_id,
        theme_id,
        local_date - cast(isodow(local_date) - 1 as integer) as week_start,
        author_key,
        intent,
        sentiment,
        sentiment_score
    from voice_theme

),

final as (

    select
        tenant_id,
        theme_id,
        week_start,
        cast(count(*) as integer) as n_texts,
        cast(count(distinct author_key) as integer) as n_customers,
        -- Kahan summation: the same mean whatever the order rows arrive in
        fsum(sentiment_score) / nullif(count(sentiment_score), 0) as sentiment_mean,
        avg(cast(sentiment = 'negative' as double)) as negative_share,
        cast(count(*) filter (where intent = 'complaint') as integer) as n_complaints,
        cast(count(*) filter (where intent = 'question') as integer) as n_questions,
        cast(count(*) filter (where intent = 'product_idea') as integer) as n_product_ideas,
        cast(count(*) filter (where intent = 'praise') as integer) as n_praise,
        cast(count(*) filter (where intent = 'other') as integer) as n_other,
        cast(count(distinct author_key) filter (where intent = 'complaint') as integer) as n_complaint_customers
    from weekly
    group by tenant_id, theme_id, week_start
    order by theme_id, week_start

)

select * from final
