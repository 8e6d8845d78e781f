"""Alerts between reports: after each warehouse event (new rows ingested) and each marts event that follows it
(scores and themes rebuilt), and hourly so alerts held in quiet hours go out in the morning, find what needs each
owner today and send it on the tenant's channels: once per subject, within the daily cap, as one digest when
several fire at once. Run by hand, it checks the tenant in the "tenant" param, or every tenant."""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import AssetOrTimeSchedule, CronTriggerTimetable, Param, dag, task
from gaung_common import BY_TENANT, DEFAULT_ARGS, MARTS, POOL, TENANTS_AT_ONCE, WAREHOUSE


@dag(
    dag_id="gaung_alerts",
    schedule=AssetOrTimeSchedule(timetable=CronTriggerTimetable("7 * * * *", timezone="UTC"), assets=(WAREHOUSE | MARTS)),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=1),
    default_args=DEFAULT_ARGS,
    params={"tenant": Param(None, type=["null", "string"],
                            description="Check only this tenant when run by hand (default: all).")},
    tags=["gaung", "alerts"],
    doc_md=__doc__,
)
def gaung_alerts():
    @task(retries=1, execution_timeout=timedelta(minutes=5))
    def tenants_to_check(**context) -> list[str]:
        """The tenants named by the triggering events; on the hourly run, the param or every tenant."""
        from pipelines.orchestration import tenant_ids, tenants_from_events
        from pipelines.settings import Settings

        events = [e for key in (WAREHOUSE, MARTS) for e in context["triggering_asset_events"].get(key, [])]
        if events:
            return tenants_from_events(events)
        chosen = context["params"].get("tenant")
        return [chosen] if chosen else tenant_ids(Settings())

    @task(pool=POOL, map_index_template=BY_TENANT, max_active_tis_per_dagrun=TENANTS_AT_ONCE,
          execution_timeout=timedelta(minutes=20))
    def alerts(tenant_id: str, **context) -> dict:
        """Detect, record and send one tenant's alerts (ops.alerts, ops.deliveries)."""
        from pipelines.alerts.notify import alerts_tenant
        from pipelines.orchestration import run_time
        from pipelines.settings import Settings

        return alerts_tenant(tenant_id, settings=Settings(), now=run_time(context))

    alerts.expand(tenant_id=tenants_to_check())


gaung_alerts()
