"""WhatsApp Business Cloud API webhook payloads: one JSON payload, an array of them, or NDJSON.

Messages of every type land in raw.whatsapp_cloud_messages with their JSON kept whole; statuses
(sent, delivered, read, failed) land in raw.whatsapp_cloud_statuses. A payload or message that
cannot be read is quarantined with its JSON pointer; the rest of the file still loads.
"""

from __future__ import annotations

import json
import re
from typing import Any

import polars as pl

from pipelines.ingest.base import FormatError, Hints, ParseResult, decode_text, quarantine_frame
from pipelines.messages import Reason

FORMAT = "whatsapp_cloud_api"
MESSAGES = "raw.whatsapp_cloud_messages"
STATUSES = "raw.whatsapp_cloud_statuses"

MEDIA_TYPES = ("image", "video", "audio", "document", "sticker")

MESSAGE_SCHEMA = {
    "locator": pl.String, "waba_id": pl.String, "phone_number_id": pl.String, "display_phone_number": pl.String,
    "message_id": pl.String, "from_wa_id": pl.String, "profile_name": pl.String, "sent_epoch": pl.Int64,
    "message_type": pl.String, "text_body": pl.String, "caption": pl.String, "media_id": pl.String,
    "media_mime_type": pl.String, "media_filename": pl.String, "reaction_message_id": pl.String,
    "reaction_emoji": pl.String, "context_message_id": pl.String, "context_from": pl.String,
    "is_forwarded": pl.Boolean, "is_frequently_forwarded": pl.Boolean, "edit_original_id": pl.String,
    "revoke_original_id": pl.String, "interactive_id": pl.String, "interactive_title": pl.String,
    "order_json": pl.String, "referral_json": pl.String, "location_json": pl.String, "system_json": pl.String,
    "errors_json": pl.String, "message_json": pl.String,
}
STATUS_SCHEMA = {
    "locator": pl.String, "phone_number_id": pl.String, "message_id": pl.String, "status": pl.String,
    "status_epoch": pl.Int64, "recipient_id": pl.String, "conversation_id": pl.String,
    "pricing_category": pl.String, "errors_json": pl.String, "status_json": pl.String,
}


def sniff(data: bytes, name: str, hints: Hints | None = None) -> float:
    """Confidence that this is a Cloud API webhook file: JSON naming the WhatsApp business account."""
    text = decode_text(data[:65536]).lstrip()
    if text[:1] not in ("{", "["):
        return 0.0
    if '"whatsapp_business_account"' in text or re.search(r'"messaging_product"\s*:\s*"whatsapp"', text):
        return 0.95
    return 0.0


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _epoch(value: Any) -> int:
    if isinstance(value, bool) or value is None:
        raise ValueError(f"timestamp {value!r} is not epoch seconds")
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\d{9,11}", value.strip()):
        return int(value.strip())
    raise ValueError(f"timestamp {value!r} is not epoch seconds")


def _message_row(msg: dict, payload_ctx: dict, locator: str) -> dict:
    if not isinstance(msg, dict):
        raise ValueError("a message must be a JSON object")
    mtype = msg.get("type")
    if not isinstance(mtype, str) or not mtype:
        raise ValueError("message has no 'type'")
    message_id = msg.get("id")
    if not isinstance(message_id, str) or not message_id:
        raise ValueError("message has no 'id'")
    body = msg.get(mtype) if isinstance(msg.get(mtype), dict) else {}
    # An edit carries the new message inside; read its text and caption from there.
    inner = body.get("message", {}) if mtype == "edit" and isinstance(body.get("message"), dict) else {}
    inner_type = inner.get("type")
    inner_body = inner.get(inner_type, {}) if isinstance(inner.get(inner_type), dict) else {}
    media = body if mtype in MEDIA_TYPES else (inner_body if inner_type in MEDIA_TYPES else {})
    ctx = msg.get("context") if isinstance(msg.get("context"), dict) else {}
    interactive = body.get(body.get("type", ""), {}) if mtype == "interactive" else {}
    contacts = payload_ctx["contacts"]
    sender = msg.get("from")
    text_body = (
        body.get("body") if mtype == "text"
        else inner_body.get("body") if inner_type == "text"
        else body.get("text") if mtype in ("button", "order")
        else body.get("body") if mtype == "system"
        else None
    )
    return {
        "locator": locator,
        "waba_id": payload_ctx["waba_id"],
        "phone_number_id": payload_ctx["phone_number_id"],
        "display_phone_number": payload_ctx["display_phone_number"],
        "message_id": message_id,
        "from_wa_id": None if sender is None else str(sender),
        "profile_name": contacts.get(str(sender)) if sender is not None else None,
        "sent_epoch": _epoch(msg.get("timestamp")),
        "message_type": mtype,
        "text_body": text_body if isinstance(text_body, str) else None,
        "caption": media.get("caption"),
        "media_id": None if media.get("id") is None else str(media.get("id")),
        "media_mime_type": media.get("mime_type"),
        "media_filename": media.get("filename"),
        "reaction_message_id": body.get("message_id") if mtype == "reaction" else None,
        "reaction_emoji": (body.get("emoji") or None) if mtype == "reaction" else None,
        "context_message_id": ctx.get("id"),
        "context_from": None if ctx.get("from") is None else str(ctx.get("from")),
        "is_forwarded": bool(ctx.get("forwarded") or ctx.get("frequently_forwarded")),
        "is_frequently_forwarded": bool(ctx.get("frequently_forwarded")),
        "edit_original_id": body.get("original_message_id") if mtype == "edit" else None,
        "revoke_original_id": body.get("original_message_id") if mtype == "revoke" else None,
        "interactive_id": (interactive or {}).get("id") if mtype == "interactive" else body.get("payload") if mtype == "button" else None,
        "interactive_title": (interactive or {}).get("title") if mtype == "interactive" else None,
        "order_json": _dump(body) if mtype == "order" else None,
        "referral_json": _dump(msg.get("referral")),
        "location_json": _dump(body) if mtype == "location" else None,
        "system_json": _dump(body) if mtype == "system" else None,
        "errors_json": _dump(msg.get("errors")),
        "message_json": _dump(msg),
    }


