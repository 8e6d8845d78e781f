"""Alerts: each kind fires on planted data and stays quiet on a steady shop; quiet hours, the daily cap,
de-duplication and re-runs; masked quotes; delivery to loopback WhatsApp and SMTP servers, retried and recorded."""

from __future__ import annotations

from datetime import timedelta

import duckdb
import pytest

import pipelines.report.deliver as deliver_mod
from pipelines.alerts.config import KINDS, AlertSettings
from pipelines.alerts.detect import detect
from pipelines.alerts.notify import alerts_stage
from pipelines.alerts.surges import robust_surge
from tests.alerts.conftest import NOW, TENANT, Shop, tenant
from tests.connectors.servers import Running
from tests.report.servers import FakeGraph, SmtpServer
from warehouse.connection import connect


@pytest.fixture
def fast(monkeypatch):
    monkeypatch.setattr(deliver_mod, "BACKOFF_SECONDS", 0.01)


def rows(settings, sql: str) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse_path(TENANT)), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def found(settings, t=None, now=NOW) -> list:
    con = connect(settings.warehouse_path(TENANT))
    try:
        return detect(con, t or tenant(), now)
    finally:
        con.close()


def test_a_steady_shop_raises_no_alert(home) -> None:
    Shop().steady().write(home)
    assert found(home) == []
    # nor on any evening or morning of its last two weeks
    for hours in range(0, 14 * 24, 12):
        assert found(home, now=NOW - timedelta(hours=hours)) == [], hours


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_fires_on_its_planted_event(home, kind: str) -> None:
    Shop().steady().plant({kind}).write(home)
    kinds = {d.kind for d in found(home)}
    # one star reviews with words are negative reviews too: both kinds are planted together
    expected = {"review_surge", "rating_surge"} if kind in ("review_surge", "rating_surge") else {kind}
    assert kinds == expected


def test_complaint_surge_names_the_shared_theme_with_two_masked_quotes(home) -> None:
    Shop().steady().plant({"complaint_surge"}).write(home)
    [d] = found(home)
    assert d.figure == 6 and d.baseline <= 2 and d.facts["theme"] == "botol bocor" and d.facts["shared"] == 6
    assert len(d.facts["quotes"]) == 2
    joined = " ".join(d.facts["quotes"])
    assert "0812-3456-7890" not in joined and "+62 812-****-90" in joined


def test_unanswered_question_is_masked_and_needs_a_business_that_answers_in_that_chat(home) -> None:
    shop = Shop().steady().plant({"unanswered_question"})
    shop.write(home)
    [d] = found(home)
    assert d.kind == "unanswered_question" and d.figure == 6.0
    assert "@budi_s" not in d.facts["quotes"][0] and "@b***" in d.facts["quotes"][0]
    # answered an hour later: nothing to say
    shop.say(NOW - timedelta(hours=5), "biz", "bisa kak", "other", chat="chat-asker")
    shop.messages[-1]["is_from_business"] = True
    shop.write(home)
    assert found(home) == []


def test_product_ideas_follow_idea_groups_when_the_theme_mart_has_them(home) -> None:
    # themes that span intents: the theme holds complaints and two ideas; each idea group counts on its own
    Shop().steady().plant({"product_idea"}).write(home)
    con = connect(home.warehouse_path(TENANT))
    try:
        con.execute("alter table marts.fct_voice_theme add column idea_id varchar")
        con.execute("update marts.fct_voice_theme set theme_id = 'tema-001', idea_id = 'tema-001.2'"
                    " where intent = 'product_idea'")
        con.execute("create table marts.fct_product_ideas as select 'tema-001.2' as idea_id, 'varian pandan' as label")
    finally:
        con.close()
    [d] = found(home)
    assert (d.kind, d.subject, d.figure, d.facts["theme"]) == ("product_idea", "tema-001.2", 6.0, "varian pandan")
    assert d.facts["quotes"] == ["kak tolong bikin varian pandan dong"]


