-- grain: one row per customer text (the business's own texts left out).
-- The intent and sentiment of each customer text, as pipelines.feedback computes them into ops.voice_analysis.

with

voice_analysis as (

    select * from ops.voice_analysis

),

final as (

    select
        voice_id,
        tenant_id,
        platform,
        channel,
        local_date,
        author_key,
        intent,
        sentiment,
        sentiment_score,
        rating,
        lang
    from voice_analysis

)

select * from final
