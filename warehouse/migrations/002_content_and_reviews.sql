-- Sources beyond WhatsApp: content snapshots, account series, audience, reviews and comments, as landed.
-- Each row keeps the source row whole in raw_json; typed columns hold the cleaned values.

-- grain: one row per post or video per export row (an observation of its metrics)
create table raw.content_snapshots (
    file_id                varchar not null,
    tenant_id              varchar not null,
    locator                varchar not null,
    source_format          varchar not null,
    platform               varchar not null,
    native_id              varchar,
    url                    varchar,
    account                varchar,
    title                  varchar,
    post_type              varchar,
    posted_at_utc          timestamp,
    posted_at_local        timestamp,
    observed_on            date,
    observed_at_utc        timestamp,
    views                  bigint,
    reach                  bigint,
    impressions            bigint,
    plays                  bigint,
    likes                  bigint,
    comments               bigint,
    shares                 bigint,
    saves                  bigint,
    follows                bigint,
    new_followers          bigint,
    profile_views          bigint,
    avg_watch_time_seconds double,
    full_watch_rate        double,
    duration_seconds       double,
    sound                  varchar,
    raw_json               json not null
);

-- grain: one row per account, day and export row (Overview, Viewers, FollowerHistory)
create table raw.account_daily (
    file_id            varchar not null,
    tenant_id          varchar not null,
    locator            varchar not null,
    source_format      varchar not null,
    platform           varchar not null,
    account            varchar,
    tab                varchar not null,
    date               date not null,
    date_text          varchar,
    observed_on        date not null,
    views              bigint,
    profile_views      bigint,
    likes              bigint,
    comments           bigint,
    shares             bigint,
    followers          bigint,
    followers_delta    bigint,
    total_viewers      bigint,
    new_viewers        bigint,
    returning_viewers  bigint,
    raw_json           json not null
);

-- grain: one row per audience breakdown cell (gender, territory, active hour)
create table raw.audience (
    file_id       varchar not null,
    tenant_id     varchar not null,
    locator       varchar not null,
    source_format varchar not null,
    platform      varchar not null,
    dimension     varchar not null,
    key           varchar not null,
    date          date,
    value         double,
    observed_on   date not null,
    raw_json      json not null
);

-- grain: one row per marketplace review as landed
create table raw.reviews (
    file_id                 varchar not null,
    tenant_id               varchar not null,
    locator                 varchar not null,
    source_format           varchar not null,
    platform                varchar not null,
    review_id               varchar,
    product_id              varchar,
    product_name            varchar,
    variant                 varchar,
    category                varchar,
    rating                  integer,
    text                    varchar,
    attributes_json         json,
    author                  varchar,
    is_anonymous            boolean not null,
    created_at_utc          timestamp,
    created_at_local        timestamp,
    created_at_text         varchar,
    created_at_is_estimated boolean not null,
    seller_reply            varchar,
    seller_reply_at_utc     timestamp,
    like_count              bigint,
    media_count             integer,
    label_sentiment         varchar,
    label_emotion           varchar,
    raw_json                json  -- source columns Gaung does not map, as landed
);

-- grain: one row per comment as landed (comments written by the account, from data downloads)
create table raw.comments (
    file_id        varchar not null,
    tenant_id      varchar not null,
    locator        varchar not null,
    source_format  varchar not null,
    platform       varchar not null,
    comment_id     varchar,
    content_url    varchar,
    content_owner  varchar,
    author         varchar,
    is_own         boolean not null,
    text           varchar,
    created_at_utc timestamp,
    raw_json       json not null
);
