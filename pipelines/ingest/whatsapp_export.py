"""WhatsApp "Export chat" text (Android and iOS, any UI language seen in the wild), parsed column-wise.

Every line is matched at once with polars regexes; lines without a header continue the message above.
Day/month order is decided per file from all its dates (a field above 12, else the order under which
the messages run forward in time). Local times are kept as written; staging converts them to UTC.
A media message's body starts with its attachment line and any caption follows on the lines below, as Android
writes it; iOS captions, written in front of the file tag, are moved there so staging reads every caption alike.
"""

from __future__ import annotations

import codecs
import re
from pathlib import PurePosixPath

import polars as pl

from pipelines.ingest.base import FormatError, Hints, ParseResult, decode_text, quarantine_frame, utf8_text
from pipelines.ingest.whatsapp_bodies import EDITED, attachment_first, classify_authors, classify_bodies
from pipelines.ingest.whatsapp_times import ERA, timestamps
from pipelines.messages import Reason

FORMAT = "whatsapp_export"
TABLE = "raw.whatsapp_export_messages"

_DATE = rf"(?:(?:{ERA}) ?)?[0-9]{{1,4}}[./\-][0-9]{{1,2}}[./\-][0-9]{{1,4}}"
_AMPM = r"[aApP]\.? ?[mM]\.?|午前|午後"
# The header up to the separator (' - ' on Android, '] ' on iOS); the message follows it. ASCII classes
# and no capture of the rest keep this the cheapest pass over every line (spaces are normalised first).
HEADER = (
    rf"^(?P<head>\[?(?P<date>{_DATE})(?: ?(?:BE|B\.E\.))?,? +(?P<time>[0-9]{{1,2}}[:.][0-9]{{2}}(?:[:.][0-9]{{2}})?)\.?"
    rf"(?: ?(?P<ampm>{_AMPM}))?(?:\] ?| [-–] ))"
)
HEADER_RE = re.compile(HEADER)
# Invisible direction marks and embeddings WhatsApp puts around names and bodies.
_MARKS = "[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\x00]"
_SPACES = "[\u00a0\u202f\u2007\u2009]"


_CHAT_NAME_PATTERNS = [
    r"^WhatsApp Chat (?:with|-|mit|met|avec) (?P<n>.+)$",
    r"^Chat WhatsApp (?:dengan|-|con|com) (?P<n>.+)$",
    r"^Chat de WhatsApp con (?P<n>.+)$",
    r"^Conversa do WhatsApp com (?P<n>.+)$",
    r"^Obrolan WhatsApp dengan (?P<n>.+)$",
]


def chat_name_from_path(path: str) -> str | None:
    """The chat's name from "WhatsApp Chat with NAME.txt", "Chat WhatsApp dengan NAME.txt" or the iOS zip."""
    parts = [p for p in re.split(r"[!/\\]+", path) if p]
    candidates = [PurePosixPath(p).stem if p.lower().endswith((".txt", ".zip")) else p for p in reversed(parts)]
    for stem in candidates:
        stem = re.sub(r"\s*\(\d+\)$", "", stem.strip())
        for pattern in _CHAT_NAME_PATTERNS:
            m = re.match(pattern, stem, flags=re.IGNORECASE)
            if m:
                return m.group("n").strip()
    for stem in candidates:
        if stem and stem != "_chat":
            return re.sub(r"\s*\(\d+\)$", "", stem.strip())
    return None


def sniff(data: bytes, name: str, hints: Hints | None = None) -> float:
    """Confidence that these first bytes are a WhatsApp export: the first lines carry message headers."""
    text = decode_text(data[:65536])
    lines = [re.sub(_MARKS, "", ln).strip() for ln in text.replace("\r", "\n").split("\n")]
    lines = [re.sub(_SPACES, " ", ln) for ln in lines if ln][:60]
    if not lines:
        return 0.0
    hits = [bool(HEADER_RE.match(ln)) for ln in lines]
    if hits[0]:
        return 0.95
    if sum(hits) >= 2 and sum(hits) / len(hits) >= 0.2:
        return 0.7
    return 0.0