def _status_row(st: dict, payload_ctx: dict, locator: str) -> dict:
    if not isinstance(st, dict) or not st.get("id") or not st.get("status"):
        raise ValueError("a status needs 'id' and 'status'")
    conv = st.get("conversation") if isinstance(st.get("conversation"), dict) else {}
    pricing = st.get("pricing") if isinstance(st.get("pricing"), dict) else {}
    return {
        "locator": locator,
        "phone_number_id": payload_ctx["phone_number_id"],
        "message_id": str(st["id"]),
        "status": str(st["status"]),
        "status_epoch": _epoch(st.get("timestamp")),
        "recipient_id": None if st.get("recipient_id") is None else str(st.get("recipient_id")),
        "conversation_id": conv.get("id"),
        "pricing_category": pricing.get("category"),
        "errors_json": _dump(st.get("errors")),
        "status_json": _dump(st),
    }


def _payloads(text: str) -> tuple[list[tuple[str, Any]], list[tuple[str, str, Reason]]]:
    """(prefix, payload) pairs from one JSON document, an array, or NDJSON; bad lines as quarantine rows."""
    try:
        doc = json.loads(text)
        if isinstance(doc, list):
            return [(f"payload {i}", p) for i, p in enumerate(doc)], []
        return [("payload 0", doc)], []
    except json.JSONDecodeError:
        pass
    payloads, bad = [], []
    for no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            payloads.append((f"line {no}", json.loads(line)))
        except json.JSONDecodeError as exc:
            bad.append((f"line {no}", line[:10000], Reason("reason_line_not_json", error=exc.msg, column=exc.colno)))
    if not payloads:
        raise FormatError.of("file_cloud_not_json")
    return payloads, bad


def parse(data: bytes, name: str, hints: Hints | None = None) -> ParseResult:
    """Parse webhook payloads into message and status rows."""
    payloads, quarantine = _payloads(decode_text(data))
    messages, statuses, skipped = [], [], 0
    for prefix, payload in payloads:
        values: list[tuple[str, Any, Any]] = []
        if isinstance(payload, dict) and isinstance(payload.get("entry"), list):
            if payload.get("object") not in (None, "whatsapp_business_account"):
                quarantine.append((prefix, _dump(payload)[:10000], Reason("reason_not_business_account", object=payload.get("object"))))
                continue
            for ei, entry in enumerate(payload["entry"]):
                changes = entry.get("changes") if isinstance(entry, dict) else None
                if not isinstance(changes, list):
                    quarantine.append((f"{prefix}: /entry/{ei}", _dump(entry)[:10000], Reason("reason_entry_no_changes")))
                    continue
                for ci, change in enumerate(changes):
                    if not isinstance(change, dict) or change.get("field", "messages") != "messages":
                        skipped += 1
                        continue
                    values.append((f"{prefix}: /entry/{ei}/changes/{ci}/value", entry.get("id"), change.get("value")))
        elif isinstance(payload, dict) and payload.get("messaging_product") == "whatsapp":
            values.append((f"{prefix}: /", None, payload))  # a bare 'value' object
        else:
            quarantine.append((prefix, (_dump(payload) or "")[:10000],
                               Reason("reason_not_cloud_payload")))
            continue
        for where, waba_id, value in values:
            if not isinstance(value, dict):
                quarantine.append((where, _dump(value), Reason("reason_change_no_value")))
                continue
            meta = value.get("metadata") if isinstance(value.get("metadata"), dict) else {}
            contacts = {
                str(c.get("wa_id")): (c.get("profile") or {}).get("name")
                for c in value.get("contacts") or [] if isinstance(c, dict)
            }
            ctx = {
                "waba_id": None if waba_id is None else str(waba_id),
                "phone_number_id": None if meta.get("phone_number_id") is None else str(meta.get("phone_number_id")),
                "display_phone_number": None if meta.get("display_phone_number") is None else str(meta.get("display_phone_number")),
                "contacts": contacts,
            }
            for key, row_fn, target in (("messages", _message_row, messages), ("statuses", _status_row, statuses)):
                for i, item in enumerate(value.get(key) or []):
                    loc = f"{where}/{key}/{i}"
                    try:
                        target.append(row_fn(item, ctx, loc))
                    except (ValueError, TypeError, AttributeError) as exc:
                        quarantine.append((loc, (_dump(item) or "")[:10000], Reason(f"reason_unreadable_{key[:-1]}", error=str(exc))))
    if not messages and not statuses and not quarantine and not skipped:
        raise FormatError.of("file_cloud_no_payload")
    tables = {
        MESSAGES: pl.DataFrame(messages, schema=MESSAGE_SCHEMA, orient="row"),
        STATUSES: pl.DataFrame(statuses, schema=STATUS_SCHEMA, orient="row"),
    }
    notes = [f"{len(messages)} messages, {len(statuses)} statuses" + (f", {skipped} non-message changes skipped" if skipped else "")]
    return ParseResult(FORMAT, tables, quarantine_frame(quarantine), notes)
