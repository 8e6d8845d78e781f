-- The pseudonymisation lookup, kept between builds so staging can be views and a rebuild hashes only
-- the names and numbers it has not seen. It links raw values to their keys, as raw itself already
-- holds the names: share marts, not this file, with people who must not see who said what.

-- grain: one row per raw name or number as landed
create table ops.pseudonyms (
    raw          varchar not null,
    author_key   varchar,
    author_label varchar
);

-- one row: a fingerprint of the key the lookup was built with (a new GAUNG_SECRET_KEY rebuilds it)
create table ops.pseudonym_state (
    key_fingerprint varchar not null
);
