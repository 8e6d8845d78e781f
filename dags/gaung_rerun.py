"""Re-run one tenant by hand: ingest its landing folder, rebuild scores and themes, write the report on one
week and (when asked) deliver it. For backfills, trigger it once per week, or backfill the weekly report
DAG over a date range (see the README)."""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import Param, dag, task
from gaung_common import DEFAULT_ARGS, MARTS, POOL, REPORTS


@dag(
    dag_id="gaung_rerun",
    schedule=None,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=6),
    default_args=DEFAULT_ARGS,
    params={
        "tenant": Param(type="string", pattern="^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$",
                        description="Tenant id from tenants.toml."),
        "week": Param(None, type=["null", "string"],
                      description="An ISO week (2026-W41) or a date in it (2026-10-05); default: the last complete week."),
        "ingest_all": Param(False, type="boolean",
                            description="Ingest the whole landing folder again (files already loaded are skipped as duplicates)."),
        "deliver": Param(False, type="boolean", description="Deliver the report on the tenant's channels."),
        "force_delivery": Param(False, type="boolean", description="Deliver even if this week's report was already sent."),
    },
    tags=["gaung", "manual", "backfill"],
    doc_md=__doc__,
)
def gaung_rerun():
    # No warehouse asset event here: this DAG runs the steps gaung_score_themes would run.
    @task(pool=POOL, execution_timeout=timedelta(hours=2))
    def ingest(params: dict, **context) -> dict:
        """Ingest the tenant's new landing files (or all of them with ingest_all)."""
        from pipelines.orchestration import ingest_landing, run_time
        from pipelines.settings import Settings

        return ingest_landing(params["tenant"], settings=Settings(), now=run_time(context),
                              everything=params["ingest_all"])

    @task(pool=POOL)
    def score(params: dict) -> dict:
        """Rebuild the scoring marts."""
        from pipelines.orchestration import score_tenant
        from pipelines.settings import Settings

        return score_tenant(params["tenant"], settings=Settings())

    @task(pool=POOL, outlets=[MARTS], execution_timeout=timedelta(hours=2))
    def themes(params: dict, **context) -> dict:
        """Rebuild intent, sentiment and themes."""
        from pipelines.orchestration import run_time, themes_tenant
        from pipelines.settings import Settings

        context["outlet_events"][MARTS].extra = {"tenants": [params["tenant"]]}
        return themes_tenant(params["tenant"], settings=Settings(), now=run_time(context))

    @task(pool=POOL)
    def report(params: dict, **context) -> dict:
        """Write the report on the chosen week."""
        from pipelines.orchestration import report_tenant, run_time
        from pipelines.settings import Settings

        return report_tenant(params["tenant"], settings=Settings(), now=run_time(context), week=params["week"])

    @task(pool=POOL, outlets=[REPORTS], execution_timeout=timedelta(minutes=15))
    def deliver(written: dict, params: dict, **context) -> dict:
        """Deliver the report when the deliver param is set."""
        from airflow.sdk.exceptions import AirflowSkipException

        from pipelines.orchestration import deliver_tenant, run_time
        from pipelines.settings import Settings

        if not params["deliver"]:
            raise AirflowSkipException("deliver is off: the report was written, not sent")
        context["outlet_events"][REPORTS].extra = {"tenants": [params["tenant"]], "week": written["week"]}
        return deliver_tenant(params["tenant"], settings=Settings(), week=written["week"], now=run_time(context),
                              force=params["force_delivery"])

    written = report()
    ingest() >> score() >> themes() >> written
    deliver(written)


gaung_rerun()
