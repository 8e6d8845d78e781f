"""Turn detections into alerts the owner actually receives: once per subject until it changes materially, held in
quiet hours, at most a few messages a day, several at once as one digest; recorded in ops.alerts and ops.deliveries.

The CLI (`gaung alerts`) and the Airflow DAG (dags/gaung_alerts.py) both call `alerts_stage`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb

from pipelines.alerts.detect import Detection, detect
from pipelines.alerts.messages import digest, message
from pipelines.settings import Settings
from pipelines.tenants import Tenant
from warehouse.connection import fetch_value

# Kinds that alert again when their figure grows by the material-change factor; a question is asked once.
REPEATABLE = {"viral_post", "complaint_surge", "review_surge", "rating_surge", "product_idea", "campaign_mentions"}
# Order inside a digest: what costs customers first.
PRIORITY = ["complaint_surge", "rating_surge", "review_surge", "unanswered_question", "viral_post", "campaign_mentions",
            "product_idea"]


@dataclass
class AlertRun:
    """What one run found, which alerts were new, and what was sent or held."""

    tenant_id: str
    now: datetime
    found: list[Detection] = field(default_factory=list)
    new: list[dict] = field(default_factory=list)       # alert rows first seen in this run
    sent: list[dict] = field(default_factory=list)      # messages sent: key, channels, alert ids, text
    held: list[str] = field(default_factory=list)       # alert ids held (quiet hours or the daily cap)
    reason: str | None = None                           # why nothing went out: 'quiet_hours', 'daily_cap', ...
    errors: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        """JSON-able (for XCom and --json)."""
        return {"tenant": self.tenant_id, "now": self.now.isoformat(), "found": len(self.found),
                "new": [{"kind": a["kind"], "subject": a["subject"], "figure": a["figure"]} for a in self.new],
                "sent": [{"key": s["key"], "channels": s["channels"], "alerts": len(s["alert_ids"])} for s in self.sent],
                "held": len(self.held), "reason": self.reason, "errors": self.errors}


def is_new_episode(prev: tuple | None, d: Detection, now: datetime, tenant: Tenant) -> bool:
    """Whether a detection deserves a new alert, given the subject's latest alert (figure, last_seen_at) or None."""
    if prev is None:
        return True
    figure, last_seen = prev
    if now - last_seen > timedelta(hours=tenant.alerts.cooldown_hours):
        return True
    return d.kind in REPEATABLE and d.figure >= figure * tenant.alerts.material_change


def _alert_id(tenant_id: str, d: Detection, now: datetime) -> str:
    return hashlib.sha256(f"{tenant_id}|{d.kind}|{d.subject}|{now.isoformat()}".encode()).hexdigest()[:20]


def record(con: duckdb.DuckDBPyConnection, tenant: Tenant, found: list[Detection], now: datetime, *,
           write: bool = True) -> list[dict]:
    """Write new alert episodes to ops.alerts (and refresh when known ones were last seen); returns the new rows."""
    tz = ZoneInfo(tenant.timezone)
    local = now.astimezone(tz)
    new = []
    for d in found:
        prev = con.execute("""select figure, last_seen_at from ops.alerts where tenant_id = ? and kind = ? and subject = ?
                              order by first_seen_at desc limit 1""", [tenant.id, d.kind, d.subject]).fetchall()
        if not is_new_episode(prev[0] if prev else None, d, now, tenant):
            if write:
                con.execute("""update ops.alerts set last_seen_at = greatest(last_seen_at, ?)
                               where tenant_id = ? and kind = ? and subject = ? and first_seen_at = (
                                   select max(first_seen_at) from ops.alerts where tenant_id = ? and kind = ? and subject = ?)""",
                            [now, tenant.id, d.kind, d.subject, tenant.id, d.kind, d.subject])
            continue
        row = {"tenant_id": tenant.id, "alert_id": _alert_id(tenant.id, d, now), "kind": d.kind, "subject": d.subject,
               "figure": d.figure, "baseline": d.baseline, "first_seen_at": now, "last_seen_at": now,
               "local_date": local.date(), "link": d.link, "message_id": message(d, "id", local.weekday()),
               "message_en": message(d, "en", local.weekday()), "status": "pending"}
        new.append(row)
        if write:
            con.execute("""insert into ops.alerts (tenant_id, alert_id, kind, subject, figure, baseline, first_seen_at,
                                                   last_seen_at, local_date, link, message_id, message_en, status)
                           values ($tenant_id, $alert_id, $kind, $subject, $figure, $baseline, $first_seen_at,
                                   $last_seen_at, $local_date, $link, $message_id, $message_en, $status)
                           on conflict do nothing""", row)
    return new


def _outgoing(con: duckdb.DuckDBPyConnection, tenant: Tenant) -> list[tuple]:
    rows = con.execute("""select alert_id, kind, message_id, message_en, status from ops.alerts
                          where tenant_id = ? and (status in ('pending', 'held') or (status = 'failed' and attempts < ?))
                          order by first_seen_at, alert_id""", [tenant.id, tenant.alerts.max_attempts]).fetchall()
    return sorted(rows, key=lambda r: PRIORITY.index(r[1]) if r[1] in PRIORITY else len(PRIORITY))


