"""Every setting read through Settings (GAUNG_*), and the with-blocks that open a tenant's warehouse and
register a frame on it."""

from __future__ import annotations

import logging

import duckdb
import polars as pl
import pytest

from pipelines.connectors.io import find_secret
from pipelines.report.pdf import find_chromium
from pipelines.settings import Settings
from warehouse.connection import NoWarehouse, registered


def test_a_tenant_warehouse_opens_with_the_memory_limit_and_closes_after_the_block(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAUNG_DUCKDB_MEMORY_LIMIT", "256MB")
    with Settings().open_warehouse("toko-a") as con:
        limit = con.execute("select current_setting('memory_limit')").fetchall()[0][0]
        assert con.execute("select count(*) from ops.schema_migrations").fetchall()[0][0] > 0  # migrated
    assert limit == "244.1 MiB"  # 256 MB as DuckDB shows it
    with pytest.raises(duckdb.ConnectionException):
        con.execute("select 1")
    with settings.open_warehouse("toko-a", read_only=True) as reader:
        assert reader.execute("select 1").fetchall() == [(1,)]
    with pytest.raises(NoWarehouse), settings.open_warehouse("toko-b", read_only=True):
        pass


def test_a_wait_that_is_no_number_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAUNG_WAREHOUSE_WAIT_SECONDS", "0.5")
    assert Settings().warehouse_wait_seconds == 0.5
    monkeypatch.setenv("GAUNG_WAREHOUSE_WAIT_SECONDS", "soon")
    assert Settings().warehouse_wait_seconds == 30.0


def test_a_registered_frame_is_gone_after_its_block_whatever_happens() -> None:
    con = duckdb.connect()
    frame = pl.DataFrame({"x": [1, 2, 3]})
    with registered(con, "_t", frame) as name:
        assert con.execute(f"select sum(x) from {name}").fetchall() == [(6,)]
    with pytest.raises(RuntimeError), registered(con, "_u", frame):
        raise RuntimeError("inside")
    names = {r[0] for r in con.execute("select table_name from duckdb_tables() union all "
                                       "select view_name from duckdb_views() where not internal").fetchall()}
    assert not names & {"_t", "_u"}
    with pytest.raises(duckdb.CatalogException):
        con.execute("select * from _t")


def test_chromium_comes_from_settings(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    binary = tmp_path / "my-chromium"
    binary.write_text("")
    monkeypatch.setenv("GAUNG_CHROMIUM", str(binary))
    assert Settings().chromium == str(binary) and find_chromium() == str(binary)
    monkeypatch.setenv("GAUNG_CHROMIUM", str(tmp_path / "nowhere"))
    assert find_chromium() is None


def test_a_credential_per_tenant_wins_then_the_shared_one_then_airflow(caplog: pytest.LogCaptureFixture) -> None:
    env = {"GAUNG_TIKTOK_TOKEN": "shared", "GAUNG_TIKTOK_TOKEN__KOPI_SENJA": "own"}
    assert find_secret("TIKTOK_TOKEN", "kopi-senja", environ=env) == "own"
    assert find_secret("TIKTOK_TOKEN", "toko-a", environ=env) == "shared"
    conn = {"AIRFLOW_CONN_GAUNG_TIKTOK": "http://:s3cret@"}
    assert find_secret("TIKTOK_TOKEN", "toko-a", airflow_conn="gaung_tiktok", environ=conn) == "s3cret"
    assert find_secret("TIKTOK_TOKEN", "toko-a", environ=conn) is None
    with caplog.at_level(logging.WARNING, logger="gaung.connectors"):
        assert find_secret("TIKTOK_TOKEN", "toko-a", airflow_conn="gaung_tiktok",
                           environ={"AIRFLOW_CONN_GAUNG_TIKTOK": '{"password": "s3cret"'}) is None
    assert "AIRFLOW_CONN_GAUNG_TIKTOK cannot be read" in caplog.text and "s3cret" not in caplog.text


def test_a_registered_frame_lets_an_aborted_transaction_surface_its_own_error() -> None:
    con = duckdb.connect()
    con.execute("begin transaction")
    with pytest.raises(duckdb.CatalogException), registered(con, "_t", pl.DataFrame({"x": [1]})):
        con.execute("select * from no_such_table")
    con.execute("rollback")


def test_smtp_settings_come_from_gaung_smtp_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HOST", "PORT", "USER", "FROM", "SECURITY"):
        monkeypatch.delenv(f"GAUNG_SMTP_{name}", raising=False)
    defaults = Settings()
    assert (defaults.smtp_host, defaults.smtp_port, defaults.smtp_user, defaults.smtp_from, defaults.smtp_security) == (
        None, 587, None, None, "starttls")
    monkeypatch.setenv("GAUNG_SMTP_HOST", "smtp.example.com")
    monkeypatch.setenv("GAUNG_SMTP_PORT", "465")
    monkeypatch.setenv("GAUNG_SMTP_SECURITY", "ssl")
    conf = Settings()
    assert (conf.smtp_host, conf.smtp_port, conf.smtp_security) == ("smtp.example.com", 465, "ssl")
    assert "smtp_password" not in Settings.model_fields  # the password is read from the environment only when sending
