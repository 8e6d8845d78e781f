-- When a landed file was last modified (ns since the epoch), as it was when it was read: a later ingest that finds
-- the same absolute path with the same size and modification time takes it as unchanged without reading it
-- (as rsync and git's index do). Null for zip members and for files loaded before this column existed.
alter table ops.ingested_files add column mtime_ns bigint;

-- Models maintained incrementally (warehouse/incremental.py): what each one's table was last built from, so a build
-- adds the rows of newly loaded files instead of rebuilding a million rows, and rebuilds in full when anything
-- else changed.
-- grain: one row per incrementally maintained model
create table ops.model_state (
    model       varchar primary key,  -- schema.name, e.g. staging.stg_whatsapp__messages
    fingerprint varchar not null      -- MD5 of the model's SQL and the key and tenant settings it was built with
);

-- grain: one row per incrementally maintained model and landed file whose rows its table holds
create table ops.model_files (
    model       varchar not null,
    file_id     varchar not null,
    -- as in ops.ingested_files when the table took the file's rows: a file read again as another format differs
    ingested_at   timestamptz not null,
    source_format varchar not null,
    primary key (model, file_id)
);
