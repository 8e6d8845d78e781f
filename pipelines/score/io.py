"""Scoring stage I/O: documents for trends out of the warehouse, their weekly terms into ops.trend_terms and
marts.fct_trends rebuilt over them, in the caller's transaction."""

from __future__ import annotations

import duckdb
import polars as pl

from pipelines.score.trends import bursts, weekly_terms
from pipelines.tenants import Tenant
from warehouse.build import TREND_MODELS, build_order, materialise
from warehouse.connection import registered

DOCS_SQL = """
    select 'content:' || content_id as doc_id, posted_local_date as local_date, title as text
    from marts.dim_content where posted_local_date is not null and title is not null
    union all
    select 'voice:' || voice_id, local_date, text
    from marts.fct_customer_voice where not is_from_business and local_date is not null
"""


def write_trends(con: duckdb.DuckDBPyConnection, tenant: Tenant) -> int:
    """Rewrite the tenant's ops.trend_terms and rebuild marts.fct_trends; weeks run Monday to Sunday in the
    tenant's timezone. Returns the number of trend rows."""
    docs = con.sql(DOCS_SQL).pl()
    if docs.is_empty():
        weeks = pl.Series("week_start", [], dtype=pl.Date)
    else:
        weeks = pl.date_range(docs["local_date"].min(), docs["local_date"].max(), "1d", eager=True).dt.truncate("1w").unique()
    trends = bursts(weekly_terms(docs.lazy()), weeks).with_columns(
        pl.lit(tenant.id).alias("tenant_id"), pl.col("support").cast(pl.Int64))
    with registered(con, "_gaung_trends", trends):
        con.execute("delete from ops.trend_terms where tenant_id = ?", [tenant.id])
        con.execute("insert into ops.trend_terms by name select * from _gaung_trends")
    for layer, name in build_order(TREND_MODELS):
        materialise(con, layer, name)
    return trends.height
