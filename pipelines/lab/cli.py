"""`gaung model ...`: fit the research's path models on a survey CSV, one tenant's weeks, or every tenant."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pipelines.lab.texts import t

model_app = typer.Typer(help="Path models (PLS-SEM) of behavioural constructs or survey data.", no_args_is_help=True)
out = Console(markup=False)
err = Console(stderr=True, markup=False)

LangOpt = Annotated[str | None, typer.Option("--lang", help="Language of messages: id or en.")]


def _lang(lang: str | None) -> str:
    from pipelines.settings import get_settings

    return lang or get_settings().lang


def _fail(message: str, lang: str) -> None:
    err.print(Text.assemble(("Galat:" if lang == "id" else "Error:", "bold red"), " ", message), soft_wrap=True)
    raise typer.Exit(2)


def _show(table: Table) -> None:
    """A table at the terminal's width, or whole (no wrapped cells) when output goes to a file or a pipe."""
    (out if out.is_terminal else Console(markup=False, width=400)).print(table)


def _ci(lo: float, hi: float) -> str:
    return "" if math.isnan(lo) else f"[{lo:.3f}, {hi:.3f}]"


def print_result(res, name: str, lang: str, preset=None) -> None:
    """The paths and indirect effects as tables, published figures beside when the model is a preset."""
    pub = preset.published if preset else {}
    title = t("fit_title", lang, name=name, n=res.n, boot=res.boot, resampling=t(f"resampling_{res.resampling}", lang), seed=res.seed)
    for heading, rows, key in ((title, [(f'{p["from"]} -> {p["to"]}', p) for p in res.paths], "paths"),
                               (t("indirect_title", lang), [(r["path"], r) for r in res.indirect], "indirect")):
        if not rows:
            continue
        table = Table(title=heading, title_justify="left")
        for col in (t("col_path", lang), t("col_estimate", lang), t("col_ci", lang), "p"):
            table.add_column(col, justify="left" if col == t("col_path", lang) else "right")
        if pub:
            table.add_column(t("col_published", lang), justify="right")
        for label, r in rows:
            cells = [label, f'{r["estimate"]:.3f}', _ci(r["ci_low"], r["ci_high"]), "" if math.isnan(r["p"]) else f'{r["p"]:.4f}']
            if pub:
                v = pub.get(key, {}).get(label)
                cells.append("" if v is None else f"{v:.3f}")
            table.add_row(*cells)
        _show(table)
    out.print(t("r2_line", lang, values=", ".join(f"{k} {v:.3f}" for k, v in res.r2.items())))
    for key, params in res.warnings:
        err.print(t(key, lang, **params), soft_wrap=True)


@model_app.command("presets")
def presets(lang: LangOpt = None) -> None:
    """List the research's models shipped as presets, with their published figures."""
    from pipelines.lab.io import load_preset, preset_ids

    lang = _lang(lang)
    table = Table(title=t("presets_title", lang), title_justify="left")
    for col in (t("col_preset", lang), t("col_model", lang), t("col_published", lang), t("col_source", lang)):
        table.add_column(col)
    for pid in preset_ids():
        p = load_preset(pid)
        figures = ", ".join(f"{k} {v}" for k, v in p.published.get("paths", {}).items())
        table.add_row(pid, p.title, figures, p.source)
    _show(table)


@model_app.command("fit")
def fit(
    spec: Annotated[str, typer.Argument(help="SPEC.yaml, or a preset id (gaung model presets).")],
    data: Annotated[Path | None, typer.Option("--data", help="CSV with one column per indicator (e.g. Likert answers).")] = None,
    tenant: Annotated[str | None, typer.Option("--tenant", help="Fit over this tenant's weeks (marts.fct_weekly_constructs).")] = None,
    tenants: Annotated[str | None, typer.Option("--tenants", help="'all': one row per business, the between-firm model.")] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for paths.csv, indirect.csv, quality.csv, summary.html.")] = Path("model-out"),
    boot: Annotated[int, typer.Option("--boot", min=0, help="Bootstrap resamples (0: estimates only).")] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the bootstrap.")] = 1,
    lang: LangOpt = None,
) -> None:
    """Estimate a path model with bootstrap intervals and indirect (mediation) effects."""
    from pipelines.lab.fit import fit_model
    from pipelines.lab.io import LabError, business_rows, constructs_stage, load_spec, read_csv, weekly_rows
    from pipelines.lab.pls import SpecError
    from pipelines.lab.report import write_outputs
    from pipelines.settings import get_settings
    from pipelines.tenants import TenantError, get_tenant, load_tenants

    lang = _lang(lang)
    if sum(x is not None for x in (data, tenant, tenants)) != 1:
        _fail(t("data_source_needed", lang), lang)
    if tenants is not None and tenants != "all":
        _fail(t("tenants_value", lang), lang)
    notes: list[str] = []
    try:
        model, preset = load_spec(spec)
        settings = get_settings()
        resampling = "iid"
        if data is not None:
            ds = read_csv(data, model)
        elif tenant is not None:
            try:
                constructs_stage(get_tenant(settings.tenants_path, tenant), settings=settings)
            except TenantError as exc:
                _fail(str(exc), lang)
            ds = weekly_rows(settings, tenant, model)
            resampling = "block"
            notes.append(t("rows_are_weeks", lang, n=len(ds.X), tenant=tenant))
        else:
            all_tenants = load_tenants(settings.tenants_path)
            ids = [i for i in sorted(all_tenants) if settings.warehouse_path(i).exists()]
            for i in ids:
                constructs_stage(all_tenants[i], settings=settings)
            ds = business_rows(settings, model, ids)
            notes.append(t("rows_are_tenants", lang, n=len(ds.X)))
        if ds.dropped:
            notes.append(t("data_dropped", lang, n=ds.dropped, kept=len(ds.X)))
        res = fit_model(ds.X, model, boot=boot, seed=seed, resampling=resampling)
    except (LabError, SpecError) as exc:
        _fail(t(exc.key, lang, **exc.params), lang)
        raise  # unreachable
    for note in notes:
        err.print(note, soft_wrap=True)
    name = preset.id if preset else Path(spec).stem
    write_outputs(res, out_dir, name, lang, preset, notes)
    print_result(res, name, lang, preset)
    out.print(t("outputs_at", lang, path=out_dir), soft_wrap=True)


def demo_businesses(n: int, *, seed: int, exports_only: bool, lang: str) -> None:
    """`gaung demo --businesses N`: write N businesses with a planted path structure and run every stage."""
    from datetime import UTC, datetime

    from pipelines.lab.demo import run_businesses, write_businesses
    from pipelines.settings import get_settings

    settings = get_settings()
    ids, truth = write_businesses(settings, n, seed=seed)
    if not exports_only:
        run_businesses(settings, ids, now=datetime.now(UTC), progress=err.is_terminal)
    out.print(t("demo_businesses", lang, n=n, path=truth), soft_wrap=True)
