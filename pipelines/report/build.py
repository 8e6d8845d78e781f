"""The report stage: one tenant's weekly report as HTML and PDF under $GAUNG_HOME/reports/<tenant>/<week>/.

The CLI (`gaung report`, `gaung demo`) and the Airflow DAG call report_stage. It only reads the warehouse
(read-only connection), so it can run while nothing else writes, and writes files atomically.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pipelines.report.data import build_report_data
from pipelines.report.pdf import html_to_pdf
from pipelines.report.render import LANGS, render_html
from pipelines.report.weeks import Week, resolve_week
from pipelines.settings import Settings
from pipelines.tenants import Tenant

FORMATS = ("html", "pdf")


def report_dir(settings: Settings, tenant_id: str, week: Week) -> Path:
    return settings.reports_dir(tenant_id) / week.label


def report_name(tenant_id: str, week: Week, lang: str, fmt: str) -> str:
    return f"{tenant_id}-{week.label}-{lang}.{fmt}"


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def report_stage(tenant: Tenant, *, settings: Settings, week: str | None = None, lang: str | None = None,
                 formats: tuple[str, ...] = ("html", "pdf"), out: Path | None = None,
                 now: datetime | None = None) -> list[Path]:
    """Write the tenant's weekly report (html and/or pdf) and return the paths written.

    Opens the tenant's warehouse read-only. A PDF needs Chromium: without it PdfUnavailable is raised after
    the HTML is written (its message names the HTML file).
    """
    lang = lang or tenant.language
    if lang not in LANGS:
        raise ValueError(f"report language must be one of {', '.join(LANGS)}, not {lang!r}")
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ValueError(f"unknown report format(s) {bad or formats}; use html, pdf or html,pdf")
    the_week = resolve_week(tenant, week, now)
    with settings.open_warehouse(tenant.id, read_only=True) as con:
        data = build_report_data(con, tenant, the_week)
    folder = Path(out) if out else report_dir(settings, tenant.id, the_week)
    folder.mkdir(parents=True, exist_ok=True)
    html_path = folder / report_name(tenant.id, the_week, lang, "html")
    _write(html_path, render_html(data, lang, generated_at=(now or datetime.now(UTC)).astimezone(ZoneInfo(tenant.timezone))))
    written = [html_path] if "html" in formats else []
    if "pdf" in formats:
        written.append(html_to_pdf(html_path, folder / report_name(tenant.id, the_week, lang, "pdf")))
        if "html" not in formats:
            html_path.unlink()
    return written
