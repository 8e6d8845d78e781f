"""Tenants (one business each) declared in tenants.toml: validation, lookup and editing."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tomli_w
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from pipelines.alerts.config import AlertSettings

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
PLATFORMS = ("whatsapp", "instagram", "tiktok", "shopee", "tokopedia", "lazada", "tiktok_shop", "facebook")


class TenantError(ValueError):
    """A tenants.toml problem a user can fix; the message says where and how."""


def validate_tenant_id(tenant_id: str) -> str:
    """Return the id if it is a safe slug ([a-z0-9-], no path tricks), else raise TenantError."""
    if not isinstance(tenant_id, str) or not SLUG.match(tenant_id) or "--" in tenant_id:
        raise TenantError(
            f"Invalid tenant id {tenant_id!r}: use lower-case letters, digits and single hyphens "
            "(for example 'kopi-senja'), at most 64 characters."
        )
    return tenant_id


class Campaign(BaseModel):
    name: str
    hashtags: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    start: date
    end: date

    @field_validator("hashtags")
    @classmethod
    def _hashtags(cls, tags: list[str]) -> list[str]:
        return [t if t.startswith("#") else f"#{t}" for t in (s.strip().lower() for s in tags) if t.strip("#")]

    @model_validator(mode="after")
    def _window(self) -> Campaign:
        if self.end < self.start:
            raise ValueError(f"campaign {self.name!r} ends ({self.end}) before it starts ({self.start})")
        if not self.hashtags and not self.keywords:
            raise ValueError(f"campaign {self.name!r} needs at least one hashtag or keyword")
        return self


class Delivery(BaseModel):
    channels: list[str] = Field(default_factory=lambda: ["outbox"])
    email: list[str] = Field(default_factory=list)
    whatsapp_number: str | None = None

    @field_validator("email", mode="before")
    @classmethod
    def _emails(cls, v: str | list[str]) -> list[str]:
        return [v] if isinstance(v, str) else v

    @field_validator("channels")
    @classmethod
    def _channels(cls, v: list[str]) -> list[str]:
        bad = sorted(set(v) - {"outbox", "email", "whatsapp"})
        if bad:
            raise ValueError(f"unknown delivery channel(s) {bad}; use outbox, email or whatsapp")
        return v


class Tenant(BaseModel):
    id: str
    name: str
    timezone: str = "Asia/Jakarta"
    language: str = "id"
    # The business's own names, numbers and handles per platform, to mark its own messages.
    accounts: dict[str, list[str]] = Field(default_factory=dict)
    campaigns: list[Campaign] = Field(default_factory=list)
    delivery: Delivery = Field(default_factory=Delivery)
    # Column mappings for CSV/XLSX exports with no known layout, by mapping name.
    mappings: dict[str, dict[str, str]] = Field(default_factory=dict)
    # Ids for API pulls: instagram_user_id, shopee_shop_id (tokens live in the environment only).
    api: dict[str, str | int] = Field(default_factory=dict)
    # Alerts between reports: thresholds, quiet hours, daily cap ([tenants.<id>.alerts]; docs/alerts.md).
    alerts: AlertSettings = Field(default_factory=AlertSettings)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        try:
            return validate_tenant_id(v)
        except TenantError as exc:
            raise ValueError(str(exc)) from None

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {v!r}; use an IANA name such as Asia/Jakarta") from None
        return v

    @field_validator("language")
    @classmethod
    def _lang(cls, v: str) -> str:
        if v not in ("id", "en"):
            raise ValueError(f"language must be 'id' or 'en', not {v!r}")
        return v

    @field_validator("mappings")
    @classmethod
    def _mappings(cls, v: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        from pipelines.ingest.mapped_reviews import validate_mapping

        for name, mapping in v.items():
            validate_mapping(name, mapping)
        return v

    @field_validator("accounts", mode="before")
    @classmethod
    def _accounts(cls, v: dict) -> dict:
        out = {}
        for platform, ids in (v or {}).items():
            if platform not in PLATFORMS:
                raise ValueError(f"unknown platform {platform!r} in accounts; use one of {', '.join(PLATFORMS)}")
            out[platform] = [ids] if isinstance(ids, str) else list(ids)
        return out

    def business_identifiers(self, platform: str) -> list[str]:
        """Names, numbers and handles the business uses on a platform."""
        return self.accounts.get(platform, [])

    def to_toml_table(self) -> dict:
        data = self.model_dump(mode="python", exclude={"id"}, exclude_defaults=False)
        if not data["campaigns"]:
            data.pop("campaigns")
        if not data["mappings"]:
            data.pop("mappings")
        if not data["api"]:
            data.pop("api")
        data["alerts"] = self.alerts.model_dump(mode="python", exclude_defaults=True)
        if not data["alerts"]:
            data.pop("alerts")
        if data["delivery"]["whatsapp_number"] is None:
            data["delivery"].pop("whatsapp_number")
        return data


def load_tenants(path: Path) -> dict[str, Tenant]:
    """Read and validate every tenant in a tenants.toml; raise TenantError naming the file and tenant."""
    if not path.exists():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise TenantError(f"{path}: not valid TOML ({exc}). Fix the file or remove it and use 'gaung tenants add'.") from None
    tables = raw.get("tenants", {})
    if not isinstance(tables, dict):
        raise TenantError(f"{path}: [tenants] must be a table of [tenants.<id>] tables.")
    tenants: dict[str, Tenant] = {}
    for tenant_id, table in tables.items():
        if not isinstance(table, dict):
            raise TenantError(f"{path}: [tenants.{tenant_id}] must be a table.")
        try:
            tenants[tenant_id] = Tenant(id=tenant_id, **table)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'table'}: {e['msg'].removeprefix('Value error, ')}"
                for e in exc.errors()
            )
            raise TenantError(f"{path}: tenant [tenants.{tenant_id}] is invalid: {problems}") from None
    return tenants


def get_tenant(path: Path, tenant_id: str) -> Tenant:
    """One tenant by id, or a TenantError listing the known ones."""
    validate_tenant_id(tenant_id)
    tenants = load_tenants(path)
    if tenant_id not in tenants:
        known = ", ".join(sorted(tenants)) or "none yet"
        raise TenantError(
            f"Tenant {tenant_id!r} is not declared in {path} (known: {known}). "
            f"Add it with: gaung tenants add {tenant_id} --name \"Nama Usaha\""
        )
    return tenants[tenant_id]


def save_tenants(path: Path, tenants: dict[str, Tenant]) -> None:
    """Write tenants.toml atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"tenants": {tid: t.to_toml_table() for tid, t in sorted(tenants.items())}}
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_bytes(tomli_w.dumps(doc).encode("utf-8"))
    tmp.replace(path)


def add_tenant(path: Path, tenant: Tenant, *, replace: bool = False) -> None:
    """Add (or with replace=True, overwrite) one tenant in tenants.toml."""
    tenants = load_tenants(path)
    if tenant.id in tenants and not replace:
        raise TenantError(f"Tenant {tenant.id!r} already exists in {path}; edit the file or pass --replace.")
    tenants[tenant.id] = tenant
    save_tenants(path, tenants)
