"""Ingest: every five minutes (and right after an API pull), load the new files in each tenant's landing
folder into its warehouse, one mapped task per tenant with new files."""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import AssetOrTimeSchedule, CronTriggerTimetable, TriggerRule, dag, task
from gaung_common import BY_TENANT, DEFAULT_ARGS, LANDING, POOL, TENANTS_AT_ONCE, WAREHOUSE


@dag(
    dag_id="gaung_ingest",
    schedule=AssetOrTimeSchedule(timetable=CronTriggerTimetable("*/5 * * * *", timezone="UTC"), assets=[LANDING]),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=3),
    default_args=DEFAULT_ARGS,
    tags=["gaung", "ingest"],
    doc_md=__doc__,
)
def gaung_ingest():
    @task(retries=1, execution_timeout=timedelta(minutes=5))
    def tenants_with_new_files() -> list[str]:
        """Tenants whose landing folder has files not yet ingested (a stat() of each file, no hashing)."""
        from pipelines.orchestration import tenants_with_new_files
        from pipelines.settings import Settings

        return tenants_with_new_files(Settings())

    @task(pool=POOL, max_active_tis_per_dagrun=TENANTS_AT_ONCE, execution_timeout=timedelta(hours=2),
          map_index_template=BY_TENANT)
    def ingest(tenant_id: str, **context) -> dict:
        """Ingest the tenant's new files; the summary says how many loaded."""
        from pipelines.orchestration import ingest_landing, run_time
        from pipelines.settings import Settings

        # a retry may follow a try that died after committing its load (its files come back as duplicates,
        # or as seen already): a retry always announces its tenant
        return ingest_landing(tenant_id, settings=Settings(), now=run_time(context),
                              retry=context["ti"].try_number > 1)

    # One warehouse event per run, naming every tenant that changed: downstream runs see them together.
    @task(outlets=[WAREHOUSE], trigger_rule=TriggerRule.ALL_DONE, retries=1, execution_timeout=timedelta(minutes=5))
    def announce(summaries: list[dict], **context) -> list[str]:
        """Emit the warehouse asset event for the tenants whose ingest loaded something, or whose retried ingest
        found its files loaded already (skip when none)."""
        from airflow.sdk.exceptions import AirflowSkipException

        from pipelines.orchestration import tenants_changed

        changed = tenants_changed(summaries, key="changed")
        if not changed:
            raise AirflowSkipException("no warehouse changed")
        context["outlet_events"][WAREHOUSE].extra = {"tenants": changed}
        return changed

    announce(ingest.expand(tenant_id=tenants_with_new_files()))


gaung_ingest()
