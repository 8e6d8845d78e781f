"""tenants.toml: validation with errors a person can act on, and the tenants commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.tenants import TenantError, get_tenant, load_tenants, validate_tenant_id

runner = CliRunner()


@pytest.mark.parametrize("bad", ["../etc", "Toko", "toko_a", "-toko", "toko-", "a/b", "", "toko--a", "x" * 70, "toko a"])
def test_tenant_ids_are_safe_slugs(bad: str) -> None:
    with pytest.raises(TenantError, match="Invalid tenant id"):
        validate_tenant_id(bad)


def test_valid_file_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "tenants.toml"
    path.write_text("""
[tenants.kopi-senja]
name = "Kopi Senja"
timezone = "Asia/Makassar"
language = "en"
accounts = { whatsapp = ["+62 811-1111-2222", "Kopi Senja"], instagram = "kopisenja" }

[[tenants.kopi-senja.campaigns]]
name = "Aren"
hashtags = ["KopiAren", "#promo"]
start = 2026-09-01
end = 2026-09-30

[tenants.kopi-senja.delivery]
channels = ["outbox", "email"]
email = "owner@example.com"
""")
    t = load_tenants(path)["kopi-senja"]
    assert t.timezone == "Asia/Makassar" and t.language == "en"
    assert t.accounts["instagram"] == ["kopisenja"]
    assert t.campaigns[0].hashtags == ["#kopiaren", "#promo"]
    assert t.delivery.email == ["owner@example.com"]


@pytest.mark.parametrize(("table", "message"), [
    ('name = "X"\ntimezone = "Asia/Nowhere"', "unknown timezone"),
    ('name = "X"\nlanguage = "fr"', "language must be"),
    ('timezone = "Asia/Jakarta"', "name"),
    ('name = "X"\naccounts = { myspace = ["x"] }', "unknown platform"),
    ('name = "X"\n[[tenants.t.campaigns]]\nname = "c"\nhashtags = ["a"]\nstart = 2026-02-01\nend = 2026-01-01', "ends"),
])
def test_invalid_tables_name_the_file_tenant_and_field(tmp_path: Path, table: str, message: str) -> None:
    path = tmp_path / "tenants.toml"
    path.write_text(f"[tenants.t]\n{table}\n")
    with pytest.raises(TenantError, match=message) as info:
        load_tenants(path)
    assert str(path) in str(info.value) and "[tenants.t]" in str(info.value)


def test_bad_toml_and_unknown_tenant(tmp_path: Path) -> None:
    path = tmp_path / "tenants.toml"
    path.write_text("[tenants.a\n")
    with pytest.raises(TenantError, match="not valid TOML"):
        load_tenants(path)
    path.write_text('[tenants.a]\nname = "A"\n')
    with pytest.raises(TenantError, match="gaung tenants add zz"):
        get_tenant(path, "zz")


def test_tenants_commands(home: Path) -> None:
    added = runner.invoke(app, ["tenants", "add", "warung-bu-sri", "--name", "Warung Bu Sri", "--timezone",
                                "Asia/Jayapura", "--whatsapp", "+62 812-1111-2222"])
    assert added.exit_code == 0, added.output
    assert "warung-bu-sri" in runner.invoke(app, ["tenants", "list"]).output
    shown = runner.invoke(app, ["tenants", "show", "warung-bu-sri"])
    assert "Asia/Jayapura" in shown.output
    again = runner.invoke(app, ["tenants", "add", "warung-bu-sri", "--name", "X"])
    assert again.exit_code == 2 and "already exists" in again.output
    bad = runner.invoke(app, ["tenants", "add", "../x", "--name", "X"])
    assert bad.exit_code == 2 and "Invalid tenant id" in bad.output
