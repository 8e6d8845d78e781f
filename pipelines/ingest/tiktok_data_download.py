"""TikTok "Download your data" JSON (user_data_tiktok.json, older user_data.json): own posts, own comments
and direct messages (Direct Message › Direct Messages › ChatHistory › "Chat History with <user>:" lists of
{Date, From, Content}).

The layout moved in 2024, 2025 and 2026 (posts under Post.Posts.VideoList, Video.Videos.VideoList or
Activity...), key case is mixed and empty sections are null, [] or "N/A": lists are found by key,
case-insensitively, wherever they sit. Dates are UTC ("2025-08-06 19:08:26"); likes are strings.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from pipelines.ingest.base import FormatError, Hints, ParseResult, quarantine_frame
from pipelines.ingest.readers import load_json
from pipelines.ingest.schemas import COMMENTS, CONTENT, DIRECT_MESSAGES, from_rows
from pipelines.messages import Reason

FORMAT = "tiktok_data_download"
_SNIFF = re.compile(rb'"(?:[Vv]ideo[Ll]ist|[Cc]omments?[Ll]ist|[Ff]avorite[Vv]ideo[Ll]ist|[Cc]hat[Hh]istory)"\s*:')
_CHAT_WITH = re.compile(r"^chat history with (.+?):?$")
_URL = re.compile(r"^https?://\S+$")
# A post's page (tiktok.com/@user/video/<id>, tiktokv.com/share/video/<id>/); a signed CDN download
# link (video-*.tiktokv.us/storage/v1/...?x-tos-expires=...) carries no id.
_VIDEO_ID = re.compile(r"^https?://[^/?#]*tiktok[^/?#]*/(?:[^?#]*/)?video/(\d+)")
_EMPTY = (None, "", "N/A", "n/a", [], {})
_MAX_COUNT = 2**63 - 1  # the warehouse stores counts as BIGINT


def sniff(data: bytes, name: str, hints: Hints | None = None) -> float:
    """Confidence that this is a TikTok data download: JSON with a VideoList or CommentsList."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \r\n\t")
    return 0.9 if head[:1] == b"{" and _SNIFF.search(data) else 0.0


def _lower(obj):
    if isinstance(obj, dict):
        return {str(k).strip().lower(): _lower(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_lower(v) for v in obj]
    return obj


# Sections whose video lists hold other people's videos: watch and browsing history (Activity ›
# Video Browsing History, Your Activity › Watch History), liked, favourite, reposted and shared videos.
# (Some layouts keep the user's own posts under Activity too, so Activity alone says nothing.)
_NOT_OWN = re.compile(r"(?i)history|browsing|watch|favorite|favourite|like|repost|share")


def _find_lists(obj, key: str, path: str = "") -> list[tuple[str, list]]:
    """Every list stored under `key` (lower-case) anywhere in the document, with its JSON pointer."""
    found = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            here = f"{path}/{k}"
            if k == key and isinstance(v, list):
                found.append((here, v))
            elif isinstance(v, dict | list):
                found.extend(_find_lists(v, key, here))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            if isinstance(v, dict | list):
                found.extend(_find_lists(v, key, f"{path}/{i}"))
    return found


def _when(value) -> datetime | None:
    if value in _EMPTY:
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC).replace(tzinfo=None)
    text = str(value).strip()
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S UTC", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValueError(f"date {text!r} is not like '2025-08-06 19:08:26'")


def _count(value) -> int | None:
    if value in _EMPTY:
        return None
    text = str(value).replace(",", "").replace(".", "").strip()
    if not re.fullmatch(r"-?\d+", text):
        raise ValueError(f"count {value!r} is not a number")
    count = int(text)
    if not -_MAX_COUNT <= count <= _MAX_COUNT:
        raise ValueError(f"count {value!r} is too large to be a real count")
    return count


def _text(value) -> str | None:
    return None if value in _EMPTY else str(value)


def _account(doc: dict) -> str | None:
    profile = doc.get("profile")
    if isinstance(profile, dict):
        for section in profile.values():
            if isinstance(section, dict):
                inner = section.get("profilemap", section)
                if isinstance(inner, dict) and inner.get("username") not in _EMPTY:
                    return str(inner["username"]).lstrip("@")
    return None


def _shows(item: dict) -> str:
    """What a post shows, as stable across exports as the file allows: the cover image's and sound's
    path without host or signed query string (both change between exports), and the title."""
    parts = []
    for key in ("coverimage", "cover", "sound", "title"):
        value = _text(item.get(key))
        if value is not None:
            value = value.strip()
            parts.append(urlsplit(value).path if _URL.match(value) else value)
    return "|".join(parts)


def _time_keys(posts: list[dict]) -> None:
    """Posts whose link carries no video id (signed CDN links of 2025-2026 exports) are known by their
    posting second, unique per account: native_id 'dyi:<unix seconds>', as Instagram data downloads are.
    Staging matches such a post to the same post from a source with ids by account and posting second.
    Two different posts of one file in the same second (never seen) are told apart by what they show."""
    timed = [p for p in posts if p["native_id"] is None]
    seconds: dict[int, set[str]] = {}
    for post in timed:
        post["_second"] = int(post["posted_at_utc"].replace(tzinfo=UTC).timestamp())
        seconds.setdefault(post["_second"], set()).add(post["_shows"])
    for post in timed:
        key = f"dyi:{post['_second']}"
        if len(seconds[post["_second"]]) > 1:
            key += ":" + hashlib.sha256(post["_shows"].encode()).hexdigest()[:10]
        post["native_id"] = key
    for post in posts:
        post.pop("_shows", None)
        post.pop("_second", None)


