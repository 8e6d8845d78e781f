-- The language of every distinct customer-voice text, detected once and kept between builds, so that
-- marts.fct_customer_voice can be a view (every text stored once, in raw) and a rebuild detects nothing
-- it has seen. Keyed by the MD5 of the text as the voice mart shows it (phone numbers masked): no text here.

-- grain: one row per distinct voice text
create table ops.voice_languages (
    text_md5 uhugeint not null,  -- unique: only texts not yet here are added
    lang     varchar not null
);
