-- Why a record was quarantined, as the message catalogue's key and its values (pipelines/messages.toml), so
-- the report and the command line show the reason in the reader's language. `reason` keeps the English text
-- for queries; rows quarantined before this migration have no key and are shown in English.
alter table ops.quarantine add column reason_key varchar;
alter table ops.quarantine add column reason_values json;
