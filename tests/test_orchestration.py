"""The run-time decisions of the DAGs: new landing files, API pull candidates, weeks, time zones, failures."""

from __future__ import annotations

import logging
import os
import time
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from pipelines import orchestration as orch
from pipelines.settings import Settings
from pipelines.tenants import Tenant, add_tenant
from tests.conftest import EXPORTS


def _age(path: Path, seconds: float = 120) -> None:
    old = time.time() - seconds
    os.utime(path, (old, old))


def _drop(settings: Settings, tenant_id: str, name: str, text: str, *, age: float = 120) -> Path:
    path = settings.landing_dir(tenant_id) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    _age(path, age)
    return path


def test_no_landing_folder_means_nothing_new(settings: Settings) -> None:
    assert orch.tenants_with_new_files(settings) == []


def test_new_files_are_found_and_recorded_after_ingest(settings: Settings) -> None:
    chat = (EXPORTS / sorted(p.name for p in EXPORTS.glob("*.txt"))[0]).read_text(encoding="utf-8")
    _drop(settings, "toko-a", "whatsapp/chat.txt", chat)
    _drop(settings, "toko-a", ".hidden.tmp", "half written")
    assert orch.tenants_with_new_files(settings) == ["toko-a"]

    summary = orch.ingest_landing("toko-a", settings=settings, now=datetime(2026, 10, 5, tzinfo=UTC))
    assert summary["loaded"] == 1 and summary["files"] == 1 and summary["rows"] > 0
    assert orch.landing_state_path(settings, "toko-a").exists()
    assert orch.tenants_with_new_files(settings) == []

    again = orch.ingest_landing("toko-a", settings=settings, now=datetime(2026, 10, 5, tzinfo=UTC))
    assert again["files"] == 0 and again["loaded"] == 0


def test_a_changed_file_is_new_again_and_loads_as_duplicate_when_bytes_match(settings: Settings) -> None:
    chat = (EXPORTS / sorted(p.name for p in EXPORTS.glob("*.txt"))[0]).read_text(encoding="utf-8")
    path = _drop(settings, "toko-a", "chat.txt", chat)
    orch.ingest_landing("toko-a", settings=settings, now=datetime(2026, 10, 5, tzinfo=UTC))
    _age(path, 60)  # touched: same bytes, new time
    assert orch.tenants_with_new_files(settings) == ["toko-a"]
    summary = orch.ingest_landing("toko-a", settings=settings, now=datetime(2026, 10, 5, tzinfo=UTC))
    assert summary["duplicate"] == 1 and summary["loaded"] == 0


def test_a_retry_after_a_committed_load_still_names_the_tenant_as_changed(settings: Settings) -> None:
    chat = (EXPORTS / sorted(p.name for p in EXPORTS.glob("*.txt"))[0]).read_text(encoding="utf-8")
    _drop(settings, "toko-a", "chat.txt", chat)
    first = orch.ingest_landing("toko-a", settings=settings, now=datetime(2026, 10, 5, tzinfo=UTC))
    assert first["loaded"] == 1 and first["changed"] == 1
    # the worker died after the load was committed, before the files were recorded as seen
    orch.landing_state_path(settings, "toko-a").unlink()
    retried = orch.ingest_landing("toko-a", settings=settings, now=datetime(2026, 10, 5, tzinfo=UTC), retry=True)
    assert retried["loaded"] == 0 and retried["duplicate"] == 1 and retried["changed"] == 1
    assert orch.tenants_changed([retried], key="changed") == ["toko-a"]
    # the worker died after the files were recorded as seen too: the retry finds nothing new and still says so
    gone = orch.ingest_landing("toko-a", settings=settings, now=datetime(2026, 10, 5, tzinfo=UTC), retry=True)
    assert gone["files"] == 0 and gone["changed"] == 1
    assert orch.tenants_changed([gone], key="changed") == ["toko-a"]
    # not a retry: the same bytes dropped again change nothing
    orch.landing_state_path(settings, "toko-a").unlink()
    again = orch.ingest_landing("toko-a", settings=settings, now=datetime(2026, 10, 5, tzinfo=UTC))
    assert again["duplicate"] == 1 and again["changed"] == 0


def test_files_still_being_copied_wait_for_the_next_run(settings: Settings) -> None:
    _drop(settings, "toko-b", "reviews.csv", "a,b\n", age=0)
    assert orch.tenants_with_new_files(settings) == []
    assert orch.tenants_with_new_files(settings, settle_seconds=0) == ["toko-b"]


