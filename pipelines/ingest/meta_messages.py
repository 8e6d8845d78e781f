"""Direct messages from Meta's "Download your information": Instagram and Facebook Messenger.

Each conversation is a folder `messages/inbox/<thread>/` holding `message_1.json` (and `message_2.json`...
for long ones): `{participants: [{name}], messages: [{sender_name, timestamp_ms, content?, photos?,
videos?, audio_files?, files?, gifs?, sticker?, share?: {link, share_text}, call_duration?, is_unsent?,
reactions?: [{reaction, actor}]}], title, thread_path}`, newest message first. Newer exports put the
folder under `your_instagram_activity/` or `your_facebook_activity/`. Meta writes each UTF-8 byte as its
own \\u00XX escape: every string is repaired as in the other Meta exports. The platform is Facebook when
the file's path says so, Instagram otherwise.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from pipelines.ingest.base import FormatError, Hints, ParseResult, quarantine_frame
from pipelines.ingest.readers import fix_meta_text, load_json
from pipelines.ingest.schemas import DIRECT_MESSAGES, from_rows
from pipelines.messages import Reason

FORMAT = "meta_messages"
MEDIA_KEYS = ("photos", "videos", "audio_files", "files", "gifs", "sticker")
# Lines Meta writes in place of what happened, in English and Indonesian: not the customer's words.
SYSTEM = re.compile(
    r"^(?:liked a message|menyukai pesan|reacted .{1,8} to your message|memberikan reaksi .{1,8} ke pesan anda"
    r"|.{0,80}\bsent an attachment\.?|.{0,80}\bmengirim lampiran\.?|you sent an attachment\.?"
    r"|.{0,80}\b(?:started|missed) (?:a |an )?(?:video|audio) (?:chat|call)|the video chat ended"
    r"|.{0,80}\bmentioned you in (?:their|his|her) story|.{0,80}\bmenyebut anda di cerita(?:nya)?"
    r"|this message was unsent|pesan ini dibatalkan)$",
    re.IGNORECASE,
)


def _thread_doc(doc) -> dict | None:
    """The conversation object, when the document is one: a dict with a list of messages from senders."""
    if not isinstance(doc, dict) or not isinstance(doc.get("messages"), list):
        return None
    first = next((m for m in doc["messages"] if isinstance(m, dict)), None)
    if first is None:
        return doc if not doc["messages"] and ("participants" in doc or "thread_path" in doc) else None
    return doc if "sender_name" in first and ("timestamp_ms" in first or "timestamp" in first) else None


def sniff(data: bytes, name: str, hints: Hints | None = None) -> float:
    """JSON with a messages list whose entries carry sender_name and timestamp_ms."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \r\n\t")
    if head[:1] != b"{" or b'"messages"' not in data[:1_000_000] or b'"sender_name"' not in data[:1_000_000]:
        return 0.0
    try:
        return 0.9 if _thread_doc(json.loads(data.decode("utf-8-sig", errors="replace"))) is not None else 0.0
    except json.JSONDecodeError:
        return 0.0


def _platform(name: str) -> str:
    path = name.replace("\\", "/").casefold()
    return "facebook" if "facebook" in path or "messenger" in path else "instagram"


def _sent_at(message: dict) -> datetime:
    value = message.get("timestamp_ms")
    scale = 1000
    if value is None:  # some older exports: seconds
        value, scale = message.get("timestamp"), 1
    if isinstance(value, bool) or not isinstance(value, int | float | str) or not re.fullmatch(r"\d{9,13}", str(value).strip()):
        raise ValueError(f"timestamp_ms {value!r} is not a time in milliseconds since 1970")
    return datetime.fromtimestamp(int(str(value).strip()) / scale, tz=UTC).replace(tzinfo=None)


def _row(message: dict, thread: str | None, participants: str | None, platform: str, locator: str) -> dict:
    sender = message.get("sender_name")
    if not isinstance(sender, str) or not sender.strip():
        raise ValueError("message has no sender_name")
    sent_at = _sent_at(message)
    content = message.get("content")
    text = content.strip() if isinstance(content, str) and content.strip() else None
    share = message.get("share") if isinstance(message.get("share"), dict) else {}
    if message.get("is_unsent"):
        kind, text = "unsent", None
    elif message.get("call_duration") is not None or message.get("type") == "Call":
        kind = "call"
    elif (text is not None and SYSTEM.match(text)) or message.get("type") in ("Subscribe", "Unsubscribe"):
        kind = "system"  # "X added Y to the group", "Liked a message"
    elif share:
        kind = "share"
        shared = share.get("share_text")
        text = text or (shared.strip() if isinstance(shared, str) else "") or None
    elif any(message.get(k) for k in MEDIA_KEYS):
        kind = "media"
    elif text is not None:
        kind = "text"
    else:  # nothing left to show (an expired story reply, a removed attachment): kept, but no words
        kind = "system"
    link = share.get("link")
    return {"locator": locator, "source_format": FORMAT, "platform": platform, "thread": thread,
            "participants": participants, "sender": sender.strip(), "from_owner": None, "sent_at_utc": sent_at,
            "kind": kind, "text": text, "share_link": link if isinstance(link, str) and link else None,
            "raw_json": json.dumps(message, ensure_ascii=False)}


def parse(data: bytes, name: str, hints: Hints | None = None) -> ParseResult:
    """One conversation file into raw.direct_messages; unreadable messages go to quarantine."""
    doc = _thread_doc(fix_meta_text(load_json(data)))
    if doc is None:
        raise FormatError.of("file_not_conversation")
    thread = doc.get("thread_path") or doc.get("title")
    thread = str(thread) if thread else None
    platform = _platform(name)
    people = [p["name"].strip() for p in doc.get("participants") or []
              if isinstance(p, dict) and isinstance(p.get("name"), str) and p["name"].strip()]
    participants = json.dumps(people, ensure_ascii=False) if people else None
    rows, quarantine = [], []
    for i, message in enumerate(doc["messages"]):
        locator = f"/messages/{i}"
        try:
            if not isinstance(message, dict):
                raise ValueError("a message must be an object")
            rows.append(_row(message, thread, participants, platform, locator))
        except (ValueError, TypeError, AttributeError) as exc:  # one odd message never costs the others
            quarantine.append((locator, json.dumps(message, ensure_ascii=False)[:10000], Reason("reason_unreadable_message", error=str(exc))))
    frame = from_rows(DIRECT_MESSAGES, rows)
    kinds = frame["kind"].value_counts(sort=True).rows() if rows else []
    return ParseResult(FORMAT, {DIRECT_MESSAGES: frame}, quarantine_frame(quarantine),
                       [f"{len(rows)} {platform} messages" + (f" ({', '.join(f'{n} {k}' for k, n in kinds)})" if kinds else "")])
