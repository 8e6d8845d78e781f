-- When a landed file was last modified (ns since the epoch), as it was when it was read: a later ingest that finds
-- the same absolute path with the same size and modification time takes it as unchanged without reading it
-- (as rsync and git's index do). Null for zip members and for files loaded before this column existed.
alter table ops.ingested_files add column mtime_ns bigint;
