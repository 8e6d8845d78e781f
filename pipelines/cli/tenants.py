"""gaung tenants: list, show and declare the businesses in tenants.toml."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from pipelines.cli.common import LangOpt, _fail, _lang, _tenant, out, tenants_app
from pipelines.i18n import t
from pipelines.settings import get_settings
from pipelines.tenants import (
    Delivery,
    Tenant,
    TenantError,
    add_tenant,
    load_tenants,
    validate_tenant_id,
    validation_problems,
)


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
