"""The pipeline's steps for one tenant, as commands: ingest, run, score, themes, pull, and the helpers around them
(themes for any CSV, the formats, the webhook receiver). Each calls the functions the Airflow DAGs call."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pipelines.cli.common import (
    LangOpt,
    TenantOpt,
    _fail,
    _lang,
    _print_outcomes,
    _print_theme_table,
    _tables_text,
    _tenant,
    app,
    err,
    out,
    webhook_app,
)
from pipelines.i18n import t
from pipelines.settings import get_settings


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders; default: the tenant's landing folder.")] = None,
    tenant: TenantOpt = ...,
    fmt: Annotated[str | None, typer.Option("--format", help="Skip detection and read every file as this format.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object per file instead of a table.")] = False,
    mapping: Annotated[str | None, typer.Option("--mapping", help="Read review files with this tenants.toml mapping.")] = None,
    maps: Annotated[list[str] | None, typer.Option("--map", help="Ad-hoc mapping field=Column (repeatable), e.g. --map text=Ulasan.")] = None,
    platform: Annotated[str | None, typer.Option("--platform", help="Platform name for --map, e.g. tiktok_shop.")] = None,
    check_contents: Annotated[bool, typer.Option(
        "--check-contents", help="Read and hash every file, also those whose path, size and modification time are "
        "as when they were loaded (taken as unchanged without reading them otherwise, as rsync does).")] = False,
    rebuild: Annotated[bool, typer.Option(
        "--rebuild", help="Rebuild every model in full, whether or not anything new loaded (models otherwise "
        "only gain the rows of new files where nothing else changed).")] = False,
    lang: LangOpt = None,
) -> None:
    """Load exports into the tenant's warehouse. Exit 0 when nothing was rejected, 2 otherwise."""
    from pipelines.run import ingest_stage

    lang = _lang(lang)
    tenant_obj = _tenant(tenant, lang)
    settings = get_settings()
    seen = None
    if not paths:  # the landing folder: made on first use, so the owner sees where to put exports
        from pipelines.orchestration import new_landing_files

        paths = [settings.landing_dir(tenant)]
        paths[0].mkdir(parents=True, exist_ok=True)
        seen = new_landing_files(settings, tenant)[1]  # recorded after the ingest, as the DAG does
    missing = [p for p in paths if not p.exists()]
    if missing:
        _fail(t("path_missing", lang, paths=", ".join(str(p) for p in missing)), lang)
    if fmt is not None:
        from pipelines.ingest.formats import FORMATS

        if fmt not in FORMATS:
            _fail(t("unknown_format", lang, fmt=fmt, known=", ".join(FORMATS)), lang)
    extra = None
    if maps:
        from pipelines.ingest.mapped_reviews import validate_mapping

        bad = [m for m in maps if "=" not in m]
        if bad:
            _fail(t("bad_map", lang, value=bad[0]), lang)
        extra = dict(m.split("=", 1) for m in maps) | ({"platform": platform} if platform else {})
        try:
            validate_mapping("command-line", extra)
        except ValueError as exc:
            _fail(exc, lang)
    try:
        outcomes, counts = ingest_stage(tenant_obj, paths, fmt=fmt, settings=settings, now=datetime.now(UTC),
                                        progress=not as_json and err.is_terminal, console=err,
                                        extra_mapping=extra, mapping=mapping, quick=not check_contents,
                                        rebuild=rebuild)
    except ValueError as exc:
        _fail(str(exc), lang)
    if seen is not None:
        from pipelines.orchestration import record_landing_seen

        record_landing_seen(settings, tenant, seen)
    if as_json:
        for o in outcomes:
            sys.stdout.write(json.dumps(o.as_dict(), ensure_ascii=False) + "\n")
    elif not outcomes:
        out.print(t("ingest_none", lang, path=", ".join(map(str, paths))))
    else:
        _print_outcomes(outcomes, tenant, lang)
        if counts:
            out.print(t("models_built", lang, tables=_tables_text(counts, lang)))
    raise typer.Exit(2 if any(o.status == "rejected" for o in outcomes) else 0)


@app.command()
def run(
    tenant: TenantOpt,
    landing: Annotated[bool, typer.Option("--landing", help="First ingest the tenant's landing folder.")] = False,
    lang: LangOpt = None,
) -> None:
    """Run every pipeline stage for a tenant, in order (ingest with --landing, models, scores)."""
    from pipelines.run import run_tenant

    lang = _lang(lang)
    tenant_obj = _tenant(tenant, lang)
    settings = get_settings()
    result = run_tenant(tenant_obj, settings=settings, now=datetime.now(UTC), landing=landing,
                        progress=err.is_terminal, console=err)
    if result.outcomes:
        _print_outcomes(result.outcomes, tenant, lang)
    out.print(t("models_built", lang, tables=_tables_text(result.tables, lang)))
    out.print(t("warehouse_at", lang, path=settings.warehouse_path(tenant)))
    raise typer.Exit(2 if any(o.status == "rejected" for o in result.outcomes) else 0)