def test_viral_post_links_the_post_and_compares_at_the_same_age(home) -> None:
    Shop().steady().plant({"viral_post"}).write(home)
    [d] = found(home)
    assert d.link.startswith("https://www.tiktok.com/") and d.facts["hours"] == 19.0
    assert d.figure / d.baseline > 3
    # the same post seen five days later is no longer news
    assert found(home, now=NOW + timedelta(days=5)) == []


def test_robust_surge_floor() -> None:
    med, scale, z = robust_surge(3, [0, 0, 0, 0])
    assert (med, scale, z) == (0, 1.0, 3.0)
    assert robust_surge(10, [4, 4, 4, 4])[2] == 3.0  # sqrt(4) = 2 floors a zero MAD


def test_quiet_hours_hold_and_the_morning_sends_one_digest(home) -> None:
    Shop().steady().plant().write(home)
    late_riser = tenant(quiet_start="22:00", quiet_end="10:30")  # NOW is 10:00 in Jakarta
    run = alerts_stage(late_riser, settings=home, now=NOW)
    assert run.reason == "quiet_hours" and run.sent == [] and len(run.held) == 7
    assert rows(home, "select count(*) from ops.deliveries") == [(0,)]
    assert rows(home, "select distinct status from ops.alerts") == [("held",)]
    run = alerts_stage(late_riser, settings=home, now=NOW + timedelta(minutes=45))
    [sent] = run.sent
    assert len(sent["alert_ids"]) == 7 and "7 hal perlu perhatian" in sent["text"] and "lainnya" in sent["text"]
    assert rows(home, "select kind, status, channel from ops.deliveries") == [("alert", "sent", "outbox")]
    assert rows(home, "select count(*) from marts.fct_alerts where status = 'sent'") == [(7,)]
    box = list((home.home / "outbox" / TENANT / "alerts").glob("*.txt"))
    assert len(box) == 1 and "Keluhan naik" in box[0].read_text()


def test_a_question_answered_during_quiet_hours_is_not_sent_in_the_morning(home) -> None:
    shop = Shop().steady().plant({"unanswered_question"})
    shop.write(home)
    late_riser = tenant(quiet_start="22:00", quiet_end="10:30")
    assert alerts_stage(late_riser, settings=home, now=NOW).reason == "quiet_hours"
    shop.say(NOW + timedelta(minutes=5), "biz", "bisa kak", "other", chat="chat-asker")
    shop.messages[-1]["is_from_business"] = True
    shop.write(home)
    run = alerts_stage(late_riser, settings=home, now=NOW + timedelta(minutes=45))
    assert run.sent == [] and rows(home, "select status from marts.fct_alerts") == [("resolved",)]


def test_running_twice_sends_nothing_twice(home) -> None:
    Shop().steady().plant({"complaint_surge"}).write(home)
    first = alerts_stage(tenant(), settings=home, now=NOW)
    again = alerts_stage(tenant(), settings=home, now=NOW)
    later = alerts_stage(tenant(), settings=home, now=NOW + timedelta(hours=2))
    assert len(first.sent) == 1 and again.sent == [] and later.sent == [] and again.new == later.new == []
    assert rows(home, "select count(*) from ops.deliveries") == [(1,)]
    [(text,)] = rows(home, "select message_id from marts.fct_alerts")
    assert text.startswith("⚠️ Keluhan naik\n6 pelanggan mengeluh dalam 24 jam terakhir")
    [(en,)] = rows(home, "select message_en from marts.fct_alerts")
    assert "6 customers complained in the last 24 hours" in en and "botol bocor" in en


def test_a_material_change_alerts_again(home) -> None:
    shop = Shop().steady().plant({"complaint_surge"})
    shop.write(home)
    assert len(alerts_stage(tenant(), settings=home, now=NOW).sent) == 1
    for i in range(8):
        shop.say(NOW + timedelta(minutes=10 + i), f"more{i}", "botol bocor kak", "complaint", sentiment="negative",
                 theme="complaint-01")
    shop.write(home)
    run = alerts_stage(tenant(), settings=home, now=NOW + timedelta(hours=1))
    assert [a["figure"] for a in run.new] == [14.0] and len(run.sent) == 1


