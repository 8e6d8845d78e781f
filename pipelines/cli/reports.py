"""The weekly report and what follows it, as commands: report, deliver, alerts, and the demo that ends with
its reports."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from pipelines.cli.common import (
    LangOpt,
    TenantOpt,
    _fail,
    _lang,
    _print_outcomes,
    _tables_text,
    _tenant,
    app,
    err,
    out,
)
from pipelines.i18n import t
from pipelines.settings import get_settings
from pipelines.tenants import load_tenants
from warehouse.connection import NoWarehouse


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
