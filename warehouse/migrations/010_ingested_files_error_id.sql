-- Why a file was rejected, in Bahasa Indonesia (the report and the command line show it by default);
-- `error` keeps the English reason.
alter table ops.ingested_files add column error_id varchar;
