-- grain: one row per customer text in a theme.
-- Which theme (and idea group) each customer text is in, with its intent and sentiment. A text with no
-- author key (an anonymous review) counts as its own customer.

with

voice_analysis as (

    select * from ops.voice_analysis

),

final as (

    select
        voice_id,
        tenant_id,
        theme_id,
        coalesce(idea_id, '') as idea_id,  -- '': in no idea group
        intent,
        local_date,
        coalesce(author_key, 'voice:' || voice_id) as author_key,
        sentiment,
        sentiment_score
    from voice_analysis
    where theme_id is not null

)

select * from final