def test_the_daily_cap_holds_until_the_next_day(home) -> None:
    shop = Shop().steady().plant({"complaint_surge"})
    shop.write(home)
    capped = tenant(daily_cap=1)
    assert len(alerts_stage(capped, settings=home, now=NOW).sent) == 1
    shop.plant({"unanswered_question"}).write(home)
    run = alerts_stage(capped, settings=home, now=NOW + timedelta(hours=1))
    assert run.reason == "daily_cap" and run.sent == [] and len(run.held) == 1
    next_day = alerts_stage(capped, settings=home, now=NOW + timedelta(days=1))
    assert len(next_day.sent) == 1 and next_day.sent[0]["text"].startswith("⏰ Pertanyaan belum dibalas")


def test_dry_run_writes_and_sends_nothing(home) -> None:
    Shop().steady().plant({"viral_post"}).write(home)
    run = alerts_stage(tenant(), settings=home, now=NOW, dry_run=True)
    assert [a["kind"] for a in run.new] == ["viral_post"] and run.sent == []
    assert rows(home, "select count(*) from ops.alerts") == [(0,)]


def test_whatsapp_retries_a_busy_api_then_a_failed_alert_is_sent_by_the_next_run(home, monkeypatch, fast) -> None:
    Shop().steady().plant({"complaint_surge"}).write(home)
    t = tenant(channels=["whatsapp"])
    graph = FakeGraph(token="good-token")
    server = Running(graph)
    monkeypatch.setattr(home, "graph_api_url", server.url)
    monkeypatch.setenv("GAUNG_WHATSAPP_PHONE_NUMBER_ID", "1234567890")
    try:
        monkeypatch.setenv("GAUNG_WHATSAPP_TOKEN", "expired-token")
        failed = alerts_stage(t, settings=home, now=NOW)
        assert failed.reason == "failed" and "token was refused" in failed.errors[0]
        assert rows(home, "select status, attempts from ops.alerts") == [("failed", 1)]
        monkeypatch.setenv("GAUNG_WHATSAPP_TOKEN", "good-token")
        graph.faults["messages"] = [503, 429]
        retried = alerts_stage(t, settings=home, now=NOW + timedelta(minutes=30))
    finally:
        server.stop()
    assert len(retried.sent) == 1
    [msg] = graph.messages
    assert msg["to"] == "6281346909999" and msg["type"] == "text" and "Keluhan naik" in msg["text"]["body"]
    assert "0812-3456-7890" not in msg["text"]["body"]
    deliveries = rows(home, "select status, attempts, recipient, message_id from ops.deliveries order by updated_at")
    assert [d[0] for d in deliveries] == ["failed", "sent"]
    assert deliveries[1][1] == 3 and deliveries[1][2] == "+62 813-****-99" and deliveries[1][3] == "wamid.1"
    assert rows(home, "select status, attempts from ops.alerts") == [("sent", 2)]


def test_email_digest_over_smtp(home, monkeypatch, fast) -> None:
    Shop().steady().plant({"viral_post", "campaign_mentions"}).write(home)
    smtp = SmtpServer(busy=1)
    monkeypatch.setenv("GAUNG_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("GAUNG_SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("GAUNG_SMTP_FROM", "alert@gaung.test")
    monkeypatch.setenv("GAUNG_SMTP_SECURITY", "none")
    try:
        run = alerts_stage(tenant(channels=["email"]), settings=home, now=NOW)
    finally:
        smtp.stop()
    assert len(run.sent) == 1
    [msg] = smtp.received
    assert msg["To"] == "pemilik@example.com" and "2 hal perlu perhatian" in msg["Subject"]
    body = msg.get_payload(decode=True).decode()
    assert "Unggahan ramai" in body and "https://www.tiktok.com/@tokouji/video/" in body and "PANDAN10" in body
    assert rows(home, "select channel, status, attempts, recipient from ops.deliveries") == [
        ("email", "sent", 2, "p***@example.com")]


def test_settings_validate_in_tenants_toml() -> None:
    assert AlertSettings(quiet_start="22:00", quiet_end="06:00").is_quiet(__import__("datetime").time(23, 30))
    with pytest.raises(ValueError, match="unknown alert kind"):
        AlertSettings(kinds=["viral"])
    with pytest.raises(ValueError):
        AlertSettings(daily_cap=0)