@app.command()
def score(tenant: TenantOpt, lang: LangOpt = None) -> None:
    """Score engagement, virality, campaigns and trends for a tenant (idempotent)."""
    from pipelines.run import score_stage

    lang = _lang(lang)
    tenant_obj = _tenant(tenant, lang)
    counts = score_stage(tenant_obj, settings=get_settings())
    out.print(t("models_built", lang, tables=_tables_text(counts, lang)))


@app.command()
def themes(
    tenant: TenantOpt,
    force: Annotated[bool, typer.Option("--force", help="Rebuild even when nothing changed since the last run.")] = False,
    lang: LangOpt = None,
) -> None:
    """Intent, sentiment and feedback themes for a tenant (stable theme ids; unchanged data is skipped)."""
    from pipelines.feedback.embeddings import ModelUnavailable
    from pipelines.orchestration import themes_tenant
    from pipelines.run import theme_table

    lang = _lang(lang)
    tenant_obj = _tenant(tenant, lang)
    settings = get_settings()
    try:
        result = themes_tenant(tenant, settings=settings, now=datetime.now(UTC), force=force,
                               progress=err.is_terminal)
    except ModelUnavailable as exc:
        _fail(str(exc), lang)
    if not result["themes_changed"]:
        out.print(t("themes_unchanged", lang, tenant=tenant))
        return
    counts = result["tables"]
    embedded = counts.pop("embedded", 0)
    out.print(t("models_built", lang, tables=_tables_text(counts, lang)))
    out.print(t("themes_embedded", lang, n=embedded))
    _print_theme_table(theme_table(tenant_obj, settings=settings), lang)


@app.command("themes-file")
def themes_file(
    input_csv: Annotated[Path, typer.Argument(help="CSV file with one text per row.", exists=True, dir_okay=False)],
    text_column: Annotated[str, typer.Option("--text-column", help="Column holding the texts.")],
    out_csv: Annotated[Path, typer.Option("--out", help="Where to write the per-text result CSV.")],
    id_column: Annotated[str | None, typer.Option("--id-column", help="Column to copy as id (default row number).")] = None,
    rating_column: Annotated[str | None, typer.Option("--rating-column", help="Star ratings 1-5, if any.")] = None,
    lang: LangOpt = None,
) -> None:
    """Themes, intent and sentiment for any CSV of texts, no tenant needed: writes id, theme_id, theme_label,
    intent, sentiment per row."""
    from pipelines.feedback.file import FileInputError, themes_for_file

    lang = _lang(lang)
    settings = get_settings()
    try:
        result = themes_for_file(input_csv, text_column=text_column, id_column=id_column,
                                 rating_column=rating_column, out=out_csv, settings=settings,
                                 progress=err.is_terminal)
    except FileInputError as exc:
        _fail(str(exc), lang)
    _print_theme_table(result.themes, lang)
    out.print(t("themes_file_done", lang, rows=result.rows, themes=result.themes.height,
                unassigned=result.unassigned, path=out_csv))

@webhook_app.command("serve")
def webhook_serve(
    host: Annotated[str, typer.Option(help="Address to listen on (put a TLS proxy in front for Meta).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8088,
) -> None:
    """Serve /webhooks/whatsapp/<tenant>: verification, signature check, durable landing."""
    from pipelines.connectors.webhook import serve

    serve(host, port)


@app.command()
def pull(
    tenant: TenantOpt,
    source: Annotated[list[str] | None, typer.Option("--source", help="instagram, tiktok or shopee (repeatable); default: all configured.")] = None,
    lang: LangOpt = None,
) -> None:
    """Pull new posts, insights and reviews from the platform APIs, land them, and ingest them."""
    from pipelines.connectors.http import ApiError
    from pipelines.orchestration import pull_api, pull_sources
    from pipelines.run import ingest_stage

    lang = _lang(lang)
    tenant_obj = _tenant(tenant, lang)
    settings = get_settings()
    sources = source or pull_sources(tenant_obj)
    if not sources:
        _fail("nothing to pull: set api.instagram_user_id (and GAUNG_INSTAGRAM_TOKEN) or api.shopee_shop_id "
              "(and GAUNG_SHOPEE_*) in tenants.toml, or GAUNG_TIKTOK_TOKEN", lang)
    try:
        results = pull_api(tenant_obj, settings=settings, now=datetime.now(UTC), sources=sources)
    except ApiError as exc:
        _fail(str(exc), lang)
    for r in results:
        out.print(f"{r.source}: {r.pages} pages, {r.items} new items, {len(set(r.files))} files")
    files = sorted({f for r in results for f in r.files})
    if files:
        outcomes, counts = ingest_stage(tenant_obj, files, fmt=None, settings=settings, now=datetime.now(UTC))
        _print_outcomes(outcomes, tenant, lang)


@app.command()
def formats() -> None:
    """List the file formats Gaung recognises."""
    from pipelines.ingest.formats import FORMATS

    table = Table("format", "what it is")
    for name, (_, label) in FORMATS.items():
        table.add_row(name, label)
    out.print(table)
