"""Delivery: outbox, e-mail to a loopback SMTP server, WhatsApp to a fake Graph API; retries and idempotency."""

from __future__ import annotations

import duckdb
import pytest

import pipelines.report.deliver as deliver_mod
from pipelines.report.build import report_dir, report_name
from pipelines.report.deliver import DeliveryError, deliver_stage
from pipelines.report.weeks import resolve_week
from pipelines.settings import Settings
from tests.connectors.servers import Running
from tests.report.conftest import NOW
from tests.report.servers import FakeGraph, SmtpServer

TENANT = "rotan-mahakam-samarinda"


@pytest.fixture
def fast(monkeypatch):
    monkeypatch.setattr(deliver_mod, "BACKOFF_SECONDS", 0.01)


def fake_report(settings, tenant, week: str) -> None:
    """Stand-in report files, so delivery tests need no Chromium."""
    w = resolve_week(tenant, week, NOW)
    folder = report_dir(settings, tenant.id, w)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / report_name(tenant.id, w, tenant.language, "html")).write_text("<html>laporan</html>")
    (folder / report_name(tenant.id, w, tenant.language, "pdf")).write_bytes(b"%PDF-1.4 laporan mingguan\n%%EOF")


def deliveries(settings, tenant_id: str) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse_path(tenant_id)), read_only=True)
    try:
        return con.execute("select week, channel, status, attempts, message_id, error from ops.deliveries"
                           " order by week, channel").fetchall()
    finally:
        con.close()


def test_whatsapp_retries_429_and_5xx_then_sends_once(demo, tenants, monkeypatch, fast) -> None:
    tenant = tenants[TENANT].model_copy(deep=True)
    tenant.delivery.whatsapp_number = "0813-4690-9999"
    fake_report(demo, tenant, "2026-W45")
    graph = FakeGraph()
    graph.faults["media"] = [429, 503]
    server = Running(graph)
    monkeypatch.setattr(demo, "graph_api_url", server.url + "/v23.0")
    monkeypatch.setenv("GAUNG_WHATSAPP_TOKEN__ROTAN_MAHAKAM_SAMARINDA", "good-token")
    monkeypatch.setenv("GAUNG_WHATSAPP_PHONE_NUMBER_ID", "1234567890")
    try:
        [sent] = deliver_stage(tenant, settings=demo, week="2026-W45", channel="whatsapp", now=NOW)
        assert sent["status"] == "sent" and sent["message_id"] == "wamid.1"
        assert graph.hits == ["media", "media", "media", "messages"]
        assert b"%PDF-1.4" in graph.uploads[0]
        msg = graph.messages[0]
        assert msg["to"] == "6281346909999" and msg["type"] == "document"
        assert msg["document"]["id"] == "media-1" and "Laporan mingguan" in msg["document"]["caption"]
        # The same week again: nothing is sent, the record says why.
        [again] = deliver_stage(tenant, settings=demo, week="2026-W45", channel="whatsapp", now=NOW)
        assert again["status"] == "skipped" and len(graph.hits) == 4
        # Forced: sent again.
        [forced] = deliver_stage(tenant, settings=demo, week="2026-W45", channel="whatsapp", force=True, now=NOW)
        assert forced["status"] == "sent" and graph.hits[-2:] == ["media", "messages"]
    finally:
        server.stop()
    row = [r for r in deliveries(demo, TENANT) if r[:2] == ("2026-W45", "whatsapp")][0]
    assert row[2] == "sent" and row[3] == 4 + 2 and row[4] == "wamid.2" and row[5] is None


def test_whatsapp_bad_token_is_a_clear_error_and_recorded(demo, tenants, monkeypatch, fast) -> None:
    tenant = tenants[TENANT].model_copy(deep=True)
    tenant.delivery.whatsapp_number = "+62 813-4690-9999"
    fake_report(demo, tenant, "2026-W44")
    server = Running(FakeGraph(token="good-token"))
    monkeypatch.setattr(demo, "graph_api_url", server.url)
    monkeypatch.setenv("GAUNG_WHATSAPP_TOKEN", "expired-token")
    monkeypatch.setenv("GAUNG_WHATSAPP_PHONE_NUMBER_ID", "1234567890")
    try:
        with pytest.raises(DeliveryError) as info:
            deliver_stage(tenant, settings=demo, week="2026-W44", channel="whatsapp", now=NOW)
    finally:
        server.stop()
    message = str(info.value)
    assert "token was refused" in message and "GAUNG_WHATSAPP_TOKEN__ROTAN_MAHAKAM_SAMARINDA" in message
    assert "expired-token" not in message
    row = [r for r in deliveries(demo, TENANT) if r[:2] == ("2026-W44", "whatsapp")][0]
    assert row[2] == "failed" and "expired-token" not in row[5]


