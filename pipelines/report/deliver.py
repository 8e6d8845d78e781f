"""Deliver a weekly report: to the outbox folder, by e-mail (SMTP, PDF attached) or by WhatsApp (Cloud API).

Each (tenant, week, channel) is recorded in ops.deliveries; a week already sent on a channel is not sent again
unless forced. Tokens and passwords come from the environment (or Airflow connections) only, never logged.
"""

from __future__ import annotations

import shutil
import smtplib
import ssl
import time
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from pipelines.connectors.http import ApiClient, ApiError
from pipelines.connectors.io import secret
from pipelines.privacy import mask_label, phone_digits
from pipelines.report.build import report_dir, report_name, report_stage
from pipelines.report.pdf import PdfUnavailable, find_chromium
from pipelines.report.texts import fmt_range, say
from pipelines.report.weeks import Week, resolve_week
from pipelines.settings import Settings, get_settings
from pipelines.tenants import Tenant
from warehouse.connection import fetch_one

CHANNELS = ("outbox", "email", "whatsapp")
# Retries of a delivery call (WhatsApp and SMTP): attempts, and the first backoff in seconds (doubling).
MAX_ATTEMPTS = 5
BACKOFF_SECONDS = 1.0


class DeliveryError(RuntimeError):
    """A delivery failed; the message says which channel, why, and what to set or fix."""