def test_a_deleted_warehouse_sees_every_file_again(settings: Settings) -> None:
    chat = (EXPORTS / sorted(p.name for p in EXPORTS.glob("*.txt"))[0]).read_text(encoding="utf-8")
    _drop(settings, "toko-a", "chat.txt", chat)
    orch.ingest_landing("toko-a", settings=settings, now=datetime(2026, 10, 5, tzinfo=UTC))
    settings.warehouse_path("toko-a").unlink()
    assert orch.tenants_with_new_files(settings) == ["toko-a"]


def test_tenants_by_timezone(settings: Settings) -> None:
    assert orch.tenants_by_timezone(settings) == {"Asia/Jakarta": ["toko-a"], "Asia/Makassar": ["toko-b"]}
    assert orch.tenant_ids(settings) == ["toko-a", "toko-b"]


def test_tenants_due_report_follow_the_clock_not_the_zone_name(settings: Settings) -> None:
    add_tenant(settings.tenants_path, Tenant(id="toko-c", name="Toko C", timezone="Asia/Pontianak"))
    add_tenant(settings.tenants_path, Tenant(id="toko-d", name="Toko D", timezone="Asia/Jayapura"))
    add_tenant(settings.tenants_path, Tenant(id="toko-e", name="Toko E", timezone="Europe/Amsterdam"))
    monday_wib = datetime(2026, 10, 5, 0, 0, tzinfo=UTC)  # 07:00 in Jakarta and Pontianak
    assert orch.tenants_due_report(settings, at=monday_wib, zone="Asia/Jakarta") == ["toko-a", "toko-c"]
    monday_wita = datetime(2026, 10, 4, 23, 0, tzinfo=UTC)
    assert orch.tenants_due_report(settings, at=monday_wita, zone="Asia/Makassar") == ["toko-b"]
    monday_wit = datetime(2026, 10, 4, 22, 0, tzinfo=UTC)
    assert orch.tenants_due_report(settings, at=monday_wit, zone="Asia/Jayapura") == ["toko-d"]
    zones = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")
    assert orch.tenants_outside(settings, at=monday_wib, zones=zones) == ["toko-e"]


@pytest.mark.parametrize(("at", "tz", "label"), [
    (datetime(2026, 10, 5, 0, 0, tzinfo=UTC), "Asia/Jakarta", "2026-W40"),     # Mon 07:00 WIB: Sep 28 - Oct 4
    (datetime(2026, 10, 4, 22, 0, tzinfo=UTC), "Asia/Jayapura", "2026-W40"),   # Mon 07:00 WIT, still Sunday in UTC
    (datetime(2026, 10, 4, 16, 59, tzinfo=UTC), "Asia/Jakarta", "2026-W39"),   # Sun 23:59 WIB: that week is not over
    (datetime(2026, 10, 11, 12, 0, tzinfo=UTC), "Asia/Makassar", "2026-W40"),  # Sunday afternoon
])
def test_report_week_is_the_last_complete_week_in_the_tenants_zone(at: datetime, tz: str, label: str) -> None:
    t = Tenant(id="toko-a", name="Toko A", timezone=tz)
    assert orch.report_week(t, None, at=at) == label
    assert orch.report_week(t, "", at=at) == label


def test_report_week_accepts_an_iso_week_or_a_date_in_it() -> None:
    t, at = Tenant(id="toko-a", name="Toko A"), datetime(2026, 10, 5, 0, 0, tzinfo=UTC)
    assert orch.report_week(t, "2026-10-08", at=at) == "2026-W41"
    assert orch.report_week(t, " 2026-W41 ", at=at) == "2026-W41"
    assert orch.report_week(t, date(2026, 10, 11), at=at) == "2026-W41"
    with pytest.raises(ValueError, match="2026-W41"):
        orch.report_week(t, "minggu lalu", at=at)


@pytest.mark.parametrize("week", ["2026-13-45", "2026-W54", "2026-w41", "05/10/2026"])
def test_report_week_refuses_what_the_cli_refuses_naming_the_value_and_the_forms(week: str) -> None:
    from pipelines.report.weeks import parse_week

    t, at = Tenant(id="toko-a", name="Toko A"), datetime(2026, 10, 5, 0, 0, tzinfo=UTC)
    with pytest.raises(ValueError) as raised:
        orch.report_week(t, week, at=at)
    assert repr(week) in str(raised.value) and "YYYY-Www" in str(raised.value) and "YYYY-MM-DD" in str(raised.value)
    with pytest.raises(ValueError):
        parse_week(week)  # the parser the CLI's --week uses


def test_tenants_from_events_reads_extra_of_objects_and_dicts() -> None:
    events = [SimpleNamespace(extra={"tenants": ["toko-b"]}), {"extra": {"tenants": ["toko-a", "toko-b"]}},
              SimpleNamespace(extra={}), SimpleNamespace(extra=None)]
    assert orch.tenants_from_events(events) == ["toko-a", "toko-b"]
    assert orch.tenants_from_events([]) == []


