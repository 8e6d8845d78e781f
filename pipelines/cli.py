"""The `gaung` command: the same pipeline functions the Airflow DAGs call, with no Airflow at all."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console, ConsoleDimensions
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from pipelines.i18n import t
from pipelines.lab.cli import model_app
from pipelines.settings import get_settings
from pipelines.tenants import (
    Delivery,
    Tenant,
    TenantError,
    add_tenant,
    get_tenant,
    load_tenants,
    validate_tenant_id,
    validation_problems,
)
from warehouse.connection import NoWarehouse, WarehouseBusy, connect


class _Console(Console):
    """Wraps lines at the terminal's width on a terminal only. Output piped to a file, another program or a test
    keeps every line and table cell whole, whatever COLUMNS or the terminal around the pipe says."""

    UNWRAPPED = 100_000

    @property
    def size(self) -> ConsoleDimensions:
        size = Console.size.fget(self)
        return size if self.is_terminal else ConsoleDimensions(self.UNWRAPPED, size.height)

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        Console.size.fset(self, new_size)


# The language of the command running now, for errors raised below it (a busy warehouse): set by _lang().
_current_lang: str | None = None


class _Commands(TyperGroup):
    """The gaung command group: a busy or missing warehouse, from whichever command met it, ends in a sentence
    in the user's language and exit code 2, not a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except WarehouseBusy as exc:
            lang = _current_lang or get_settings().lang
            _fail(t("warehouse_busy", lang, path=exc.path, seconds=exc.waited), lang)
        except NoWarehouse as exc:
            lang = _current_lang or get_settings().lang
            _fail(t("no_warehouse", lang, tenant=exc.path.stem, path=exc.path), lang)

app = typer.Typer(help="Gaung: social listening and viral-campaign analytics for UMKM.", no_args_is_help=True,
                  pretty_exceptions_enable=False, cls=_Commands)
tenants_app = typer.Typer(help="Manage the businesses (tenants) in tenants.toml.", no_args_is_help=True)
app.add_typer(tenants_app, name="tenants")
app.add_typer(model_app, name="model")  # the analysts' lab: gaung model fit / presets

# No markup: file names, errors and reasons carry square brackets ("[tenants.<id>]", "Chat [Jan].txt")
# that rich would eat as style tags or fail on; styles are applied explicitly.
out = _Console(markup=False)
err = _Console(stderr=True, markup=False)

TenantOpt = Annotated[str, typer.Option("--tenant", "-t", help="Tenant id from tenants.toml.")]
LangOpt = Annotated[str | None, typer.Option("--lang", help="Language of messages: id or en.")]


def _lang(lang: str | None) -> str:
    global _current_lang
    _current_lang = lang or get_settings().lang
    return _current_lang


def _fail(message: str | Exception, lang: str, code: int = 2) -> None:
    """Print an error in the user's language (an exception's `indonesian` where it has one) and exit."""
    if isinstance(message, Exception):
        message = (getattr(message, "indonesian", None) if lang == "id" else None) or str(message)
    err.print(Text.assemble((f"{t('error', lang)}:", "bold red"), " ", message))
    raise typer.Exit(code)


def _tenant(tenant_id: str, lang: str) -> Tenant:
    try:
        return get_tenant(get_settings().tenants_path, tenant_id)
    except TenantError as exc:
        _fail(exc, lang)
        raise  # unreachable


@tenants_app.command("list")
def tenants_list(lang: LangOpt = None) -> None:
    """List the tenants declared in tenants.toml."""
    lang = _lang(lang)
    path = get_settings().tenants_path
    try:
        tenants = load_tenants(path)
    except TenantError as exc:
        _fail(exc, lang)
    if not tenants:
        out.print(t("no_tenants", lang, path=path))
        return
    table = Table("id", "name", "timezone", "language", "campaigns")
    for tenant in tenants.values():
        table.add_row(tenant.id, tenant.name, tenant.timezone, tenant.language, str(len(tenant.campaigns)))
    out.print(table)


@tenants_app.command("show")
def tenants_show(tenant_id: Annotated[str, typer.Argument(help="Tenant id.")], lang: LangOpt = None) -> None:
    """Show one tenant's settings as JSON."""
    tenant = _tenant(tenant_id, _lang(lang))
    out.print_json(tenant.model_dump_json())


