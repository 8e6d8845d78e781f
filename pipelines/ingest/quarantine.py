"""What ops.quarantine holds, read back for people: the commonest reasons in English and Bahasa Indonesia."""

from __future__ import annotations

import duckdb

from pipelines.messages import reason_text
from warehouse.connection import fetch_value


def common_reasons(con: duckdb.DuckDBPyConnection, tenant_id: str, limit: int = 3) -> list[tuple[str, str, int]]:
    """(English, Indonesian, rows) for a tenant's commonest quarantine reasons, most rows first. The Indonesian
    comes from the reason's catalogue key and values; rows quarantined before reasons had keys (or in a
    warehouse not yet migrated, opened read-only) are shown in English."""
    keyed = fetch_value(con, "select count(*) from information_schema.columns where table_schema = 'ops'"
                             " and table_name = 'quarantine' and column_name = 'reason_key'")
    key, values = ("max(reason_key)", "max(reason_values::varchar)") if keyed else ("null", "null")
    rows = con.execute(f"select reason, {key}, {values}, count(*) from ops.quarantine where tenant_id = ?"
                       " group by reason order by 4 desc, 1 limit ?", [tenant_id, limit]).fetchall()
    return [(english, reason_text(k, v, english, "id"), int(n)) for english, k, v, n in rows]
