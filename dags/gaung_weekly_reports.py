"""Weekly reports: every Monday at 07:00 local time, write each tenant's report on the last complete week
and deliver it on the tenant's channels. One DAG per Indonesian time zone (WIB, WITA, WIT); each serves
the tenants whose clock reads 07:00 then, so Asia/Pontianak tenants go with Asia/Jakarta."""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import CronTriggerTimetable, dag, task, task_group
from gaung_common import BY_TENANT, DEFAULT_ARGS, POOL, REPORTS, TENANTS_AT_ONCE

# A tenant at another UTC offset gets no report until its zone is added here (a warning names it).
REPORT_ZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")


def weekly_reports(zone: str):
    """The weekly report DAG for the tenants on `zone`'s clock."""

    @dag(
        dag_id=f"gaung_weekly_reports_{zone.split('/')[-1].lower()}",
        schedule=CronTriggerTimetable("0 7 * * 1", timezone=zone),
        catchup=False,
        max_active_runs=1,
        dagrun_timeout=timedelta(hours=6),
        default_args=DEFAULT_ARGS,
        tags=["gaung", "report", "delivery", zone],
        doc_md=__doc__,
    )
    def weekly():
        @task(retries=1, execution_timeout=timedelta(minutes=5))
        def tenants_due(**context) -> list[str]:
            """The tenants whose local time is this run's 07:00 Monday."""
            import logging

            from pipelines.orchestration import run_time, tenants_due_report, tenants_outside
            from pipelines.settings import Settings

            settings, at = Settings(), run_time(context)
            lost = tenants_outside(settings, at=at, zones=REPORT_ZONES)
            if lost:
                logging.getLogger("gaung").warning(
                    "no weekly report DAG for tenants %s: add their time zone to REPORT_ZONES in %s",
                    ", ".join(lost), __file__)
            return tenants_due_report(settings, at=at, zone=zone)

        @task_group(group_id="weekly_report")
        def weekly_report(tenant_id: str):
            @task(pool=POOL, map_index_template=BY_TENANT, max_active_tis_per_dagrun=TENANTS_AT_ONCE)
            def report(tenant_id: str, **context) -> dict:
                """Write the report (HTML and PDF) on the tenant's last complete week."""
                from pipelines.orchestration import report_tenant, run_time
                from pipelines.settings import Settings

                return report_tenant(tenant_id, settings=Settings(), now=run_time(context))

            @task(pool=POOL, outlets=[REPORTS], map_index_template=BY_TENANT,
                  max_active_tis_per_dagrun=TENANTS_AT_ONCE, execution_timeout=timedelta(minutes=15))
            def deliver(tenant_id: str, written: dict, **context) -> dict:
                """Deliver the written report on the tenant's channels; never twice for the same week."""
                from pipelines.orchestration import deliver_tenant, run_time
                from pipelines.settings import Settings

                summary = deliver_tenant(tenant_id, settings=Settings(), week=written["week"], now=run_time(context))
                context["outlet_events"][REPORTS].extra = {"tenants": [tenant_id], "week": written["week"]}
                return summary

            deliver(tenant_id=tenant_id, written=report(tenant_id=tenant_id))

        weekly_report.expand(tenant_id=tenants_due())

    return weekly()


for _zone in REPORT_ZONES:
    weekly_reports(_zone)