@tenants_app.command("add")
def tenants_add(
    tenant_id: Annotated[str, typer.Argument(help="Slug: lower-case letters, digits and hyphens.")],
    name: Annotated[str, typer.Option(help="The business's display name.")],
    timezone: Annotated[str, typer.Option(help="IANA timezone, e.g. Asia/Jakarta, Asia/Makassar, Asia/Jayapura.")] = "Asia/Jakarta",
    language: Annotated[str, typer.Option(help="Report language: id or en.")] = "id",
    whatsapp: Annotated[list[str] | None, typer.Option(help="The business's WhatsApp name or number (repeatable).")] = None,
    instagram: Annotated[list[str] | None, typer.Option(help="The business's Instagram handle (repeatable).")] = None,
    tiktok: Annotated[list[str] | None, typer.Option(help="The business's TikTok handle (repeatable).")] = None,
    email: Annotated[list[str] | None, typer.Option(help="Where reports are e-mailed (repeatable).")] = None,
    replace: Annotated[bool, typer.Option(help="Overwrite an existing tenant with this id.")] = False,
    lang: LangOpt = None,
) -> None:
    """Declare a business in tenants.toml."""
    lang = _lang(lang)
    path = get_settings().tenants_path
    accounts = {k: v for k, v in {"whatsapp": whatsapp, "instagram": instagram, "tiktok": tiktok}.items() if v}
    try:
        validate_tenant_id(tenant_id)
        tenant = Tenant(id=tenant_id, name=name, timezone=timezone, language=language, accounts=accounts,
                        delivery=Delivery(email=email or []))
        add_tenant(path, tenant, replace=replace)
    except TenantError as exc:
        _fail(exc, lang)
    except ValidationError as exc:  # what is wrong with which option, not pydantic's report
        _fail(t("tenant_invalid", lang, tenant=tenant_id, problems=validation_problems(exc)), lang)
    out.print(t("tenant_added", lang, tenant=tenant_id, path=path))


def _short_paths(paths: list[str]) -> tuple[str | None, list[str]]:
    """The common folder of the paths and each path relative to it, so the table stays readable."""
    import os

    outer = [p.split("!/")[0] for p in paths]
    try:
        base = os.path.commonpath(outer) if outer else None
    except ValueError:
        return None, paths
    if base and len(set(outer)) == 1:
        base = os.path.dirname(base)
    if not base:
        return None, paths
    return base, [os.path.relpath(p.split("!/")[0], base) + ("!/" + p.split("!/", 1)[1] if "!/" in p else "")
                  for p in paths]


def _tables_text(counts: dict[str, int | None], lang: str) -> str:
    """'marts.dim_content (12), marts.fct_customer_voice (view)': row counts, views named as such."""
    return ", ".join(f"{k} ({t('view', lang) if v is None else f'{v:,}'})" for k, v in counts.items())


