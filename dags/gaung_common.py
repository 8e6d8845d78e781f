"""Shared wiring for the Gaung DAGs: the assets, the DuckDB pool and the default task arguments.

Listed in .airflowignore (it defines no DAG); the DAG files import it from the DAGs folder.
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import Asset, RetryAction, RetryDecision, RetryPolicy

from pipelines.orchestration import log_failure

# Landing folders got new files (API pulls); extra={"tenants": [...]}.
LANDING = Asset(name="gaung_landing", uri="gaung://landing")
# Tenant warehouses got new rows (ingest); extra={"tenants": [...]}.
WAREHOUSE = Asset(name="gaung_warehouse", uri="gaung://warehouse")
# Scores and themes were rebuilt; extra={"tenants": [...]}.
MARTS = Asset(name="gaung_marts", uri="gaung://marts")
# Weekly reports were written and delivered; extra={"tenants": [...], "week": "2026-W41"}.
REPORTS = Asset(name="gaung_reports", uri="gaung://reports")

# Every task that writes a tenant's DuckDB file runs in this pool: its size bounds how many warehouses
# are written at once on the whole deployment (each may use GAUNG_DUCKDB_MEMORY_LIMIT of memory).
POOL = "gaung_duckdb"
# Mapped tasks run at most this many tenants at once within one DAG run.
TENANTS_AT_ONCE = 4
OWNER = "gaung"
# Shows the tenant id instead of the map index in the UI and in failure messages.
BY_TENANT = "{{ task.op_kwargs['tenant_id'] }}"


class GaungRetryPolicy(RetryPolicy):
    """A busy warehouse is retried in a minute; a mistake in tenants.toml or missing credentials fails at once.

    DuckDB allows one writer per file, and a task that found its tenant's file busy for 30 s raises
    WarehouseBusy. Exceptions are matched by qualified name, so nothing heavy is imported while parsing.
    """

    BUSY = {"warehouse.connection.WarehouseBusy"}
    USER_FIXES = {"pipelines.tenants.TenantError", "pipelines.connectors.http.TokenError"}

    def evaluate(self, exception, try_number, max_tries, context=None) -> RetryDecision:
        names = {f"{c.__module__}.{c.__qualname__}" for c in type(exception).__mro__}
        if names & self.BUSY:
            return RetryDecision(action=RetryAction.RETRY, retry_delay=timedelta(minutes=1),
                                 reason="another task is writing this tenant's warehouse")
        if names & self.USER_FIXES:
            return RetryDecision(action=RetryAction.FAIL, reason="retrying cannot fix this: correct tenants.toml "
                                                                 "or the credentials, then clear the task")
        return RetryDecision()


DEFAULT_ARGS = {
    "owner": OWNER,
    "retries": 3,
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=30),
    "execution_timeout": timedelta(minutes=30),
    "retry_policy": GaungRetryPolicy(),
    "on_failure_callback": log_failure,
}
