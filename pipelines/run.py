"""The pipeline for one tenant, stage by stage; the CLI and the Airflow DAGs both call these functions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.ingest.io import discover
from pipelines.ingest.outcomes import FileOutcome, unchanged_file
from pipelines.settings import Settings
from pipelines.tenants import Tenant
from warehouse.connection import fetch_value

if TYPE_CHECKING:
    from rich.console import Console

# The loader, the parsers, polars and the model build are imported where they are used: an ingest of files that
# are all unchanged since they were loaded needs none of them, and their imports were most of its time.


@dataclass
class RunResult:
    """What a run did: files ingested and tables rebuilt with their row counts."""

    outcomes: list[FileOutcome] = field(default_factory=list)
    tables: dict[str, int | None] = field(default_factory=dict)  # None: a view


def ingest_stage(tenant: Tenant, paths: list[Path], *, fmt: str | None, settings: Settings, now: datetime,
                 progress: bool = False, console: Console | None = None,
                 extra_mapping: dict[str, str] | None = None, mapping: str | None = None, quick: bool = True,
                 rebuild: bool = False) -> tuple[list[FileOutcome], dict[str, int]]:
    """Ingest files into the tenant's warehouse and, if anything new loaded, rebuild its models. quick=False
    reads and hashes files unchanged since they were loaded too (same path, size and modification time);
    rebuild=True builds every model in full (the incremental ones too), whether or not anything loaded."""
    with settings.open_warehouse(tenant.id) as con:
        files = discover(paths)
        total = sum(p.stat().st_size for p in files if p.exists())
        mappings = dict(tenant.mappings)
        if extra_mapping:
            mappings["command-line"] = extra_mapping
            mapping = "command-line"
        if mapping is not None and mapping not in mappings:
            raise ValueError(f"no mapping {mapping!r} for tenant {tenant.id}; declared: {', '.join(mappings) or 'none'}")
        if mapping is not None and fmt is None:
            fmt = "mapped_reviews"
        if quick and files and not rebuild:
            unchanged = [unchanged_file(con, tenant.id, f, fmt=fmt, max_file=settings.max_file_bytes) for f in files]
            if all(unchanged) and _models_exist(con):
                return unchanged, {}  # nothing to read, nothing loaded: no model to build
        from pipelines.ingest.loader import ingest_paths
        from warehouse.build import build_models

        kwargs = dict(fmt=fmt, ingested_at=now, max_file=settings.max_file_bytes, mappings=mappings, mapping=mapping,
                      timezone=tenant.timezone, quick=quick,
                      max_total=settings.max_archive_bytes, max_ratio=settings.max_archive_ratio)
        if progress and files:
            from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

            with Progress(TextColumn("{task.description}", markup=False), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                          console=console, transient=True) as bar:
                task = bar.add_task(f"{tenant.id}", total=total)

                def on_stage(path: str, stage: str) -> None:
                    bar.update(task, description=f"{tenant.id} {stage}: {Path(path.split('!/')[-1]).name[:40]}")

                outcomes = ingest_paths(con, tenant.id, paths, on_file=lambda _p, n: bar.advance(task, n),
                                        on_stage=on_stage, **kwargs)
        else:
            outcomes = ingest_paths(con, tenant.id, paths, **kwargs)
        counts: dict[str, int | None] = {}
        if rebuild or any(o.status == "loaded" for o in outcomes) or not _models_exist(con):
            counts = build_models(con, tenant, settings.master_key, full=rebuild)
        return outcomes, counts


def _models_exist(con) -> bool:
    return bool(fetch_value(
        con, "select count(*) from information_schema.tables where table_schema = 'marts' and table_name = 'fct_customer_voice'"
    ))


def score_stage(tenant: Tenant, *, settings: Settings) -> dict[str, int]:
    """Rebuild the scoring marts (content scores, campaigns, trends) for a tenant."""
    from pipelines.score.io import write_trends
    from warehouse.build import SCORE_MODELS, build_models

    with settings.open_warehouse(tenant.id) as con:
        if not _models_exist(con):
            build_models(con, tenant, settings.master_key)
        return build_models(con, tenant, settings.master_key, models=SCORE_MODELS,
                            after=lambda c: {"marts.fct_trends": write_trends(c, tenant)})


def themes_stage(tenant: Tenant, *, settings: Settings, now: datetime, embedder=None, progress: bool = False,
                 force: bool = False) -> dict[str, int]:
    """Intent, sentiment and themes of a tenant's customer texts, into the feedback marts.

    Skipped (returns {}) when the texts and the model are those of the last run and its marts exist.
    """
    from pipelines.feedback.analyse import analyse_texts, input_hash, warehouse_tables
    from pipelines.feedback.embeddings import SentenceTransformerEmbedder, cached_embeddings
    from pipelines.feedback.io import last_input_hash, read_history, read_voice, write_feedback
    from warehouse.build import build_models, sync_languages

    with settings.open_warehouse(tenant.id) as con:
        if not _models_exist(con):
            build_models(con, tenant, settings.master_key)
        sync_languages(con)  # the language of texts loaded since the last run: only this stage uses it
        voice = read_voice(con)
        model = embedder.name if embedder is not None else settings.embedding_model
        fingerprint = input_hash(voice["text"].to_list(),
                                 [f"{v}|{r}|{d}" for v, r, d in zip(voice["voice_id"], voice["rating"],
                                                                    voice["local_date"], strict=True)], model)
        if not force and last_input_hash(con, tenant.id) == fingerprint:
            return {}
        if embedder is None:
            embedder = SentenceTransformerEmbedder(settings.embedding_model,
                                                   allow_download=settings.allow_model_download)
        vectors, n_new = cached_embeddings(con, voice["text"].to_list(), embedder, progress=progress)
        history = read_history(con, tenant.id)
        analysis = analyse_texts(voice, vectors, previous=history.previous, known=history.known,
                                 next_number=history.next_number)
        run_at = now.replace(tzinfo=None)
        tables = warehouse_tables(analysis, tenant.id, run_at, history.first_run)
        run = {"model": model, "n_texts": voice.height, "n_themes": len(analysis.theme_ids),
               "n_unassigned": int((analysis.texts["theme_id"] == "").sum()), "n_new_embeddings": n_new,
               "input_hash": fingerprint}
        counts = write_feedback(con, tenant.id, run_at, **tables, run=run)
        counts["embedded"] = n_new
        return counts


def theme_table(tenant: Tenant, *, settings: Settings):
    """The tenant's themes, most texts first: what `gaung themes` shows after a run (marts.dim_theme)."""
    with settings.open_warehouse(tenant.id, read_only=True) as con:
        return con.sql("select theme_id, intent, label, n_texts, n_customers, status from marts.dim_theme "
                       "order by n_texts desc, theme_id").pl()


