"""What every gaung command shares: the app and its groups, the consoles, the options, failing in the user's
language, and the tables several commands print."""

from __future__ import annotations

import os
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
from pipelines.tenants import Tenant, TenantError, get_tenant
from warehouse.connection import NoWarehouse, WarehouseBusy


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
        global _current_lang
        _current_lang = None  # this command's, set by _lang(); none yet
        try:
            return super().invoke(ctx)
        except WarehouseBusy as exc:
            lang = _current_lang or get_settings().lang
            _fail(t("warehouse_busy", lang, path=exc.path, seconds=exc.waited), lang)
        except NoWarehouse as exc:
            lang = _current_lang or get_settings().lang
            _fail(t("no_warehouse", lang, tenant=exc.path.stem, path=exc.path), lang)
        except ValidationError as exc:  # a GAUNG_* setting that cannot be read: Settings() itself failed
            lang = _current_lang or _lang_without_settings()
            problem = exc.errors()[0]
            name = "GAUNG_" + "_".join(str(part) for part in problem["loc"]).upper()
            _fail(t("bad_setting", lang, name=name, value=str(problem.get("input")), problem=problem["msg"]), lang)


def _lang_without_settings() -> str:
    """The language of messages when the settings cannot be read: GAUNG_LANG if it is one, else Indonesian."""
    return os.environ.get("GAUNG_LANG") if os.environ.get("GAUNG_LANG") in ("id", "en") else "id"


app = typer.Typer(help="Gaung: social listening and viral-campaign analytics for UMKM.", no_args_is_help=True,
                  pretty_exceptions_enable=False, cls=_Commands)
tenants_app = typer.Typer(help="Manage the businesses (tenants) in tenants.toml.", no_args_is_help=True)
app.add_typer(tenants_app, name="tenants")
app.add_typer(model_app, name="model")  # the analysts' lab: gaung model fit / presets
webhook_app = typer.Typer(help="Receive WhatsApp Cloud API webhooks.", no_args_is_help=True)
app.add_typer(webhook_app, name="webhook")

# No markup: file names, errors and reasons carry square brackets ("[tenants.<id>]", "Chat [Jan].txt")
# that rich would eat as style tags or fail on; styles are applied explicitly.
out = _Console(markup=False)
err = _Console(stderr=True, markup=False)

TenantOpt = Annotated[str, typer.Option("--tenant", "-t", help="Tenant id from tenants.toml.")]
LangOpt = Annotated[str | None, typer.Option("--lang", help="Language of messages: id or en.")]


def _lang(lang: str | None) -> str:
    global _current_lang
    _current_lang = lang  # known before the settings are read, which may fail
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


def _print_theme_table(frame, lang: str, limit: int = 25) -> None:
    table = Table(title=t("themes_title", lang))
    for key in ("col_theme", "col_intent", "col_label", "col_texts", "col_customers", "col_status"):
        table.add_column(t(key, lang), overflow="fold")
    for row in frame.head(limit).iter_rows(named=True):
        table.add_row(row["theme_id"], t(f"intent_{row['intent']}", lang), row["label"], f"{row['n_texts']:,}",
                      "" if row.get("n_customers") is None else f"{row['n_customers']:,}",
                      t(f"status_{row['status']}", lang) if row.get("status") else "")
    out.print(table)
