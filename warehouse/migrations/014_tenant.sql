-- The tenant a warehouse file belongs to: its id, name and timezone, written at every build. Models read
-- their tenant's settings from here (never from session variables or text written into the SQL), so the
-- views in the file work for anyone who opens it.

-- grain: one row
create table ops.tenant (
    tenant_id    varchar not null,
    tenant_name  varchar not null,
    timezone     varchar not null
);