def run_tenant(tenant: Tenant, *, settings: Settings, now: datetime, landing: bool = False,
               progress: bool = False, console: Console | None = None, paths: list[Path] | None = None,
               themes: bool = True) -> RunResult:
    """Every stage after ingest, in order (ingesting the landing folder first when asked). The models are built
    once: by the ingest when it loaded something, else here."""
    from warehouse.build import build_models

    result = RunResult()
    if landing:
        from pipelines.orchestration import new_landing_files, record_landing_seen

        landing_paths = paths or [settings.landing_dir(tenant.id)]
        landing_paths = [p for p in landing_paths if p.exists()]
        seen = new_landing_files(settings, tenant.id)[1] if not paths else None
        if landing_paths:
            result.outcomes, result.tables = ingest_stage(tenant, landing_paths, fmt=None, settings=settings,
                                                          now=now, progress=progress, console=console)
        if seen is not None:
            record_landing_seen(settings, tenant.id, seen)
    if not result.tables:
        with settings.open_warehouse(tenant.id) as con:
            result.tables = build_models(con, tenant, settings.master_key)
    result.tables.update(score_stage(tenant, settings=settings))
    if themes:
        result.tables.update(themes_stage(tenant, settings=settings, now=now, progress=progress))
        result.tables.update(constructs_stage(tenant, settings=settings))
    return result


def constructs_stage(tenant: Tenant, *, settings: Settings) -> dict[str, int]:
    """The analysts' weekly behavioural constructs (marts.fct_weekly_constructs), after scores and themes."""
    from pipelines.lab.io import constructs_stage as build

    return {k: v for k, v in build(tenant, settings=settings).items() if v is not None}
