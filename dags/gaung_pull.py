"""API pulls: every hour, pull new posts, insights and reviews for the tenants with API ids and tokens
into their landing folders; the landing asset event then starts gaung_ingest."""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import CronTriggerTimetable, TriggerRule, dag, task
from gaung_common import BY_TENANT, DEFAULT_ARGS, LANDING, POOL, TENANTS_AT_ONCE


@dag(
    dag_id="gaung_pull",
    schedule=CronTriggerTimetable("17 * * * *", timezone="UTC"),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=1),
    default_args=DEFAULT_ARGS,
    tags=["gaung", "pull", "connectors"],
    doc_md=__doc__,
)
def gaung_pull():
    @task(retries=1, execution_timeout=timedelta(minutes=5))
    def tenants_to_pull() -> list[str]:
        """Tenants with at least one API source configured in tenants.toml and its credentials set."""
        from pipelines.orchestration import tenants_to_pull
        from pipelines.settings import Settings

        return tenants_to_pull(Settings())

    # The pull records its state in the tenant's warehouse, so it holds the DuckDB pool like a writer.
    @task(pool=POOL, max_active_tis_per_dagrun=TENANTS_AT_ONCE, execution_timeout=timedelta(minutes=45),
          map_index_template=BY_TENANT)
    def pull(tenant_id: str, **context) -> dict:
        """Pull every configured source for the tenant and land each response page as a file."""
        from pipelines.orchestration import pull_landing, run_time
        from pipelines.settings import Settings

        return pull_landing(tenant_id, settings=Settings(), now=run_time(context))

    @task(outlets=[LANDING], trigger_rule=TriggerRule.ALL_DONE, retries=1, execution_timeout=timedelta(minutes=5))
    def announce(summaries: list[dict], **context) -> list[str]:
        """Emit one landing asset event for the tenants that got files, so gaung_ingest runs now."""
        from airflow.sdk.exceptions import AirflowSkipException

        from pipelines.orchestration import tenants_changed

        changed = tenants_changed(summaries, key="files")
        if not changed:
            raise AirflowSkipException("no new files landed")
        context["outlet_events"][LANDING].extra = {"tenants": changed}
        return changed

    announce(pull.expand(tenant_id=tenants_to_pull()))


gaung_pull()
