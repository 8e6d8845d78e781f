"""Scores and themes: whenever ingest loads new rows, rebuild the scoring marts (engagement, virality,
campaigns, trends) and then the feedback themes of each tenant that changed, one tenant per mapped group.

Triggered by the warehouse asset; the tenants come from the triggering events' extra. Run by hand, it
refreshes the tenant given in the "tenant" param, or every tenant."""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import Param, dag, task, task_group
from gaung_common import BY_TENANT, DEFAULT_ARGS, MARTS, POOL, TENANTS_AT_ONCE, WAREHOUSE


@dag(
    dag_id="gaung_score_themes",
    schedule=[WAREHOUSE],
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=4),
    default_args=DEFAULT_ARGS,
    params={"tenant": Param(None, type=["null", "string"],
                            description="Refresh only this tenant when run by hand (default: all).")},
    tags=["gaung", "score", "themes"],
    doc_md=__doc__,
)
def gaung_score_themes():
    @task(retries=1, execution_timeout=timedelta(minutes=5))
    def changed_tenants(**context) -> list[str]:
        """The tenants named by the triggering warehouse events; else the param, else every tenant."""
        from pipelines.orchestration import tenant_ids, tenants_from_events
        from pipelines.settings import Settings

        events = context["triggering_asset_events"].get(WAREHOUSE, [])
        if events:
            return tenants_from_events(events)
        chosen = context["params"].get("tenant")
        return [chosen] if chosen else tenant_ids(Settings())

    @task_group(group_id="refresh")
    def refresh(tenant_id: str):
        # One tenant's file has one writer: themes start only once that tenant's scores are written.
        @task(pool=POOL, map_index_template=BY_TENANT, max_active_tis_per_dagrun=TENANTS_AT_ONCE)
        def score(tenant_id: str) -> dict:
            """Rebuild the scoring marts of one tenant."""
            from pipelines.orchestration import score_tenant
            from pipelines.settings import Settings

            return score_tenant(tenant_id, settings=Settings())

        @task(pool=POOL, outlets=[MARTS], map_index_template=BY_TENANT, max_active_tis_per_dagrun=TENANTS_AT_ONCE,
              execution_timeout=timedelta(hours=2))
        def themes(tenant_id: str, **context) -> dict:
            """Rebuild intent, sentiment and themes of one tenant (embeddings cached by text hash)."""
            from pipelines.orchestration import run_time, themes_tenant
            from pipelines.settings import Settings

            summary = themes_tenant(tenant_id, settings=Settings(), now=run_time(context))
            context["outlet_events"][MARTS].extra = {"tenants": [tenant_id]}
            return summary

        score(tenant_id=tenant_id) >> themes(tenant_id=tenant_id)

    refresh.expand(tenant_id=changed_tenants())


gaung_score_themes()
