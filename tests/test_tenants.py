"""tenants.toml: validation with errors a person can act on, and the tenants commands."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines.alerts.config import AlertSettings
from pipelines.cli import app
from pipelines.settings import Settings
from pipelines.tenants import (
    Campaign,
    Delivery,
    Tenant,
    TenantError,
    get_tenant,
    load_tenants,
    validate_tenant_id,
)

runner = CliRunner()


@pytest.fixture(autouse=True)
def narrow_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Output checked here must not depend on the terminal around the test."""
    monkeypatch.setenv("COLUMNS", "40")
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)


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
    again = runner.invoke(app, ["tenants", "add", "warung-bu-sri", "--name", "X", "--lang", "en"])
    assert again.exit_code == 2 and "already exists" in again.output
    assert "sudah ada" in runner.invoke(app, ["tenants", "add", "warung-bu-sri", "--name", "X"]).output


@pytest.mark.parametrize(("args", "indonesian", "english"), [
    (["Warung Bu Sri"], "huruf kecil, angka dan tanda hubung tunggal", "lower-case letters, digits and single hyphens"),
    (["../x"], "misalnya 'kopi-senja'", "for example 'kopi-senja'"),
    (["warung", "--timezone", "WIB"], "unknown timezone 'WIB'", "unknown timezone 'WIB'"),
    (["warung", "--language", "jv"], "language must be 'id' or 'en'", "language must be 'id' or 'en'"),
])
def test_tenants_add_says_what_is_allowed_not_a_pydantic_report(home: Path, args: list[str], indonesian: str,
                                                                 english: str) -> None:
    for lang, expected in (("id", indonesian), ("en", english)):
        result = runner.invoke(app, ["tenants", "add", *args, "--name", "X", "--lang", lang])
        assert result.exit_code == 2 and expected in result.output, result.output
        assert isinstance(result.exception, SystemExit)
        for pydantic_words in ("validation error", "pydantic", "input_value", "type=value_error"):
            assert pydantic_words not in result.output


@pytest.mark.parametrize(("table", "key", "where", "near"), [
    ('name = "X"\ntimzone = "Asia/Jakarta"', "timzone", "[tenants.t]", "timezone"),
    ('name = "X"\nid = "t"', "id", "[tenants.t]", None),
    ('name = "X"\n[tenants.t.delivery]\nchanels = ["email"]', "chanels", "[tenants.t.delivery]", "channels"),
    ('name = "X"\n[tenants.t.alerts]\nquiet_strat = 22:00:00', "quiet_strat", "[tenants.t.alerts]", "quiet_start"),
    ('name = "X"\n[[tenants.t.campaigns]]\nname = "c"\nhashtag = ["a"]\nstart = 2026-02-01\nend = 2026-03-01',
     "hashtag", "[tenants.t.campaigns #1]", "hashtags"),
])
def test_a_misspelt_key_names_itself_and_the_allowed_ones(tmp_path: Path, table: str, key: str, where: str,
                                                         near: str | None) -> None:
    path = tmp_path / "tenants.toml"
    path.write_text(f"[tenants.t]\n{table}\n")
    with pytest.raises(TenantError) as info:
        load_tenants(path)
    message, indonesian = str(info.value), info.value.indonesian
    assert f"unknown key {key!r} in {where}" in message and f"kunci {key!r} di {where} tidak dikenal" in indonesian
    assert str(path) in message
    if near:
        assert f"did you mean {near!r}" in message and f"maksudnya {near!r}" in indonesian
    # the allowed keys come from the settings models themselves: a setting added there is allowed here
    model = {"[tenants.t]": Tenant, "[tenants.t.delivery]": Delivery, "[tenants.t.alerts]": AlertSettings,
             "[tenants.t.campaigns #1]": Campaign}[where]
    allowed = message.split("allowed keys: ", 1)[1].removesuffix(". Fix the spelling or remove the key.")
    assert allowed.split(", ") == sorted(f for f in model.model_fields if not (model is Tenant and f == "id"))


def test_keys_that_are_data_are_not_checked(tmp_path: Path) -> None:
    path = tmp_path / "tenants.toml"
    path.write_text('[tenants.t]\nname = "X"\n[tenants.t.mappings.tiktok_shop]\nplatform = "tiktok_shop"\n'
                    'text = "Ulasan"\n[tenants.t.api]\nshopee_shop_id = 123\n')
    assert load_tenants(path)["t"].mappings["tiktok_shop"]["text"] == "Ulasan"


def test_tenants_add_keeps_comments_and_unknown_sections_and_backs_up_first(home: Path) -> None:
    path = Settings().tenants_path
    before = (
        "# Usaha yang dilayani Gaung. Diubah manual oleh Rina, 2026-11.\n"
        + path.read_text()
        + "\n# our own tool reads this; Gaung must leave it alone\n[deploy]\nhost = \"gaung.local\"  # the box\n"
    )
    before = before.replace('name = "Toko A"', 'name = "Toko A"  # pemilik: Bu Ani')
    path.write_text(before)
    result = runner.invoke(app, ["tenants", "add", "kopi-senja", "--name", "Kopi Senja", "--timezone", "Asia/Makassar"])
    assert result.exit_code == 0, result.output
    after = path.read_text()
    assert after.startswith(before)  # everything that was there, as it was, comments included
    assert '[tenants.kopi-senja]\nname = "Kopi Senja"\ntimezone = "Asia/Makassar"' in after
    assert path.with_name("tenants.toml.bak").read_text() == before
    assert set(load_tenants(path)) == {"toko-a", "toko-b", "kopi-senja"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # --replace changes that tenant only
    result = runner.invoke(app, ["tenants", "add", "kopi-senja", "--name", "Kopi Senja 2", "--replace"])
    assert result.exit_code == 0, result.output
    assert path.read_text().startswith(before) and path.with_name("tenants.toml.bak").read_text() == after
    assert load_tenants(path)["kopi-senja"].name == "Kopi Senja 2"
    # a file that does not load is not edited
    broken = after.replace('timezone = "Asia/Makassar"', 'timzone = "Asia/Makassar"')
    path.write_text(broken)
    result = runner.invoke(app, ["tenants", "add", "warung", "--name", "Warung"])
    assert result.exit_code == 2 and "kunci 'timzone'" in result.output
    assert path.read_text() == broken
