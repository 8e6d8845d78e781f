-- Sentence embeddings computed once per distinct text and model, so a re-run embeds nothing new.

-- grain: one row per text hash and model
create table ops.embedding_cache (
    text_hash  varchar not null,
    model      varchar not null,
    dim        integer not null,
    vector     float[] not null,
    primary key (text_hash, model)
);
