-- Reviews are the largest raw table: a marketplace export holds up to millions of them. What every review of
-- a file shares (tenant, platform, format, how its locator starts) is stored once per part of the file, not
-- in every row, and a review's place in its file as a number. raw.reviews stays, as a view with the same
-- columns as before: 'row 12', '/ratings/3', 'Januari row 2' as locators.

-- grain: one row per part of a file of reviews: the file, or one sheet of a workbook
create table raw.review_files (
    file_id         varchar not null,
    part            integer not null,  -- 0, or the sheet's place among the file's sheets of reviews
    tenant_id       varchar not null,
    source_format   varchar not null,
    platform        varchar not null,
    locator_prefix  varchar not null,  -- 'row ', 'Januari row ', '/ratings/': the locator before its number
    primary key (file_id, part)
);

-- grain: one row per marketplace review as landed
create table raw.review_rows (
    file_id                 varchar not null,
    part                    integer not null,
    row_number              integer not null,  -- the spreadsheet row, or the index in a JSON list
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

-- Reviews landed before this migration move over: 'row 12' is part prefix 'row ' and number 12.
create temporary table review_parts_before as
select
    file_id,
    (row_number() over (partition by file_id order by locator_prefix, platform, source_format) - 1)::integer as part,
    tenant_id,
    source_format,
    platform,
    locator_prefix
from (
    select distinct file_id, tenant_id, source_format, platform, regexp_extract(locator, '^(.*?)\d+$', 1) as locator_prefix
    from raw.reviews
);

insert into raw.review_files by name select * from review_parts_before;

insert into raw.review_rows by name
select
    r.file_id,
    p.part,
    regexp_extract(r.locator, '(\d+)$', 1)::integer as row_number,
    r.* exclude (file_id, tenant_id, locator, source_format, platform)
from raw.reviews as r
join review_parts_before as p
    on p.file_id = r.file_id and p.tenant_id = r.tenant_id and p.source_format = r.source_format
    and p.platform = r.platform and p.locator_prefix = regexp_extract(r.locator, '^(.*?)\d+$', 1);

drop table review_parts_before;

drop table raw.reviews;

-- grain: one row per marketplace review as landed
create view raw.reviews as
select
    r.file_id,
    f.tenant_id,
    f.locator_prefix || r.row_number as locator,
    f.source_format,
    f.platform,
    r.* exclude (file_id, part, row_number)
from raw.review_rows as r
join raw.review_files as f using (file_id, part);
