"""Tenants (one business each) declared in tenants.toml: validation, lookup and editing."""

from __future__ import annotations

import difflib
import os
import re
import tomllib
import types
from datetime import date
from pathlib import Path
from typing import Union, get_args, get_origin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tomlkit
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from pipelines.alerts.config import AlertSettings

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
PLATFORMS = ("whatsapp", "instagram", "tiktok", "shopee", "tokopedia", "lazada", "tiktok_shop", "facebook")


class TenantError(ValueError):
    """A tenants.toml problem a user can fix; the message says where and how.

    str() is the English message (logs, Airflow); `indonesian` the same in Bahasa Indonesia, which the
    command line shows by default."""

    def __init__(self, message: str, indonesian: str | None = None) -> None:
        super().__init__(message)
        self.indonesian = indonesian


def validate_tenant_id(tenant_id: str) -> str:
    """Return the id if it is a safe slug ([a-z0-9-], no path tricks), else raise TenantError."""
    if not isinstance(tenant_id, str) or not SLUG.match(tenant_id) or "--" in tenant_id:
        raise TenantError(
            f"Invalid tenant id {tenant_id!r}: use lower-case letters, digits and single hyphens "
            "(for example 'kopi-senja'), at most 64 characters.",
            f"Id usaha {tenant_id!r} tidak valid: pakai huruf kecil, angka dan tanda hubung tunggal "
            "(misalnya 'kopi-senja'), paling banyak 64 karakter.",
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


def _models_in(annotation: object) -> tuple[str, type[BaseModel]] | None:
    """Whether a field holds settings models: ('one' | 'list' | 'dict', Model) for X, X | None, list[X] and
    dict[str, X]; None for plain values (their keys are data, not settings)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "one", annotation
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _models_in(inner[0]) if len(inner) == 1 else None
    if origin is list and args:
        found = _models_in(args[0])
        return ("list", found[1]) if found and found[0] == "one" else None
    if origin is dict and len(args) == 2:
        found = _models_in(args[1])
        return ("dict", found[1]) if found and found[0] == "one" else None
    return None


def unknown_keys(model: type[BaseModel], data: object, table: str,
                 exclude: frozenset[str] = frozenset()) -> list[tuple[str, str, list[str]]]:
    """(table, key, allowed keys) for each key of `data` that `model` has no field for, nested settings
    models included. The allowed keys come from the models themselves, so a new setting needs no list here."""
    if not isinstance(data, dict):
        return []
    fields = {(f.alias or n): f for n, f in model.model_fields.items() if n not in exclude}
    found = []
    for key, value in data.items():
        if key not in fields:
            found.append((table, key, sorted(fields)))
            continue
        nested = _models_in(fields[key].annotation)
        if nested is None:
            continue
        kind, sub = nested
        if kind == "one":
            found += unknown_keys(sub, value, f"{table}.{key}")
        elif kind == "list" and isinstance(value, list):
            for i, item in enumerate(value, start=1):
                found += unknown_keys(sub, item, f"{table}.{key} #{i}")
        elif kind == "dict" and isinstance(value, dict):
            for name, item in value.items():
                found += unknown_keys(sub, item, f"{table}.{key}.{name}")
    return found


def _unknown_key_error(path: Path, found: list[tuple[str, str, list[str]]]) -> TenantError:
    """One sentence per misspelt or unknown key: where it is, the nearest allowed key, every allowed one."""
    en, id_ = [], []
    for table, key, allowed in found:
        near = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        en.append(f"unknown key {key!r} in [{table}]" + (f" (did you mean {near[0]!r}?)" if near else "")
                  + f"; allowed keys: {', '.join(allowed)}")
        id_.append(f"kunci {key!r} di [{table}] tidak dikenal" + (f" (maksudnya {near[0]!r}?)" if near else "")
                   + f"; kunci yang boleh: {', '.join(allowed)}")
    return TenantError(f"{path}: " + "; ".join(en) + ". Fix the spelling or remove the key.",
                       f"{path}: " + "; ".join(id_) + ". Perbaiki ejaannya atau hapus kuncinya.")


def validation_problems(exc: ValidationError) -> str:
    """A pydantic error as 'field: what is wrong' clauses a person can read (no pydantic dump)."""
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'table'}: {e['msg'].removeprefix('Value error, ')}"
        for e in exc.errors()
    )


def _tenants_from(path: Path, text: str) -> dict[str, Tenant]:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TenantError(f"{path}: not valid TOML ({exc}). Fix the file or remove it and use 'gaung tenants add'.",
                          f"{path}: bukan TOML yang valid ({exc}). Perbaiki berkasnya, atau hapus lalu pakai "
                          "'gaung tenants add'.") from None
    tables = raw.get("tenants", {})
    if not isinstance(tables, dict):
        raise TenantError(f"{path}: [tenants] must be a table of [tenants.<id>] tables.",
                          f"{path}: [tenants] harus berisi tabel [tenants.<id>].")
    tenants: dict[str, Tenant] = {}
    for tenant_id, table in tables.items():
        if not isinstance(table, dict):
            raise TenantError(f"{path}: [tenants.{tenant_id}] must be a table.",
                              f"{path}: [tenants.{tenant_id}] harus berupa tabel.")
        # The id is the table's name; an 'id' key inside it is one of the unknown keys.
        found = unknown_keys(Tenant, table, f"tenants.{tenant_id}", exclude=frozenset({"id"}))
        if found:
            raise _unknown_key_error(path, found)
        try:
            tenants[tenant_id] = Tenant(id=tenant_id, **table)
        except ValidationError as exc:
            problems = validation_problems(exc)
            raise TenantError(f"{path}: tenant [tenants.{tenant_id}] is invalid: {problems}",
                              f"{path}: usaha [tenants.{tenant_id}] tidak valid: {problems}") from None
    return tenants


def load_tenants(path: Path) -> dict[str, Tenant]:
    """Read and validate every tenant in a tenants.toml; raise TenantError naming the file, the tenant and the
    key (a misspelt key is an error that names the allowed ones, not a setting silently left at its default)."""
    if not path.exists():
        return {}
    return _tenants_from(path, path.read_text(encoding="utf-8"))


def get_tenant(path: Path, tenant_id: str) -> Tenant:
    """One tenant by id, or a TenantError listing the known ones."""
    validate_tenant_id(tenant_id)
    tenants = load_tenants(path)
    if tenant_id not in tenants:
        known = ", ".join(sorted(tenants))
        raise TenantError(
            f"Tenant {tenant_id!r} is not declared in {path} (known: {known or 'none yet'}). "
            f"Add it with: gaung tenants add {tenant_id} --name \"Nama Usaha\"",
            f"Usaha {tenant_id!r} belum terdaftar di {path} (yang ada: {known or 'belum ada'}). "
            f"Tambahkan dengan: gaung tenants add {tenant_id} --name \"Nama Usaha\"",
        )
    return tenants[tenant_id]


def backup_path(path: Path) -> Path:
    """Where the tenants file is copied before each change: tenants.toml.bak beside it."""
    return path.with_name(path.name + ".bak")


def _write_private(path: Path, text: str) -> None:
    """Write a file atomically, readable by its owner only (it sits under GAUNG_HOME with the warehouses)."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def add_tenant(path: Path, tenant: Tenant, *, replace: bool = False) -> None:
    """Add (or with replace=True, overwrite) one tenant in tenants.toml.

    The file is edited, not rewritten: comments, key order and sections Gaung does not know stay as they
    are (tomlkit); the file as it was is copied to tenants.toml.bak first."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    tenants = _tenants_from(path, old)
    if tenant.id in tenants and not replace:
        raise TenantError(f"Tenant {tenant.id!r} already exists in {path}; edit the file or pass --replace.",
                          f"Usaha {tenant.id!r} sudah ada di {path}; ubah berkasnya atau pakai --replace.")
    table = {k: v for k, v in tenant.to_toml_table().items() if v != {}}  # no empty [tenants.<id>.accounts]
    text = None
    if tenant.id not in tenants:  # appended after everything: no comment or section of the file moves
        text = (old.rstrip("\n") + "\n\n" if old.strip() else old) + tomlkit.dumps({"tenants": {tenant.id: table}})
        try:
            _tenants_from(path, text)
        except TenantError:  # a layout appending cannot extend (tenants = { ... } inline): edit the document
            text = None
    if text is None:  # replaced where it stands
        doc = tomlkit.parse(old)
        if "tenants" not in doc:
            doc["tenants"] = tomlkit.table(is_super_table=True)
        doc["tenants"][tenant.id] = tomlkit.item(table)
        text = tomlkit.dumps(doc)
    _tenants_from(path, text)  # what is written must load: never leave a file the next command rejects
    path.parent.mkdir(parents=True, exist_ok=True)
    if old:
        _write_private(backup_path(path), old)
    _write_private(path, text)