def messages_sent_today(con: duckdb.DuckDBPyConnection, tenant: Tenant, now: datetime) -> int:
    """Alert messages (a digest counts once) sent on the tenant's local day of `now`."""
    return fetch_value(con, """select count(distinct week) from ops.deliveries
                               where tenant_id = ? and kind = 'alert' and status = 'sent'
                                 and cast(timezone(?, delivered_at) as date) = ?""",
                       [tenant.id, tenant.timezone, now.astimezone(ZoneInfo(tenant.timezone)).date()]) or 0


def ensure_mart(con: duckdb.DuckDBPyConnection) -> None:
    """marts.fct_alerts, the SQL model over ops.alerts, as a view (always current; it holds no data of its own)."""
    from warehouse.build import materialise

    con.execute("create schema if not exists marts")
    materialise(con, "marts", "fct_alerts")


def alerts_stage(tenant: Tenant, *, settings: Settings, now: datetime, dry_run: bool = False,
                 channels: list[str] | None = None) -> AlertRun:
    """Detect, record and send a tenant's alerts as of `now` (timezone-aware). A dry run writes and sends nothing."""
    from pipelines.report.deliver import DeliveryError, send_text

    run = AlertRun(tenant.id, now)
    conf = tenant.alerts
    if not conf.enabled:
        run.reason = "disabled"
        return run
    path = settings.warehouse_path(tenant.id)
    if not path.exists():
        run.reason = "no_warehouse"
        return run
    with settings.open_warehouse(tenant.id) as con:
        if not dry_run:
            ensure_mart(con)
        run.found = detect(con, tenant, now)
        con.execute("begin transaction")
        try:
            run.new = record(con, tenant, run.found, now, write=not dry_run)
            if not dry_run:
                # a question answered while its alert waited (quiet hours, the cap) is no longer news
                waiting = [d.subject for d in run.found if d.kind == "unanswered_question"]
                con.execute("""update ops.alerts set status = 'resolved' where tenant_id = ? and kind = 'unanswered_question'
                               and status in ('pending', 'held', 'failed') and not list_contains(?, subject)""",
                            [tenant.id, waiting])
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        if dry_run:
            run.reason = "dry_run"
            return run
        outgoing = _outgoing(con, tenant)
        if not outgoing:
            return run
        local = now.astimezone(ZoneInfo(tenant.timezone))
        if conf.is_quiet(local.time()) or messages_sent_today(con, tenant, now) >= conf.daily_cap:
            run.reason = "quiet_hours" if conf.is_quiet(local.time()) else "daily_cap"
            run.held = [r[0] for r in outgoing]
            con.execute("update ops.alerts set status = 'held' where tenant_id = ? and status = 'pending'", [tenant.id])
            return run
    lang = tenant.language
    texts = [r[2] if lang == "id" else r[3] for r in outgoing]
    shown = texts[: conf.max_in_digest]
    if len(texts) == 1:
        text = texts[0]
        subject = f"Gaung · {tenant.name}: {texts[0].splitlines()[0]}"
    else:
        text = digest(tenant.name, shown, len(texts) - len(shown), lang)
        subject = text.splitlines()[0]
    ids = [r[0] for r in outgoing]
    key = f"alert-{now.astimezone(ZoneInfo('UTC')):%Y%m%dT%H%M%S}-{hashlib.sha256('|'.join(ids).encode()).hexdigest()[:8]}"
    targets = channels or conf.channels or list(tenant.delivery.channels)
    delivered = []
    for channel in targets:
        try:
            send_text(settings, tenant, channel, key, text, subject, now)
            delivered.append(channel)
        except DeliveryError as exc:
            run.errors.append(str(exc))
    with settings.open_warehouse(tenant.id) as con:
        con.execute("begin transaction")
        if delivered:
            con.execute("""update ops.alerts set status = 'sent', sent_at = ?, delivery_key = ?, attempts = attempts + 1
                           where tenant_id = ? and list_contains(?, alert_id)""", [now, key, tenant.id, ids])
            run.sent.append({"key": key, "channels": delivered, "alert_ids": ids, "text": text})
        else:
            con.execute("""update ops.alerts set status = 'failed', attempts = attempts + 1, delivery_key = ?
                           where tenant_id = ? and list_contains(?, alert_id)""", [key, tenant.id, ids])
            run.reason = "failed"
        con.execute("commit")
    return run


def replay(tenant: Tenant, *, settings: Settings, moments: list[datetime]) -> list[AlertRun]:
    """alerts_stage at each moment in order, as if it had run then (the demo and the benchmark)."""
    return [alerts_stage(tenant, settings=settings, now=m) for m in moments]


def parse_moment(text: str, timezone: str) -> datetime:
    """'2026-11-24T09:00' (the tenant's local time) or with a zone ('...+07:00', '...Z') as an aware moment."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        # The CLI says it in the user's language (i18n 'bad_now').
        raise ValueError(f"--now {text!r} is no date and time: write it as 2026-11-24T09:00 or 2026-11-24T02:00Z") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(timezone))


def alerts_tenant(tenant_id: str, *, settings: Settings, now: datetime) -> dict:
    """alerts_stage for one tenant by id, returning the JSON-able summary (the DAG's task)."""
    from pipelines.orchestration import tenant as load_tenant

    return alerts_stage(load_tenant(settings, tenant_id), settings=settings, now=now).summary()