_CLEAN = f"{_MARKS}|{_SPACES}"
_NEEDS_CLEAN = re.compile(rb"\xe2\x80[\x8e\x8f\xaa-\xaf\x87\x89]|\xe2\x81[\xa6-\xa9]|\xef\xbb\xbf|\xc2\xa0|\x00")


def _lines(data: bytes) -> tuple[pl.Series, bool]:
    """The file's lines as a String series, read without an intermediate Python str (memory stays low; a
    polars split of the whole text is faster but holds five times the file); whether any line holds a mark
    or a special space to clean (polars looks for them in parallel, a bytes regex over the file takes longer)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or data.startswith(codecs.BOM_UTF8):
        data = decode_text(data).encode("utf-8")
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    parts = data.split(b"\n")
    if parts and parts[-1] == b"":
        parts.pop()
    series = pl.Series("raw", parts, dtype=pl.Binary)
    try:
        lines = series.cast(pl.String)
        return lines, bool(pl.LazyFrame(lines).select(pl.col("raw").str.contains(_CLEAN).any())
                           .collect(engine="streaming").item())
    # Not valid UTF-8 (polars 2 says ComputeError "invalid utf8"; older ones InvalidOperationError): decode
    # line by line, so one stray byte costs a character, not the chat.
    except (pl.exceptions.ComputeError, pl.exceptions.InvalidOperationError):
        return pl.Series("raw", [_decode_line(p) for p in parts], dtype=pl.String), _NEEDS_CLEAN.search(data) is not None


def _decode_line(line: bytes) -> str:
    """One line's text: UTF-8; a line whose only non-ASCII bytes are no UTF-8 at all is read as Windows-1252
    (a Latin-1 'é' typed on an old PC); UTF-8 with a stray byte keeps its text with U+FFFD for that byte."""
    text = utf8_text(line)
    return text if text is not None else line.decode("cp1252", errors="replace")


def _header_lines(data: bytes) -> tuple[pl.DataFrame, bool, bool]:
    """Every line with its header's fields (null on a line that continues a message) and its message's
    number (msg_idx, 0 before the first header); whether the file is from iOS and carries U+200E marks."""
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    raw, needs_clean = _lines(data)
    needs_clean = needs_clean or utf16
    has_lrm = b"\xe2\x80\x8e" in data or utf16
    # Every line on its own: polars' streaming engine runs these on all cores, in the lines' order. Only the new
    # columns go through it (a column passed through would be copied, every text of the chat).
    base = pl.DataFrame(raw).with_row_index("line_no", offset=1)
    clean = pl.col("raw").str.replace_all(_MARKS, "").str.replace_all(_SPACES, " ") if needs_clean else pl.col("raw")
    fields = base.lazy().with_columns(clean=clean).with_columns(
        pl.col("clean").str.extract_groups(HEADER).alias("h"),
        has_lrm=pl.col("raw").str.contains("\u200e", literal=True) if has_lrm else pl.lit(False),
    ).unnest("h").with_columns(
        is_header=pl.col("date").is_not_null(), rest=pl.col("clean").str.slice(pl.col("head").str.len_chars())
    ).select(pl.exclude("line_no", "raw", *([] if needs_clean else ["clean"]))).collect(engine="streaming")
    lines = base.hstack(fields if needs_clean else fields.with_columns(clean=base["raw"]))
    ios = bool((lines.filter(pl.col("is_header"))["head"].str.starts_with("[").mean() or 0) > 0.5)
    lines = lines.drop("head")
    if not lines["is_header"].any():
        raise FormatError.of("file_chat_no_header")
    return lines.with_columns(msg_idx=pl.col("is_header").cum_sum()), ios, has_lrm


def _joined(first: pl.DataFrame, cont: pl.DataFrame) -> pl.DataFrame:
    """Messages with their continuation lines joined to the body (and to raw), edit marks taken off."""
    msgs = first.with_columns(line_end=pl.col("line_no"))
    if cont.height:
        multi = cont.group_by("msg_idx").agg(
            pl.col("clean").str.join("\n").alias("more"), pl.col("line_no").max().alias("line_end"),
            pl.col("raw").str.join("\n").alias("more_raw"),
        )
        # Only the messages with more lines get a new body and raw, set in place (a join, update or when/then
        # over the whole frame would copy every text of the chat); messages are in msg_idx order.
        longer = msgs.select("msg_idx", "body", "raw").join(multi, on="msg_idx").select(
            "msg_idx", "line_end",
            pl.concat_str([pl.col("body").fill_null(""), pl.col("more")], separator="\n").str.strip_chars_end("\n")
            .alias("body"),
            pl.concat_str([pl.col("raw"), pl.col("more_raw")], separator="\n").alias("raw"),
        )
        at = msgs["msg_idx"].search_sorted(longer["msg_idx"])
        msgs = msgs.with_columns(msgs[c].clone().scatter(at, longer[c]) for c in ("line_end", "body", "raw"))
    edited = msgs.select("msg_idx", "body").filter(pl.col("body").str.ends_with(">") & pl.col("body").str.contains(EDITED))
    at = msgs["msg_idx"].search_sorted(edited["msg_idx"])
    return msgs.with_columns(
        pl.repeat(False, msgs.height, dtype=pl.Boolean, eager=True).alias("is_edited").scatter(at, True),
        msgs["body"].clone().scatter(at, edited["body"].str.replace(EDITED, "")),
    )


def _quarantined(bad: pl.DataFrame, orphans: pl.DataFrame, order: str) -> list[tuple[str, str, Reason]]:
    """Messages whose header is no real moment, and text before the first header, with their lines."""
    q = [
        (f"lines {r['line_no']}-{r['line_end']}" if r["line_end"] != r["line_no"] else f"line {r['line_no']}",
         r["raw"], Reason(f"reason_chat_moment_{order}", value=f"{r['date']} {r['time']}"))
        for r in bad.select("line_no", "line_end", "raw", "date", "time").iter_rows(named=True)
    ]
    if orphans.height:
        q.append((
            f"lines {orphans['line_no'].min()}-{orphans['line_no'].max()}",
            "\n".join(orphans["raw"].to_list()),
            Reason("reason_text_before_first_header"),
        ))
    return q


def parse(data: bytes, name: str, hints: Hints | None = None) -> ParseResult:
    """Parse an export into raw.whatsapp_export_messages rows; undated or orphan lines are quarantined."""
    if data[:4096].count(b"\x00") > 16 and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FormatError.of("file_chat_binary")
    lines, ios, has_lrm = _header_lines(data)
    orphans = lines.filter((pl.col("msg_idx") == 0) & (pl.col("clean").str.strip_chars() != "")).select("line_no", "raw")
    cont = lines.filter(~pl.col("is_header") & (pl.col("msg_idx") > 0)).select("msg_idx", "line_no", "clean", "raw")
    heads = lines.filter(pl.col("is_header")).drop("clean", "is_header")
    del lines
    ts, order = timestamps(heads)
    chat_name = chat_name_from_path(name)

    first = heads.select("msg_idx", "line_no", "rest", "has_lrm", "date", "time", "ampm", "raw").with_columns(ts=ts)
    first = classify_bodies(classify_authors(first, chat_name, ios=ios, marked=has_lrm))
    msgs = attachment_first(_joined(first, cont))  # continuation lines join their header's message

    good = msgs.filter(pl.col("ts").is_not_null())
    bad = msgs.filter(pl.col("ts").is_null())
    rows = good.select(
        pl.col("line_no").cast(pl.Int32).alias("line_start"),
        pl.col("line_end").cast(pl.Int32),
        pl.lit(chat_name, dtype=pl.String).alias("chat_name"),
        pl.col("date").alias("header_date"),
        pl.concat_str([pl.col("time"), pl.col("ampm")], separator=" ", ignore_nulls=True).alias("header_time"),
        pl.col("ts").alias("sent_at_local"),
        pl.lit(order).alias("date_order"),
        "author", "body", "message_kind", "system_kind", "media_kind", "media_file", "is_edited",
    )
    notes = [f"chat '{chat_name}', {rows.height} messages, dates read as {order}"]
    return ParseResult(FORMAT, {TABLE: rows}, quarantine_frame(_quarantined(bad, orphans, order)), notes)