def test_pull_sources_need_ids_and_credentials() -> None:
    t = Tenant(id="kopi-senja", name="Kopi Senja", api={"instagram_user_id": "178414", "shopee_shop_id": 99})
    assert orch.pull_sources(t, {}) == []
    env = {"GAUNG_INSTAGRAM_TOKEN__KOPI_SENJA": "x", "GAUNG_TIKTOK_TOKEN": "y"}
    assert orch.pull_sources(t, env) == ["instagram", "tiktok"]
    env |= {"GAUNG_SHOPEE_PARTNER_ID": "1", "GAUNG_SHOPEE_PARTNER_KEY": "k", "AIRFLOW_CONN_GAUNG_SHOPEE": "x://:t@"}
    assert orch.pull_sources(t, env) == ["instagram", "tiktok", "shopee"]
    no_ids = Tenant(id="toko-a", name="Toko A")
    assert orch.pull_sources(no_ids, env) == ["tiktok"]


def test_tenants_to_pull(settings: Settings) -> None:
    assert orch.tenants_to_pull(settings, {}) == []
    assert orch.tenants_to_pull(settings, {"GAUNG_TIKTOK_TOKEN__TOKO_B": "t"}) == ["toko-b"]


def test_run_time_prefers_the_logical_date_then_run_after() -> None:
    logical = datetime(2026, 10, 5, 7, 0, tzinfo=UTC)
    assert orch.run_time({"logical_date": logical}) == logical
    after = datetime(2026, 10, 6, tzinfo=UTC)
    assert orch.run_time({"logical_date": None, "dag_run": SimpleNamespace(run_after=after)}) == after
    assert orch.run_time({}).tzinfo is UTC


def test_failure_message_names_the_task_tenant_and_what_to_do(caplog: pytest.LogCaptureFixture) -> None:
    ti = SimpleNamespace(dag_id="gaung_ingest", task_id="ingest", run_id="scheduled__x", try_number=4, map_index=1)
    context = {"ti": ti, "task": SimpleNamespace(op_kwargs={"tenant_id": "kopi-senja"}),
               "exception": RuntimeError("disk full")}
    with caplog.at_level(logging.ERROR, logger="gaung.orchestration"):
        orch.log_failure(context)
    message = caplog.records[-1].getMessage()
    assert "gaung_ingest.ingest" in message and "tenant kopi-senja" in message and "try 4" in message
    assert "RuntimeError: disk full" in message and "gaung_rerun" in message
    manual = orch.failure_message({"ti": ti, "params": {"tenant": "toko-a"}, "exception": None})
    assert "tenant toko-a" in manual
    unknown = orch.failure_message({"ti": ti, "task": SimpleNamespace(op_kwargs={}), "exception": ValueError("x")})
    assert "map index 1" in unknown and "gaung_rerun" not in unknown


def test_tenants_changed_ignores_missing_and_zero_summaries() -> None:
    summaries = [{"tenant": "b", "loaded": 2}, None, {"tenant": "a", "loaded": 0}, {"tenant": "c", "loaded": 1}]
    assert orch.tenants_changed(summaries, key="loaded") == ["b", "c"]
    assert orch.tenants_changed([], key="files") == []


def test_the_cli_and_run_landing_record_what_they_ingested_as_the_dag_does(settings: Settings) -> None:
    """`gaung ingest` of the landing folder and `gaung run --landing` tell the DAG's sensor what they loaded, so
    the next DAG run does not hand the same files to ingest again; a file dropped after them is still new."""
    from typer.testing import CliRunner

    from pipelines.cli import app
    from pipelines.run import run_tenant
    from pipelines.tenants import get_tenant

    chats = sorted(EXPORTS.glob("*.txt"))
    _drop(settings, "toko-a", "whatsapp/chat.txt", chats[0].read_text(encoding="utf-8"))
    result = CliRunner().invoke(app, ["ingest", "--tenant", "toko-a", "--json"])
    assert result.exit_code == 0, result.output
    assert orch.tenants_with_new_files(settings) == []

    _drop(settings, "toko-a", "whatsapp/chat2.txt", chats[1].read_text(encoding="utf-8"))
    assert orch.tenants_with_new_files(settings) == ["toko-a"]
    run_tenant(get_tenant(settings.tenants_path, "toko-a"), settings=settings, now=datetime(2026, 10, 5, tzinfo=UTC),
               landing=True, themes=False)
    assert orch.tenants_with_new_files(settings) == []