def _read_items(lists: list[tuple[str, list]], kind: str, not_object: str, read: Callable[[dict, str], dict],
                quarantine: list, errors: tuple[type[Exception], ...] = (ValueError, TypeError)) -> list[dict]:
    """Rows read from JSON lists of (pointer, items); an item that is no object, or that `read` refuses with
    one of `errors`, is quarantined with its pointer and the reason reason_unreadable_<kind>."""
    rows = []
    for pointer, items in lists:
        for i, item in enumerate(items):
            loc = f"{pointer}/{i}"
            try:
                if not isinstance(item, dict):
                    raise ValueError(not_object)
                rows.append(read(item, loc))
            except errors as exc:
                quarantine.append((loc, json.dumps(item, ensure_ascii=False)[:10000],
                                   Reason(f"reason_unreadable_{kind}", error=str(exc))))
    return rows


def _post(item: dict, loc: str, account: str | None, export_date) -> dict:
    link = _text(item.get("link") or item.get("videolink"))
    posted = _when(item.get("date"))
    native = _VIDEO_ID.search(link or "")
    if not native and posted is None:
        raise ValueError("the post has neither a video link with an id (…/video/<id>) nor a Date to know it by")
    return {
        "locator": loc, "source_format": FORMAT, "platform": "tiktok",
        "native_id": native.group(1) if native else None, "url": link.split("?")[0] if native else None,
        "account": account, "title": _text(item.get("title") or item.get("desc")),
        "post_type": "video", "posted_at_utc": posted, "observed_on": export_date,
        "likes": _count(item.get("likes")), "sound": _text(item.get("sound")),
        "raw_json": json.dumps(item, ensure_ascii=False), "_shows": _shows(item),
    }


def _comment(item: dict, loc: str, account: str | None) -> dict:
    text = _text(item.get("comment") or item.get("comments"))
    if text is None:
        raise ValueError("the comment has no text")
    return {
        "locator": loc, "source_format": FORMAT, "platform": "tiktok", "content_url": _text(item.get("url")),
        "author": account, "is_own": True, "text": text, "created_at_utc": _when(item.get("date")),
        "raw_json": json.dumps(item, ensure_ascii=False),
    }


def _message(item: dict, loc: str, account: str | None, other: str | None, key: str) -> dict:
    """A direct message: each chat is with one person, so a message not from them is the owner's."""
    sender = _text(item.get("from"))
    if sender is None:
        raise ValueError("the message has no sender (From)")
    sent_at = _when(item.get("date"))
    if sent_at is None:
        raise ValueError("the message has no date")
    content = (_text(item.get("content")) or "").strip()
    share = content if _URL.match(content) else None
    name = sender.strip().lstrip("@").lower()
    owner = (name == account.lower()) if account else (name != other if other else None)
    return {
        "locator": loc, "source_format": FORMAT, "platform": "tiktok", "thread": f"tiktok:{other or key}",
        "participants": json.dumps([p for p in (other, account) if p], ensure_ascii=False),
        "sender": sender.strip(), "from_owner": owner, "sent_at_utc": sent_at,
        "kind": "share" if share else ("text" if content else "media"),
        "text": None if share or not content else content, "share_link": share,
        "raw_json": json.dumps(item, ensure_ascii=False),
    }


def parse(data: bytes, name: str, hints: Hints | None = None) -> ParseResult:
    """Own posts (with likes as of the export) and own comments."""
    doc = load_json(data)
    if not isinstance(doc, dict):
        raise FormatError.of("file_tiktok_download_json")
    doc = _lower(doc)
    account = _account(doc)
    export_date = hints.export_date if hints else None
    quarantine: list = []
    own = [(pointer, items) for pointer, items in _find_lists(doc, "videolist")
           if not _NOT_OWN.search(pointer)]  # watched, liked, saved or reposted videos are other people's posts
    # OverflowError, OSError: an epoch out of range
    posts = _read_items(own, "post", "a video must be an object", lambda item, loc: _post(item, loc, account, export_date),
                        quarantine, (ValueError, TypeError, OverflowError, OSError))
    comments = _read_items(_find_lists(doc, "commentslist") + _find_lists(doc, "commentlist"), "comment",
                           "a comment must be an object", lambda item, loc: _comment(item, loc, account), quarantine)
    _time_keys(posts)
    messages = _messages(doc, account, quarantine)
    tables = {CONTENT: from_rows(CONTENT, posts), COMMENTS: from_rows(COMMENTS, comments)}
    if messages:
        tables[DIRECT_MESSAGES] = from_rows(DIRECT_MESSAGES, messages)
    return ParseResult(FORMAT, tables, quarantine_frame(quarantine),
                       [f"{len(posts)} posts, {len(comments)} comments, {len(messages)} direct messages"])


def _chats(obj, path: str = "") -> list[tuple[str, dict]]:
    """Every ChatHistory object (keys lower-cased) with its JSON pointer."""
    found = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "chathistory" and isinstance(v, dict):
                found.append((f"{path}/{k}", v))
            elif isinstance(v, dict):
                found.extend(_chats(v, f"{path}/{k}"))
    return found


def _messages(doc: dict, account: str | None, quarantine: list) -> list[dict]:
    """Direct messages: each chat is with one person, so a message not from them is the owner's."""
    rows = []
    for pointer, chats in _chats(doc):
        for key, items in chats.items():
            if not isinstance(items, list):
                continue
            match = _CHAT_WITH.match(key.strip())
            other = match.group(1).strip().lstrip("@") if match else None
            rows += _read_items([(f"{pointer}/{key}", items)], "message", "a message must be an object",
                                lambda item, loc, key=key, other=other: _message(item, loc, account, other, key), quarantine)
    return rows