def _mask_email(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def _outbox(settings: Settings, tenant: Tenant, week: Week, files: list[Path]) -> dict:
    target = settings.home / "outbox" / tenant.id / week.label
    target.mkdir(parents=True, exist_ok=True)
    copied = []
    for f in files:
        tmp = target / f".{f.name}.tmp"
        shutil.copyfile(f, tmp)
        tmp.replace(target / f.name)
        copied.append(target / f.name)
    return {"attempts": 1, "artifact_path": str(copied[-1]), "recipient": str(target), "message_id": None}


def _smtp_settings(tenant: Tenant) -> tuple[Settings, list[str]]:
    """The SMTP settings (GAUNG_SMTP_*, read now) and the tenant's addresses, or a DeliveryError saying what to set."""
    conf = get_settings()
    to = tenant.delivery.email
    if not conf.smtp_host or not conf.smtp_from:
        raise DeliveryError("e-mail delivery needs GAUNG_SMTP_HOST and GAUNG_SMTP_FROM (and GAUNG_SMTP_USER with "
                            "GAUNG_SMTP_PASSWORD if the server asks for a login)")
    if not to:
        raise DeliveryError(f"tenant {tenant.id} has no e-mail address: add email = [\"...\"] under "
                            f"[tenants.{tenant.id}.delivery] in tenants.toml")
    if not isinstance(conf.smtp_port, int):
        raise DeliveryError(f"GAUNG_SMTP_PORT must be a port number such as 587 or 465, not {conf.smtp_port!r}")
    if conf.smtp_security not in ("starttls", "ssl", "none"):
        raise DeliveryError(f"GAUNG_SMTP_SECURITY must be starttls, ssl or none, not {conf.smtp_security!r}")
    return conf, to


def _email(tenant: Tenant, week: Week, pdf: Path, html: Path | None, lang: str) -> dict:
    conf, to = _smtp_settings(tenant)
    msg = EmailMessage()
    msg["Subject"] = say("email_subject", lang, tenant=tenant.name, range=fmt_range(week.start, week.end, lang))
    msg["From"] = conf.smtp_from
    msg["To"] = ", ".join(to)
    msg["Message-ID"] = make_msgid(domain="gaung.local")
    msg.set_content(say("email_body", lang, tenant=tenant.name, range=fmt_range(week.start, week.end, lang)))
    msg.add_attachment(pdf.read_bytes(), maintype="application", subtype="pdf", filename=pdf.name)
    if html is not None:
        msg.add_attachment(html.read_bytes(), maintype="text", subtype="html", filename=html.name)
    attempts = _smtp_send(conf, msg, tenant.id)
    return {"attempts": attempts, "artifact_path": str(pdf), "recipient": ", ".join(map(_mask_email, to)),
            "message_id": msg["Message-ID"]}


def _smtp_send(conf: Settings, msg: EmailMessage, tenant_id: str) -> int:
    """Send one message over SMTP, retrying a busy or unreachable server; returns the attempts it took."""
    password = secret("SMTP_PASSWORD", tenant_id, airflow_conn="gaung_smtp") if conf.smtp_user else None
    last = ""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            if conf.smtp_security == "ssl":
                server = smtplib.SMTP_SSL(conf.smtp_host, conf.smtp_port, timeout=30,
                                          context=ssl.create_default_context())
            else:
                server = smtplib.SMTP(conf.smtp_host, conf.smtp_port, timeout=30)
            with server:
                if conf.smtp_security == "starttls":
                    server.starttls(context=ssl.create_default_context())
                if conf.smtp_user:
                    server.login(conf.smtp_user, password or "")
                server.send_message(msg)
            return attempt
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(f"SMTP server {conf.smtp_host} refused the login for {conf.smtp_user} ({exc.smtp_code}); "
                                f"check GAUNG_SMTP_USER and GAUNG_SMTP_PASSWORD") from None
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code < 500:  # 4xx: try again later
                last = f"{exc.smtp_code} {exc.smtp_error!r}"
            else:
                raise DeliveryError(f"SMTP server {conf.smtp_host} refused the message: {exc.smtp_code} "
                                    f"{exc.smtp_error!r}") from None
        except (OSError, smtplib.SMTPServerDisconnected) as exc:
            last = f"{type(exc).__name__}: {exc}"
        time.sleep(min(60.0, BACKOFF_SECONDS * 2 ** (attempt - 1)))
    raise DeliveryError(f"SMTP server {conf.smtp_host}:{conf.smtp_port}: gave up after {MAX_ATTEMPTS} attempts ({last})")


def _whatsapp_target(settings: Settings, tenant: Tenant, purpose: str) -> tuple[str, str, dict, ApiClient]:
    """The owner's number, the sending phone id, the auth header and a Cloud API client for one tenant."""
    number = phone_digits(tenant.delivery.whatsapp_number or "")
    if not number:
        raise DeliveryError(f"tenant {tenant.id} has no WhatsApp number for {purpose}: add whatsapp_number = "
                            f"\"+62 8..\" under [tenants.{tenant.id}.delivery] in tenants.toml")
    suffix = tenant.id.upper().replace("-", "_")
    token = secret("WHATSAPP_TOKEN", tenant.id, airflow_conn="gaung_whatsapp")
    phone_id = secret("WHATSAPP_PHONE_NUMBER_ID", tenant.id)
    client = ApiClient("WhatsApp Cloud API", settings.graph_api_url, max_attempts=MAX_ATTEMPTS, backoff=BACKOFF_SECONDS,
                       token_hint=f"GAUNG_WHATSAPP_TOKEN__{suffix} or GAUNG_WHATSAPP_TOKEN")
    return number, phone_id, {"Authorization": f"Bearer {token}"}, client


def _whatsapp(settings: Settings, tenant: Tenant, week: Week, pdf: Path, lang: str) -> dict:
    number, phone_id, headers, api = _whatsapp_target(settings, tenant, "reports")
    caption = say("wa_caption", lang, tenant=tenant.name, range=fmt_range(week.start, week.end, lang))
    with api as client:
        media = client.request("POST", f"/{phone_id}/media", headers=headers,
                               data={"messaging_product": "whatsapp", "type": "application/pdf"},
                               files={"file": (pdf.name, pdf.read_bytes(), "application/pdf")})
        if not media.get("id"):
            raise DeliveryError(f"WhatsApp Cloud API: the PDF upload returned no media id ({media})")
        sent = client.request("POST", f"/{phone_id}/messages", headers=headers, json={
            "messaging_product": "whatsapp", "recipient_type": "individual", "to": number, "type": "document",
            "document": {"id": media["id"], "filename": pdf.name, "caption": caption}})
        messages = sent.get("messages") or [{}]
        return {"attempts": client.calls, "artifact_path": str(pdf), "recipient": mask_label(number),
                "message_id": messages[0].get("id")}


def _existing(con, tenant_id: str, week: str, channel: str) -> tuple | None:
    return fetch_one(con, "select status, delivered_at, artifact_path, message_id from ops.deliveries"
                          " where tenant_id = ? and week = ? and channel = ?", [tenant_id, week, channel])


def _record(settings: Settings, row: dict) -> None:
    with settings.open_warehouse(row["tenant_id"]) as con:
        con.execute("""
            insert into ops.deliveries (tenant_id, week, channel, status, attempts, delivered_at, artifact_path,
                                        recipient, message_id, error, updated_at, kind)
            values ($tenant_id, $week, $channel, $status, $attempts, $delivered_at, $artifact_path, $recipient,
                    $message_id, $error, $updated_at, coalesce($kind, 'report'))
            on conflict (tenant_id, week, channel) do update set status = excluded.status,
                attempts = ops.deliveries.attempts + excluded.attempts, delivered_at = excluded.delivered_at,
                artifact_path = excluded.artifact_path, recipient = excluded.recipient,
                message_id = excluded.message_id, error = excluded.error, updated_at = excluded.updated_at""",
                    {k: row.get(k) for k in ("tenant_id", "week", "channel", "status", "attempts", "delivered_at",
                                             "artifact_path", "recipient", "message_id", "error", "updated_at",
                                             "kind")})


def deliver_stage(tenant: Tenant, *, settings: Settings, week: str | None = None, channel: str = "outbox",
                  force: bool = False, now: datetime | None = None) -> list[dict]:
    """Send the tenant's weekly report on a channel (outbox, email, whatsapp, or 'configured' for every channel
    in tenants.toml), building it first if missing. Returns one dict per channel with its status ('sent', or
    'skipped' when already sent and not forced); records each in ops.deliveries; raises DeliveryError on failure."""
    now = now or datetime.now(UTC)
    channels = list(tenant.delivery.channels) if channel == "configured" else [channel]
    bad = [c for c in channels if c not in CHANNELS]
    if bad:
        raise DeliveryError(f"unknown delivery channel {bad[0]!r}; use outbox, email or whatsapp")
    the_week = resolve_week(tenant, week, now)
    lang = tenant.language
    with settings.open_warehouse(tenant.id) as con:  # a writer: applies the deliveries migration if needed
        done = {c: _existing(con, tenant.id, the_week.label, c) for c in channels}
    results: list[dict] = []
    todo = []
    for c in channels:
        row = done[c]
        if row and row[0] == "sent" and not force:
            results.append({"tenant_id": tenant.id, "week": the_week.label, "channel": c, "status": "skipped",
                            "delivered_at": row[1], "artifact_path": row[2], "message_id": row[3]})
        else:
            todo.append(c)
    if not todo:
        return results
    folder = report_dir(settings, tenant.id, the_week)
    html = folder / report_name(tenant.id, the_week, lang, "html")
    pdf = folder / report_name(tenant.id, the_week, lang, "pdf")
    needs_pdf = any(c in ("email", "whatsapp") for c in todo)
    if not html.exists() or (not pdf.exists() and (needs_pdf or find_chromium())):
        formats = ("html", "pdf") if needs_pdf or find_chromium() else ("html",)
        try:
            report_stage(tenant, settings=settings, week=the_week.label, lang=lang, formats=formats, now=now)
        except PdfUnavailable as exc:
            raise DeliveryError(f"{', '.join(todo)} delivery sends the PDF: {exc}") from None
    failure: DeliveryError | None = None
    for c in todo:
        row = {"tenant_id": tenant.id, "week": the_week.label, "channel": c, "updated_at": now}
        try:
            if c == "outbox":
                sent = _outbox(settings, tenant, the_week, [p for p in (html, pdf) if p.exists()])
            elif c == "email":
                sent = _email(tenant, the_week, pdf, html if html.exists() else None, lang)
            else:
                sent = _whatsapp(settings, tenant, the_week, pdf, lang)
            row.update(sent, status="sent", delivered_at=now, error=None)
        except (ApiError, DeliveryError) as exc:
            row.update(status="failed", attempts=MAX_ATTEMPTS if "gave up" in str(exc) else 1, error=str(exc)[:500],
                       artifact_path=str(pdf))
            failure = failure or DeliveryError(f"{c}: {exc}")
        _record(settings, row)
        results.append(row)
    if failure:
        raise failure
    return results


def send_text(settings: Settings, tenant: Tenant, channel: str, key: str, text: str, subject: str,
              now: datetime) -> dict:
    """Send a short text (an alert) on one channel and record it in ops.deliveries (kind 'alert', week = key);
    a key already sent is not sent again. Returns the recorded row; raises DeliveryError when it failed."""
    if channel not in CHANNELS:
        raise DeliveryError(f"unknown delivery channel {channel!r}; use outbox, email or whatsapp")
    with settings.open_warehouse(tenant.id) as con:
        done = _existing(con, tenant.id, key, channel)
    if done and done[0] == "sent":
        return {"tenant_id": tenant.id, "week": key, "channel": channel, "status": "skipped", "delivered_at": done[1],
                "message_id": done[3]}
    row = {"tenant_id": tenant.id, "week": key, "channel": channel, "updated_at": now, "kind": "alert"}
    try:
        if channel == "outbox":
            target = settings.home / "outbox" / tenant.id / "alerts"
            target.mkdir(parents=True, exist_ok=True)
            tmp = target / f".{key}.txt.tmp"
            tmp.write_text(f"{subject}\n\n{text}\n", encoding="utf-8")
            tmp.replace(target / f"{key}.txt")
            sent = {"attempts": 1, "artifact_path": str(target / f"{key}.txt"), "recipient": str(target),
                    "message_id": None}
        elif channel == "email":
            conf, to = _smtp_settings(tenant)
            msg = EmailMessage()
            msg["Subject"], msg["From"], msg["To"] = subject, conf.smtp_from, ", ".join(to)
            msg["Message-ID"] = make_msgid(domain="gaung.local")
            msg.set_content(text)
            sent = {"attempts": _smtp_send(conf, msg, tenant.id), "artifact_path": None,
                    "recipient": ", ".join(map(_mask_email, to)), "message_id": msg["Message-ID"]}
        else:
            sent = _whatsapp_text(settings, tenant, text)
        row.update(sent, status="sent", delivered_at=now, error=None)
    except (ApiError, DeliveryError) as exc:
        row.update(status="failed", attempts=MAX_ATTEMPTS if "gave up" in str(exc) else 1, error=str(exc)[:500])
        _record(settings, row)
        raise DeliveryError(f"{channel}: {exc}") from None
    _record(settings, row)
    return row


def _whatsapp_text(settings: Settings, tenant: Tenant, text: str) -> dict:
    number, phone_id, headers, api = _whatsapp_target(settings, tenant, "alerts")
    with api as client:
        sent = client.request("POST", f"/{phone_id}/messages", headers=headers, json={
            "messaging_product": "whatsapp", "recipient_type": "individual", "to": number, "type": "text",
            "text": {"preview_url": True, "body": text[:4096]}})
        messages = sent.get("messages") or [{}]
        return {"attempts": client.calls, "artifact_path": None, "recipient": mask_label(number),
                "message_id": messages[0].get("id")}