def _print_outcomes(outcomes: list, tenant_id: str, lang: str) -> None:
    base, shown = _short_paths([o.path for o in outcomes])
    table = Table(title=t("ingest_title", lang, tenant=tenant_id), caption=base or None)
    for key in ("col_file", "col_format", "col_loaded", "col_quarantined", "col_status"):
        table.add_column(t(key, lang), overflow="fold", ratio=3 if key == "col_file" else 1)
    style = {"loaded": "green", "duplicate": "yellow", "rejected": "bold red", "skipped": "dim"}
    for o, path in zip(outcomes, shown, strict=True):
        if o.status == "skipped":
            continue
        table.add_row(path, o.source_format or "-", f"{o.rows_loaded:,}", f"{o.rows_quarantined:,}",
                      Text(t("status_" + o.status, lang), style=style[o.status]))
    out.print(table)
    for o in outcomes:
        if o.error:
            err.print(o.error_id if lang == "id" and o.error_id else o.error, style="red")
    counts = {s: sum(o.status == s for o in outcomes) for s in ("loaded", "duplicate", "rejected", "skipped")}
    out.print(t("ingest_summary", lang, files=len(outcomes), rows=sum(o.rows_loaded for o in outcomes),
                quarantined=sum(o.rows_quarantined for o in outcomes), **counts))
    if counts["rejected"]:
        out.print(t("rejected_hint", lang))
    if any(o.rows_quarantined for o in outcomes):
        out.print(t("quarantine_hint", lang))


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders; default: the tenant's landing folder.")] = None,
    tenant: TenantOpt = ...,
    fmt: Annotated[str | None, typer.Option("--format", help="Skip detection and read every file as this format.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object per file instead of a table.")] = False,
    mapping: Annotated[str | None, typer.Option("--mapping", help="Read review files with this tenants.toml mapping.")] = None,
    maps: Annotated[list[str] | None, typer.Option("--map", help="Ad-hoc mapping field=Column (repeatable), e.g. --map text=Ulasan.")] = None,
    platform: Annotated[str | None, typer.Option("--platform", help="Platform name for --map, e.g. tiktok_shop.")] = None,
    lang: LangOpt = None,
) -> None:
    """Load exports into the tenant's warehouse. Exit 0 when nothing was rejected, 2 otherwise."""
    from pipelines.run import ingest_stage

    lang = _lang(lang)
    tenant_obj = _tenant(tenant, lang)
    settings = get_settings()
    if not paths:  # the landing folder: made on first use, so the owner sees where to put exports
        paths = [settings.landing_dir(tenant)]
        paths[0].mkdir(parents=True, exist_ok=True)
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
                                        extra_mapping=extra, mapping=mapping)
    except ValueError as exc:
        _fail(str(exc), lang)
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
    from pipelines.run import themes_stage

    lang = _lang(lang)
    tenant_obj = _tenant(tenant, lang)
    settings = get_settings()
    try:
        counts = themes_stage(tenant_obj, settings=settings, now=datetime.now(UTC), progress=err.is_terminal,
                              force=force)
    except Exception as exc:
        if type(exc).__name__ == "ModelUnavailable":
            _fail(str(exc), lang)
        raise
    if not counts:
        out.print(t("themes_unchanged", lang, tenant=tenant))
        return
    embedded = counts.pop("embedded", 0)
    out.print(t("models_built", lang, tables=_tables_text(counts, lang)))
    out.print(t("themes_embedded", lang, n=embedded))
    _print_theme_table(_read_themes(settings.warehouse_path(tenant)), lang)


def _read_themes(path: Path):
    con = connect(path, read_only=True)
    try:
        return con.sql("select theme_id, intent, label, n_texts, n_customers, status from marts.dim_theme "
                       "order by n_texts desc, theme_id").pl()
    finally:
        con.close()


def _print_theme_table(frame, lang: str, limit: int = 25) -> None:
    table = Table(title=t("themes_title", lang))
    for key in ("col_theme", "col_intent", "col_label", "col_texts", "col_customers", "col_status"):
        table.add_column(t(key, lang), overflow="fold")
    for row in frame.head(limit).iter_rows(named=True):
        table.add_row(row["theme_id"], t(f"intent_{row['intent']}", lang), row["label"], f"{row['n_texts']:,}",
                      "" if row.get("n_customers") is None else f"{row['n_customers']:,}",
                      t(f"status_{row['status']}", lang) if row.get("status") else "")
    out.print(table)


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


webhook_app = typer.Typer(help="Receive WhatsApp Cloud API webhooks.", no_args_is_help=True)
app.add_typer(webhook_app, name="webhook")


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
    from pipelines.connectors.pulls import pull_tenant
    from pipelines.run import ingest_stage

    lang = _lang(lang)
    tenant_obj = _tenant(tenant, lang)
    settings = get_settings()
    sources = source or [s for s, key in (("instagram", "instagram_user_id"), ("tiktok", None), ("shopee", "shopee_shop_id"))
                         if key is None and _has_env("TIKTOK_TOKEN", tenant) or key in tenant_obj.api]
    if not sources:
        _fail("nothing to pull: set api.instagram_user_id or api.shopee_shop_id in tenants.toml, or GAUNG_TIKTOK_TOKEN", lang)
    urls = {"instagram": settings.graph_api_url, "tiktok": settings.tiktok_api_url, "shopee": settings.shopee_api_url}
    con = connect(settings.warehouse_path(tenant))
    try:
        results = pull_tenant(tenant_obj, con, landing=settings.landing_dir(tenant), sources=sources, urls=urls)
    except ApiError as exc:
        _fail(str(exc), lang)
    finally:
        con.close()
    for r in results:
        out.print(f"{r.source}: {r.pages} pages, {r.items} new items, {len(set(r.files))} files")
    files = sorted({f for r in results for f in r.files})
    if files:
        outcomes, counts = ingest_stage(tenant_obj, files, fmt=None, settings=settings, now=datetime.now(UTC))
        _print_outcomes(outcomes, tenant, lang)