def test_whatsapp_without_token_says_which_variable(demo, tenants, monkeypatch) -> None:
    tenant = tenants[TENANT].model_copy(deep=True)
    tenant.delivery.whatsapp_number = "+62 813-4690-9999"
    fake_report(demo, tenant, "2026-W43")
    for var in ("GAUNG_WHATSAPP_TOKEN", "GAUNG_WHATSAPP_TOKEN__ROTAN_MAHAKAM_SAMARINDA", "AIRFLOW_CONN_GAUNG_WHATSAPP"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(DeliveryError, match="GAUNG_WHATSAPP_TOKEN"):
        deliver_stage(tenant, settings=demo, week="2026-W43", channel="whatsapp", now=NOW)


def test_email_with_pdf_attached_over_smtp_retrying_a_busy_server(demo, tenants, monkeypatch, fast) -> None:
    tenant = tenants[TENANT].model_copy(deep=True)
    tenant.delivery.email = ["pemilik@example.com"]
    fake_report(demo, tenant, "2026-W42")
    smtp = SmtpServer(busy=1)
    monkeypatch.setenv("GAUNG_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("GAUNG_SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("GAUNG_SMTP_FROM", "laporan@gaung.test")
    monkeypatch.setenv("GAUNG_SMTP_SECURITY", "none")
    monkeypatch.delenv("GAUNG_SMTP_USER", raising=False)
    try:
        [sent] = deliver_stage(tenant, settings=demo, week="2026-W42", channel="email", now=NOW)
        [again] = deliver_stage(tenant, settings=demo, week="2026-W42", channel="email", now=NOW)
    finally:
        smtp.stop()
    assert sent["status"] == "sent" and sent["attempts"] == 2 and sent["recipient"] == "p***@example.com"
    assert again["status"] == "skipped"
    [msg] = smtp.received
    assert msg["To"] == "pemilik@example.com" and "Laporan mingguan" in msg["Subject"]
    pdfs = [p for p in msg.walk() if p.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1 and pdfs[0].get_payload(decode=True).startswith(b"%PDF")
    assert pdfs[0].get_filename().endswith("2026-W42-id.pdf")


def test_outbox_builds_the_report_when_missing_and_is_idempotent(demo, tenants) -> None:
    tenant = tenants["konveksi-rapi-tasik"]
    [sent] = deliver_stage(tenant, settings=demo, week="2026-W41", channel="outbox", now=NOW)
    assert sent["status"] == "sent"
    box = demo.home / "outbox" / tenant.id / "2026-W41"
    assert (box / f"{tenant.id}-2026-W41-id.html").exists()
    [again] = deliver_stage(tenant, settings=demo, week="2026-W41", channel="outbox", now=NOW)
    assert again["status"] == "skipped"
    assert [r[:3] for r in deliveries(demo, tenant.id)] == [("2026-W41", "outbox", "sent")]


def test_unknown_channel(demo, tenants) -> None:
    with pytest.raises(DeliveryError, match="outbox, email or whatsapp"):
        deliver_stage(tenants[TENANT], settings=demo, channel="fax", now=NOW)


def test_a_bad_smtp_port_stops_email_only_saying_so(demo, tenants, monkeypatch) -> None:
    """A typo in GAUNG_SMTP_PORT is refused by e-mail delivery, naming it; settings still load for every other
    step (ingest, scores, reports and the outbox do not need the port)."""
    tenant = tenants[TENANT].model_copy(deep=True)
    tenant.delivery.email = ["pemilik@example.com"]
    fake_report(demo, tenant, "2026-W38")
    monkeypatch.setenv("GAUNG_SMTP_HOST", "smtp.example.com")
    monkeypatch.setenv("GAUNG_SMTP_FROM", "laporan@example.com")
    monkeypatch.setenv("GAUNG_SMTP_PORT", "58 7")
    assert Settings().smtp_port == "58 7"
    with pytest.raises(DeliveryError, match=r"GAUNG_SMTP_PORT must be a port number such as 587 or 465, not '58 7'"):
        deliver_stage(tenant, settings=demo, week="2026-W38", channel="email", now=NOW)
    assert deliver_stage(tenant, settings=demo, week="2026-W38", channel="outbox", now=NOW)