def _has_env(name: str, tenant_id: str) -> bool:
    import os

    return bool(os.environ.get(f"GAUNG_{name}__{tenant_id.upper().replace('-', '_')}") or os.environ.get(f"GAUNG_{name}"))


@app.command()
def formats() -> None:
    """List the file formats Gaung recognises."""
    from pipelines.ingest.formats import FORMATS

    table = Table("format", "what it is")
    for name, (_, label) in FORMATS.items():
        table.add_row(name, label)
    out.print(table)


def _check_week(week: str | None, lang: str) -> None:
    """Fail in the user's language on a --week that parse_week refuses (the parser the DAGs use too)."""
    from pipelines.report.weeks import parse_week

    if week is not None:
        try:
            parse_week(week)
        except ValueError:
            _fail(t("bad_week", lang, week=week), lang)


@app.command()
def report(
    tenant: TenantOpt,
    week: Annotated[str | None, typer.Option("--week", help="ISO week YYYY-Www or a date YYYY-MM-DD in it; default: the last complete week.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="html, pdf or html,pdf.")] = "html,pdf",
    out_dir: Annotated[Path | None, typer.Option("--out", help="Folder; default $GAUNG_HOME/reports/<tenant>/<week>.")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Report language: id or en (default: the tenant's).")] = None,
) -> None:
    """Write the weekly report (HTML and PDF) for a tenant and print where it is."""
    from pipelines.report.build import FORMATS, report_stage
    from pipelines.report.pdf import PdfUnavailable

    msg_lang = _lang(lang)
    tenant_obj = _tenant(tenant, msg_lang)
    formats = tuple(f.strip() for f in fmt.split(",") if f.strip())
    if not formats or any(f not in FORMATS for f in formats):
        _fail(t("bad_report_format", msg_lang, fmt=fmt, known=", ".join(FORMATS)), msg_lang)
    _check_week(week, msg_lang)
    try:
        paths = report_stage(tenant_obj, settings=get_settings(), week=week, lang=lang, formats=formats, out=out_dir)
    except PdfUnavailable as exc:
        _fail(t("report_no_pdf", msg_lang, reason=exc), msg_lang)
    except NoWarehouse:
        raise  # said in the user's language by the command group
    except (ValueError, FileNotFoundError) as exc:
        _fail(exc, msg_lang)
    for path in paths:
        out.print(str(path), soft_wrap=True)


@app.command()
def deliver(
    tenant: TenantOpt,
    week: Annotated[str | None, typer.Option("--week", help="ISO week YYYY-Www or a date YYYY-MM-DD in it; default: the last complete week.")] = None,
    channel: Annotated[str, typer.Option("--channel", help="outbox, email, whatsapp, or configured (tenants.toml).")] = "outbox",
    force: Annotated[bool, typer.Option("--force", help="Send again even if this week was already sent.")] = False,
    lang: LangOpt = None,
) -> None:
    """Send the weekly report (building it first if needed); a week is sent once per channel unless --force."""
    from pipelines.connectors.http import ApiError
    from pipelines.report.deliver import DeliveryError, deliver_stage

    lang = _lang(lang)
    tenant_obj = _tenant(tenant, lang)
    _check_week(week, lang)
    try:
        results = deliver_stage(tenant_obj, settings=get_settings(), week=week, channel=channel, force=force)
    except (DeliveryError, ApiError, ValueError) as exc:
        _fail(str(exc), lang)
    for r in results:
        if r["status"] == "skipped":
            when = f"{r['delivered_at']:%Y-%m-%d %H:%M}" if r["delivered_at"] else "-"
            out.print(t("delivery_skipped", lang, channel=r["channel"], week=r["week"], when=when))
        else:
            out.print(t("delivery_sent", lang, channel=r["channel"], where=r.get("recipient") or r.get("artifact_path")),
                      soft_wrap=True)


@app.command()
def alerts(
    tenant: TenantOpt,
    now: Annotated[str | None, typer.Option("--now", help="Run as of this moment (ISO 8601; no zone: the tenant's); default: now.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would fire; write and send nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run's summary as JSON.")] = False,
    lang: LangOpt = None,
) -> None:
    """Alerts between reports: find what needs the owner today and send it (quiet hours, daily cap, once per subject)."""
    from pipelines.alerts.messages import run_lines
    from pipelines.alerts.notify import alerts_stage, parse_moment

    lang = _lang(lang)
    tenant_obj = _tenant(tenant, lang)
    try:
        moment = parse_moment(now, tenant_obj.timezone) if now else datetime.now(UTC)
    except ValueError:
        _fail(t("bad_now", lang, value=now), lang)
    try:
        run = alerts_stage(tenant_obj, settings=get_settings(), now=moment, dry_run=dry_run)
    except ValueError as exc:
        _fail(str(exc), lang)
    if as_json:
        out.print_json(json.dumps(run.summary(), default=str))
        return
    for line in run_lines(run, tenant_obj, lang):
        out.print(line, soft_wrap=True)


@app.command()
def demo(
    out_dir: Annotated[Path | None, typer.Option("--out", help="Where exports go; default $GAUNG_HOME/landing.")] = None,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same files.")] = 7,
    scale: Annotated[float, typer.Option(help="Multiply the volume (1 = twelve realistic weeks).")] = 1.0,
    exports_only: Annotated[bool, typer.Option("--exports-only", help="Write the files and stop.")] = False,
    businesses: Annotated[int | None, typer.Option("--businesses", min=1,
                                                  help="Instead: N small businesses with a planted path structure (the lab).")] = None,
    lang: LangOpt = None,
) -> None:
    """Write demo exports for three fictional businesses, declare them, and run the pipeline for each."""
    if businesses is not None:
        from pipelines.lab.cli import demo_businesses

        demo_businesses(businesses, seed=seed, exports_only=exports_only, lang=_lang(lang))
        return
    from pipelines.demo.generate import write_demo
    from pipelines.run import run_tenant

    lang = _lang(lang)
    settings = get_settings()
    written = write_demo(settings, out_dir=out_dir, seed=seed, scale=scale)
    for tenant_id, files in written.items():
        out.print(Text.assemble((tenant_id, "bold"), ": " + ", ".join(str(f) for f in files)))
    if exports_only:
        return
    tenants = load_tenants(settings.tenants_path)
    for tenant_id in written:
        result = run_tenant(tenants[tenant_id], settings=settings, now=datetime.now(UTC), landing=True,
                            progress=err.is_terminal, console=err, paths=[(out_dir / tenant_id)] if out_dir else None)
        _print_outcomes(result.outcomes, tenant_id, lang)
        out.print(t("models_built", lang, tables=_tables_text(result.tables, lang)))
        out.print(t("warehouse_at", lang, path=settings.warehouse_path(tenant_id)))
    _demo_alerts(settings, tenants, list(written), out_dir or settings.home / "landing", lang)
    _demo_reports(settings, tenants, list(written), lang)  # last: the demo ends with the reports' paths


def _demo_alerts(settings, tenants: dict, tenant_ids: list[str], root: Path, lang: str) -> None:
    """Replay each demo business's alerts over its last week and print which fired (pipelines/demo/alerts.py)."""
    from pipelines.alerts.messages import WEEKDAYS
    from pipelines.demo.alerts import replay_demo
    from pipelines.report.texts import fmt_date

    for tenant_id in tenant_ids:
        fired = replay_demo(settings, tenants[tenant_id], root / "demo_truth.json")
        head = (f"{tenant_id}: {len(fired)} peringatan di minggu terakhir demo" if lang == "id"
                else f"{tenant_id}: {len(fired)} alerts in the demo's last week")
        out.print(Text(head, style="bold"))
        for alert in fired:
            first = alert["text"].splitlines()
            at = alert["at"]
            when = f"{WEEKDAYS[lang][at.weekday()]} {fmt_date(at.date(), lang)} {at:%H:%M}"
            out.print(f"  {when} {first[0]}: {first[1] if len(first) > 1 else ''}", soft_wrap=True)


def _demo_reports(settings, tenants: dict, tenant_ids: list[str], lang: str) -> None:
    """Build each demo business's report (PDF too when Chromium exists); the last lines are their paths."""
    from pipelines.report.build import report_stage
    from pipelines.report.pdf import find_chromium

    formats = ("html", "pdf") if find_chromium() else ("html",)
    if len(formats) == 1:
        err.print(t("report_no_pdf", lang, reason="Chromium not found (apt-get install chromium, or GAUNG_CHROMIUM)"))
    paths = []
    for tenant_id in tenant_ids:
        paths += report_stage(tenants[tenant_id], settings=settings, formats=formats)
    for path in paths:
        out.print(t("report_at", lang, tenant=path.parent.parent.name, path=path.resolve()), soft_wrap=True)


if __name__ == "__main__":
    app()
