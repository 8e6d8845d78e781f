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

from pipelines.ingest.base import FormatError, Hints, ParseResult, decode_text, quarantine_frame
from pipelines.messages import Reason

FORMAT = "whatsapp_export"
TABLE = "raw.whatsapp_export_messages"

_ERA = r"[MTSHR]|明治|大正|昭和|平成|令和"
_DATE = rf"(?:(?:{_ERA}) ?)?[0-9]{{1,4}}[./\-][0-9]{{1,2}}[./\-][0-9]{{1,4}}"
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

# (kind, regex on the text after the header) for lines with no "Name: " author.
SYSTEM_KINDS: list[tuple[str, str]] = [
    ("encryption", r"(?i)^(?:pesan dan panggilan (?:dienkripsi|terenkripsi)|pesan ke grup ini|messages and calls are end-to-end encrypted|messages to this (?:group|chat) are now secured)"),
    ("security_code", r"(?i)(?:kode keamanan|security code)"),
    ("group_created", r"(?i)^[^:]+ (?:membuat grup|telah membuat grup|created group|created this group)"),
    ("subject_changed", r"(?i)^[^:]+ (?:mengubah subjek|telah mengubah subjek|mengubah nama grup|changed the subject|changed the group name)"),
    ("group_settings", r"(?i)^[^:]+ (?:mengubah (?:ikon|foto|deskripsi|setelan)|menghapus (?:ikon|foto) grup|changed (?:this group's|the group) (?:icon|description|settings)|deleted this group's icon)"),
    ("member_joined", r"(?i)^[^:]+ (?:telah bergabung|bergabung menggunakan|bergabung dari|joined using|joined from|joined)"),
    ("member_added", r"(?i)^(?:[^:]+ (?:menambahkan|telah menambahkan|added) [^:]+|[^:]+ (?:telah )?ditambahkan|you were added|anda ditambahkan)$"),
    ("member_removed", r"(?i)^(?:[^:]+ (?:mengeluarkan|telah mengeluarkan|removed) [^:]+|[^:]+ (?:telah )?dikeluarkan)$"),
    ("member_left", r"(?i)^[^:]+ (?:keluar|telah keluar|left)$"),
    ("admin_changed", r"(?i)(?:sekarang (?:adalah )?admin|(?:are|is) now an admin|no longer an admin|bukan lagi admin)"),
    ("number_changed", r"(?i)^[^:]+ (?:mengganti nomor|telah mengganti nomor|changed their phone number|changed to \+?\d)"),
    ("disappearing", r"(?i)(?:pesan sementara|disappearing messages)"),
    ("business_notice", r"(?i)(?:akun bisnis|akun resmi|business account|official business|this business (?:uses|works|is))"),
    ("blocked", r"(?i)^(?:you (?:un)?blocked|anda (?:memblokir|membuka blokir))"),
    ("call_missed", r"(?i)^(?:panggilan (?:suara|video)(?: grup)? tak terjawab|missed (?:group )?(?:voice|video) call)"),
]
# Text of a message body that says it was deleted, left out, attached, a call or a location.
DELETED = r"(?i)^(?:pesan ini (?:telah )?dihapus\.?|anda (?:telah )?menghapus pesan ini\.?|this message was deleted\.?|you deleted this message\.?)$"
# Media left out. Android: "<Media omitted>" and the like in angle brackets; iOS: "image omitted" with U+200E
# before it, where a document keeps its title in front: "Daftar Harga.pdf • 2 halaman dokumen tidak disertakan".
_PAGES = r"\d+ (?:pages?|halaman|hlm\.?)"
_OMITTED_WHAT = (
    r"(?:(?:view once|sekali lihat) )?(?:gambar|foto|photo|image|video|audio|stiker|sticker|gif|dokumen|document|"
    r"kartu kontak|contact card|kontak|contact|pesan suara|voice message|pesan video|video message|catatan video|video note)"
)
OMITTED_PHRASE = rf"(?:<[^<>\n]+ (?:omitted|tidak disertakan)>|{_OMITTED_WHAT}\s+(?:omitted|tidak disertakan))"
_DOCUMENT_OMITTED = r"(?:dokumen|document)\s+(?:omitted|tidak disertakan)"
MEDIA_OMITTED = rf"(?i)^(?:{OMITTED_PHRASE}|(?:[^\n]* • {_PAGES}|[^\n]*\.[A-Za-z0-9]{{2,5}}) {_DOCUMENT_OMITTED})$"
# On the raw line: the U+200E that iOS puts before the phrase, which may follow a caption or a document's title.
MEDIA_OMITTED_MARKED = rf"(?i)\u200e\s*{OMITTED_PHRASE}\s*$"
# Media included. iOS writes its file tag after a caption of any length ("ini fotonya kak <attached: 00000012-
# PHOTO-….jpg>", a caption may span lines) or after a document's title ("Daftar Harga.pdf • 2 halaman <terlampir:
# 00000023-Daftar Harga.pdf>"); Android ends the first line with the file's name, spaces and all, and
# " (file attached)", and puts a caption on the lines below.
MEDIA_ATTACHED_IOS = r"(?i)<(?:terlampir|attached):\s*(?P<file>[^<>\n]*[^<>\s])\s*>"
MEDIA_ATTACHED_ANDROID = (
    rf"(?i)^(?:[^\n]*? • {_PAGES} )?(?P<file>[^\s/\\][^\n/\\]*?\.[A-Za-z0-9]{{2,5}}) \((?:file terlampir|file attached)\)\s*$"
)
LOCATION = r"(?i)^(?:lokasi|location|live location shared|berbagi lokasi terkini)[:\s]"
CALL = r"(?i)^(?:panggilan (?:suara|video)(?: grup)?(?: tak terjawab)?|missed (?:group )?(?:voice|video) call|(?:voice|video) call)(?:,.*)?$"
EDITED = r"\s*<(?:This message was edited|Pesan ini (?:telah )?diedit|Pesan ini diubah)>$"
# A would-be author that is really the start of a system sentence ('Budi mengubah subjek menjadi "A: B"').
_SYSTEM_ACTOR = pl.col("author").str.contains(
    r"(?i) (?:membuat grup|mengubah|changed|created|menambahkan|added|mengeluarkan|removed|bergabung|joined) "
)
# Phrases in a body that mark an iOS system line (iOS gives system lines the chat's name as author).
_IOS_SYSTEM_BODY = "|".join(rx.removeprefix("(?i)^").removeprefix("(?i)") for _, rx in SYSTEM_KINDS[:2])

# A left-out medium's kind from its phrase ("gambar tidak disertakan", "<Video note omitted>").
_MEDIA_KIND_RULES = [
    ("sticker", r"(?i)(?:stiker|sticker)"),
    ("gif", r"(?i)\bgif\b"),
    ("image", r"(?i)(?:gambar|foto|photo|image)"),
    ("video", r"(?i)video"),
    ("voice", r"(?i)(?:pesan suara|voice message)"),
    ("audio", r"(?i)audio"),
    ("contact", r"(?i)(?:kontak|contact)"),
    ("document", r"(?i)(?:dokumen|document)"),
]
# An attached file's kind: WhatsApp's own name parts first (an iOS GIF is "00000011-GIF-….mp4"), then the
# extension; a name a person gave ("Foto Produk.pdf", "Video promo.pdf") is a document.
_FILE_KIND_RULES = [
    ("sticker", r"(?:^|-)(?:STK|STICKER)-|(?i:\.webp)$"),
    ("gif", r"(?:^|-)GIF-|(?i:\.gif)$"),
    ("image", r"(?:^|-)(?:IMG|PHOTO)-|(?i:\.(?:jpe?g|png|heic|heif))$"),
    ("video", r"(?:^|-)(?:VID|VIDEO)-|(?i:\.(?:mp4|mov|3gp|mkv|webm))$"),
    ("voice", r"(?:^|-)PTT-"),
    ("audio", r"(?:^|-)(?:AUD|AUDIO)-|(?i:\.(?:opus|m4a|mp3|ogg|aac|wav|amr))$"),
    ("contact", r"(?i:\.vcf)$"),
    ("document", r"(?:^|-)DOC-|\.[A-Za-z0-9]{2,5}$"),
]

_ERA_BASE = {"M": 1868, "T": 1912, "S": 1926, "H": 1989, "R": 2019,
             "明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019}

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


def _kind_expr(col: pl.Expr, rules: list[tuple[str, str]]) -> pl.Expr:
    expr = pl.lit(None, dtype=pl.String)
    for kind, rx in reversed(rules):
        expr = pl.when(col.str.contains(rx)).then(pl.lit(kind)).otherwise(expr)
    return expr


_DATE_PARTS = rf"^(?:(?P<era>{_ERA})\s?)?(?P<a>\d{{1,4}})[./\-](?P<b>\d{{1,2}})[./\-](?P<c>\d{{1,4}})"
# Cheap prefilters: only rows they catch go through the full set of classification regexes.
_SPECIAL_BODY = (
    r"(?i)^(?:<|pesan ini|anda |this message|you deleted|panggilan|missed|voice call|video call|lokasi|location|"
    r"live location|berbagi lokasi|gambar|foto|video|audio|stiker|sticker|gif|dokumen|document|kartu kontak|"
    r"contact card|pesan suara|voice message|image)|\((?:file terlampir|file attached)\)|<(?:attached|terlampir):|"
    r"(?:omitted|disertakan)>?\s*$"
)
_SYSTEM_ACTOR_RX = r"(?i) (?:membuat grup|mengubah|changed|created|menambahkan|added|mengeluarkan|removed|bergabung|joined) "


def _dates(unique_dates: pl.DataFrame, order: str) -> pl.Series:
    """Calendar dates for distinct header date strings under a day/month order; null where impossible."""
    d = unique_dates.select(pl.col("date").str.extract_groups(_DATE_PARTS)).unnest("date")
    year_first = pl.col("era").is_not_null() | (pl.col("a").str.len_chars() == 4)
    a, b, c = (pl.col(x).cast(pl.Int32) for x in ("a", "b", "c"))
    year_last = pl.when(pl.col("c").str.len_chars() <= 2).then(c + 2000).when(c > 2400).then(c - 543).otherwise(c)
    era_year = pl.col("era").replace_strict(_ERA_BASE, default=None, return_dtype=pl.Int32) + a - 1
    first_year = pl.when(pl.col("era").is_not_null()).then(era_year).when(a > 2400).then(a - 543).otherwise(a)
    year = pl.when(year_first).then(first_year).otherwise(year_last)
    month = pl.when(year_first).then(b).otherwise(b if order == "dmy" else a)
    day = pl.when(year_first).then(c).otherwise(a if order == "dmy" else b)
    text = pl.format("{}-{}-{}", year.cast(pl.String).str.zfill(4), month.cast(pl.String).str.zfill(2),
                     day.cast(pl.String).str.zfill(2))
    return d.select(text.str.to_date("%Y-%m-%d", strict=False).alias("d")).to_series()


def _seconds_of_day(unique_times: pl.DataFrame) -> pl.Series:
    """Seconds after midnight for distinct (time, am/pm) pairs; null where impossible."""
    t = unique_times.with_columns(
        pl.col("time").str.extract_groups(r"^(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?:[:.](?P<s>\d{2}))?").alias("t")
    ).unnest("t")
    hour = pl.col("h").cast(pl.Int32)
    ampm = pl.col("ampm").str.to_lowercase().str.replace_all(r"[.\s]", "")
    hour = (
        pl.when(ampm.is_in(["pm", "午後"]) & (hour < 12)).then(hour + 12)
        .when(ampm.is_in(["am", "午前"]) & (hour == 12)).then(0)
        .when(ampm.is_not_null() & (hour > 12)).then(99)
        .otherwise(hour)
    )
    minute, second = pl.col("mi").cast(pl.Int32), pl.col("s").fill_null("0").cast(pl.Int32)
    ok = (hour < 24) & (minute < 60) & (second < 60)
    return t.select(pl.when(ok).then(hour * 3600 + minute * 60 + second).alias("sec")).to_series()


def _decide_order(heads: pl.DataFrame, unique_dates: pl.DataFrame) -> str:
    """Day/month order for a file: a field above 12 decides; else the order that runs forward in time."""
    parts = unique_dates.select(pl.col("date").str.extract_groups(_DATE_PARTS)).unnest("date")
    amb = parts.filter(pl.col("era").is_null() & (pl.col("a").str.len_chars() <= 2))
    if amb.is_empty():
        return "ymd"
    a_big = int((amb["a"].cast(pl.Int32) > 12).sum())
    b_big = int((amb["b"].cast(pl.Int32) > 12).sum())
    if a_big or b_big:
        return "dmy" if a_big >= b_big else "mdy"
    scores = {}
    for order in ("dmy", "mdy"):
        mapping = unique_dates.with_columns(_dates(unique_dates, order).alias("d"))
        seq = heads.select("date").join(mapping, on="date", how="left", maintain_order="left")["d"].drop_nulls()
        scores[order] = int((seq.diff().dt.total_days() < 0).sum())
    if scores["dmy"] != scores["mdy"]:
        return min(scores, key=scores.get)
    has_english_ampm = heads["ampm"].drop_nulls().str.contains(r"(?i)^[ap]").any()
    return "mdy" if has_english_ampm else "dmy"


def _timestamps(heads: pl.DataFrame) -> tuple[pl.Series, str]:
    """Local timestamps for every header (null where impossible) and the file's day/month order."""
    unique_dates = heads.select("date").unique()
    order = _decide_order(heads, unique_dates)
    dates = unique_dates.with_columns(_dates(unique_dates, "dmy" if order == "ymd" else order).alias("d"))
    unique_times = heads.select("time", "ampm").unique()
    times = unique_times.with_columns(_seconds_of_day(unique_times).alias("sec"))
    joined = (
        heads.select("date", "time", "ampm")
        .join(dates, on="date", how="left", maintain_order="left")
        .join(times, on=["time", "ampm"], how="left", nulls_equal=True, maintain_order="left")
    )
    ts = joined.select(
        (pl.col("d").cast(pl.Datetime("us")) + pl.duration(seconds=pl.col("sec"))).alias("ts")
    ).to_series()
    return ts, order


def _merge(frame: pl.DataFrame, subset: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Columns computed on a subset of rows, joined back by msg_idx (null elsewhere), row order kept."""
    return frame.drop([c for c in columns if c in frame.columns]).join(
        subset.select("msg_idx", *columns), on="msg_idx", how="left", maintain_order="left")


def _classify_authors(first: pl.DataFrame, chat_name: str | None, *, ios: bool = True, marked: bool = False) -> pl.DataFrame:
    """Split 'Name: text'; tell system lines apart (no author on Android, the chat's name on iOS)."""
    parts = pl.col("rest").str.splitn(":", 2)
    first = first.with_columns(parts.struct.field("field_0").alias("_a"), parts.struct.field("field_1").alias("_b"))
    has_author = pl.col("_b").is_not_null() & (pl.col("_a").str.len_bytes() > 0) & (
        (pl.col("_b") == "") | pl.col("_b").str.starts_with(" "))
    first = first.with_columns(
        author=pl.when(has_author).then(pl.col("_a")),
        body=pl.when(has_author).then(pl.when(pl.col("_b") == "").then(None).otherwise(pl.col("_b").str.slice(1))),
    ).drop("_a", "_b")
    # iOS writes system lines with the chat's name as author (and U+200E before them). In a one-to-one
    # chat that name is the customer's, who also writes real messages ("saya lagi keluar"): a line by
    # the chat's name is a system line only with that mark, or, in an iOS file whose marks were stripped,
    # when the chat's name never writes anything else. Android system lines have no author at all.
    by_chat = (pl.col("author") == pl.lit(chat_name)).fill_null(False)
    person = chat_name is not None and first.filter(
        by_chat & ~pl.col("has_lrm") & _kind_expr(pl.col("body").fill_null(""), SYSTEM_KINDS).is_null()).height > 0
    chat_system = by_chat & (pl.col("has_lrm") | pl.lit(ios and not marked and not person))
    candidate = (
        pl.col("author").is_null() | pl.col("has_lrm") | chat_system
        | pl.col("author").str.contains(_SYSTEM_ACTOR_RX)
    ).fill_null(True)
    cand = first.filter(candidate)
    sys_kind_rest = _kind_expr(pl.col("rest"), SYSTEM_KINDS)
    body0 = pl.col("body").fill_null("")
    ios_system = (
        pl.col("author").is_not_null()
        & (pl.col("has_lrm") | chat_system | body0.str.contains(rf"(?i)^(?:{_IOS_SYSTEM_BODY})"))
        & _kind_expr(body0, SYSTEM_KINDS).is_not_null()
        & ~body0.str.contains(CALL)
    )
    cand = cand.with_columns(
        system_kind=pl.when(pl.col("author").is_null())
        .then(sys_kind_rest.fill_null("other"))
        .when(sys_kind_rest.is_not_null() & (~pl.col("rest").str.contains(r"^[^:]+: ") | _SYSTEM_ACTOR))
        .then(sys_kind_rest)
        .when(ios_system)
        .then(_kind_expr(body0, SYSTEM_KINDS)),
    ).with_columns(
        author=pl.when(pl.col("system_kind").is_null()).then(pl.col("author")),
        body=pl.when(pl.col("system_kind").is_null()).then(pl.col("body")).otherwise(pl.col("rest")),
    )
    first = first.with_columns(pl.lit(None, dtype=pl.String).alias("system_kind"))
    if cand.height:
        first = _merge(first, cand, ["system_kind"]).with_columns(
            author=pl.when(pl.col("system_kind").is_null()).then(pl.col("author")),
            body=pl.when(pl.col("system_kind").is_null()).then(pl.col("body")).otherwise(pl.col("rest")),
        )
    tilde = pl.col("author").str.starts_with("~")
    return first.with_columns(
        author=pl.when(tilde).then(pl.col("author").str.replace(r"^~\s*", "").str.strip_chars()).otherwise(pl.col("author"))
    )


def _file_kind(file: pl.Expr) -> pl.Expr:
    """Media kind of an attached file's name."""
    return _kind_expr(file, _FILE_KIND_RULES).fill_null("unknown")


def _omitted_kind(text: pl.Expr) -> pl.Expr:
    """Media kind of a text that ends with a left-out phrase ("… gambar tidak disertakan")."""
    return _kind_expr(text.str.extract(rf"(?i)({OMITTED_PHRASE})\s*$", 1), _MEDIA_KIND_RULES).fill_null("unknown")


def _classify_bodies(first: pl.DataFrame) -> pl.DataFrame:
    """Kind of message from its first line: deleted, media (with kind and file), call, location or text."""
    special_rows = pl.col("system_kind").is_not_null() | pl.col("body").fill_null("").str.contains(_SPECIAL_BODY)
    special = first.filter(special_rows)
    line = pl.col("body").fill_null("")
    attached = pl.coalesce(line.str.extract(MEDIA_ATTACHED_IOS, 1), line.str.extract(MEDIA_ATTACHED_ANDROID, 1))
    omitted = line.str.contains(MEDIA_OMITTED)
    marked = pl.col("raw").str.contains(MEDIA_OMITTED_MARKED)
    special = special.with_columns(
        media_file=attached,
        # A caption in front of an iOS "image omitted" (a document's title there is no caption).
        omitted_caption=marked & ~omitted & ~line.str.contains(rf"(?i){_DOCUMENT_OMITTED}\s*$"),
    ).with_columns(
        message_kind=pl.when(pl.col("system_kind").is_not_null()).then(pl.lit("system"))
        .when(line.str.contains(DELETED)).then(pl.lit("deleted"))
        .when(omitted | marked | pl.col("media_file").is_not_null()).then(pl.lit("media"))
        .when(line.str.contains(CALL)).then(pl.lit("call"))
        .when(line.str.contains(LOCATION)).then(pl.lit("location"))
        .otherwise(pl.lit("text")),
    ).with_columns(
        media_kind=pl.when(pl.col("message_kind") == "media").then(
            pl.when(pl.col("media_file").is_not_null()).then(_file_kind(pl.col("media_file")))
            .otherwise(_omitted_kind(line))),
        system_kind=pl.when(pl.col("message_kind") == "call").then(pl.lit("call")).otherwise(pl.col("system_kind")),
        omitted_caption=pl.col("omitted_caption") & (pl.col("message_kind") == "media"),
    )
    cols = ["message_kind", "media_kind", "media_file", "system_kind", "omitted_caption"]
    return _merge(first, special, cols).with_columns(
        pl.col("message_kind").fill_null("text"), pl.col("omitted_caption").fill_null(False))


# A media message's body, split around its attachment: iOS file tags, and iOS "image omitted" after a caption.
_AROUND_FILE_TAG = r"(?is)^(?P<before>.*?)[ \t]*(?P<tag><(?:terlampir|attached):[^<>\n]*>)[ \t]*(?P<after>.*)$"
_AROUND_OMITTED = rf"(?is)^(?P<before>.*?)[ \t]*(?P<tag>{OMITTED_PHRASE})[ \t]*(?P<after>(?:\n.*)?)$"
_EXTENSION = r"\.([A-Za-z0-9]{2,5})$"


def _caption_after_tag(split: pl.DataFrame, around: str) -> pl.DataFrame:
    """Bodies rewritten as the tag's line, then the caption found before and after it (a title stays in place)."""
    split = split.with_columns(pl.col("body").str.extract_groups(around).alias("p")).unnest("p")
    before = pl.col("before").str.strip_chars()
    # "Daftar Harga.pdf • 2 halaman <terlampir: 00000023-Daftar Harga.pdf>": a document's title, no caption.
    title = ~pl.col("omitted_caption") & ~before.str.contains("\n") & (
        before.str.contains(rf"(?i) • {_PAGES}")
        | (before.str.extract(_EXTENSION, 1).str.to_lowercase()
           == pl.col("media_file").str.extract(_EXTENSION, 1).str.to_lowercase()).fill_null(False))
    caption = pl.when(~title & (before != "")).then(before)
    after = pl.col("after").str.strip_chars()
    return split.with_columns(
        body=pl.when(pl.col("tag").is_not_null() & (caption.is_not_null() | pl.col("after").str.contains(r"^[^\n]*\S")))
        .then(pl.concat_str([pl.col("tag"), caption, pl.when(after != "").then(after)], separator="\n",
                            ignore_nulls=True))
        .otherwise(pl.col("body"))
    ).select("msg_idx", "message_kind", "media_kind", "media_file", "body")


def _attachment_first(msgs: pl.DataFrame) -> pl.DataFrame:
    """Media messages whose body starts with the attachment line and goes on with the caption, as Android writes
    them and as staging reads them; iOS captions in front of the tag, on its line or on lines above, move after it.
    """
    kind = pl.col("message_kind")
    # A caption of several lines puts the iOS tag (or "image omitted") on a later line, which the first-line
    # pass did not see.
    late = msgs.filter((kind == "text") & (pl.col("line_end") > pl.col("line_no")))
    if late.height:
        file = pl.col("body").str.extract(MEDIA_ATTACHED_IOS, 1)
        omitted = file.is_null() & pl.col("raw").str.contains(MEDIA_OMITTED_MARKED)
        late = late.filter(file.is_not_null() | omitted).with_columns(
            message_kind=pl.lit("media"), media_file=file, omitted_caption=omitted,
            media_kind=pl.when(omitted).then(_omitted_kind(pl.col("body"))).otherwise(_file_kind(file)),
        )
    media = pl.concat([msgs.filter((kind == "media") & (pl.col("omitted_caption") | pl.col("media_file").is_not_null())),
                       late])
    tagged = media.filter(~pl.col("omitted_caption") & pl.col("body").str.contains(r"(?i)<(?:attached|terlampir):"))
    changed = pl.concat([_caption_after_tag(tagged, _AROUND_FILE_TAG),
                         _caption_after_tag(media.filter(pl.col("omitted_caption")), _AROUND_OMITTED)])
    # A value here is the one already there or a new one (a null changes nothing); other rows are left alone.
    return msgs.update(changed, on="msg_idx") if changed.height else msgs


_NEEDS_CLEAN = re.compile(rb"\xe2\x80[\x8e\x8f\xaa-\xaf\x87\x89]|\xe2\x81[\xa6-\xa9]|\xef\xbb\xbf|\xc2\xa0|\x00")


def _lines(data: bytes) -> pl.Series:
    """The file's lines as a String series, read without an intermediate Python str (memory stays low)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or data.startswith(codecs.BOM_UTF8):
        data = decode_text(data).encode("utf-8")
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    parts = data.split(b"\n")
    if parts and parts[-1] == b"":
        parts.pop()
    series = pl.Series("raw", parts, dtype=pl.Binary)
    try:
        return series.cast(pl.String)
    # Not valid UTF-8 (polars 2 says ComputeError "invalid utf8"; older ones InvalidOperationError): decode
    # line by line, so one stray byte costs a character, not the chat.
    except (pl.exceptions.ComputeError, pl.exceptions.InvalidOperationError):
        return pl.Series("raw", [_decode_line(p) for p in parts], dtype=pl.String)


def _decode_line(line: bytes) -> str:
    """One line's text: UTF-8; a line whose only non-ASCII bytes are no UTF-8 at all is read as Windows-1252
    (a Latin-1 'é' typed on an old PC); UTF-8 with a stray byte keeps its text with U+FFFD for that byte."""
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = line.decode("utf-8", errors="replace")
    if not text.replace("\ufffd", "").isascii():
        return text
    return line.decode("cp1252", errors="replace")


def parse(data: bytes, name: str, hints: Hints | None = None) -> ParseResult:
    """Parse an export into raw.whatsapp_export_messages rows; undated or orphan lines are quarantined."""
    if data[:4096].count(b"\x00") > 16 and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FormatError("the file holds binary data, not a WhatsApp chat export (.txt)",
                          "berkas berisi data biner, bukan ekspor chat WhatsApp (.txt)")
    lines = pl.DataFrame(_lines(data)).with_row_index("line_no", offset=1)
    needs_clean = _NEEDS_CLEAN.search(data) is not None or data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    has_lrm = b"\xe2\x80\x8e" in data or data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    lines = lines.with_columns(
        clean=pl.col("raw").str.replace_all(_MARKS, "").str.replace_all(_SPACES, " ") if needs_clean else pl.col("raw"),
        has_lrm=pl.col("raw").str.contains("\u200e", literal=True) if has_lrm else pl.lit(False),
    )
    lines = lines.with_columns(pl.col("clean").str.extract_groups(HEADER).alias("h")).unnest("h")
    lines = lines.with_columns(
        is_header=pl.col("date").is_not_null(), rest=pl.col("clean").str.slice(pl.col("head").str.len_chars())
    )
    ios = bool((lines.filter(pl.col("is_header"))["head"].str.starts_with("[").mean() or 0) > 0.5)
    lines = lines.drop("head")
    if not lines["is_header"].any():
        raise FormatError(
            "no WhatsApp message header found: expected lines such as '30/08/25 18.00 - Nama: pesan' "
            "(Android) or '[26/01/21 21.05.53] Nama: pesan' (iOS)",
            "header pesan WhatsApp tidak ditemukan: seharusnya ada baris seperti '30/08/25 18.00 - Nama: pesan' "
            "(Android) atau '[26/01/21 21.05.53] Nama: pesan' (iOS)",
        )
    lines = lines.with_columns(msg_idx=pl.col("is_header").cum_sum())
    orphans = lines.filter((pl.col("msg_idx") == 0) & (pl.col("clean").str.strip_chars() != "")).select("line_no", "raw")
    cont = lines.filter(~pl.col("is_header") & (pl.col("msg_idx") > 0)).select("msg_idx", "line_no", "clean", "raw")
    heads = lines.filter(pl.col("is_header")).drop("clean", "is_header")
    del lines
    ts, order = _timestamps(heads)
    chat_name = chat_name_from_path(name)

    first = heads.select("msg_idx", "line_no", "rest", "has_lrm", "date", "time", "ampm", "raw").with_columns(ts=ts)
    first = _classify_bodies(_classify_authors(first, chat_name, ios=ios, marked=has_lrm))

    # Continuation lines join their header's message.
    msgs = first.with_columns(line_end=pl.col("line_no"))
    if cont.height:
        multi = cont.group_by("msg_idx").agg(
            pl.col("clean").str.join("\n").alias("more"), pl.col("line_no").max().alias("more_end"),
            pl.col("raw").str.join("\n").alias("more_raw"),
        )
        msgs = msgs.join(multi, on="msg_idx", how="left", maintain_order="left").with_columns(
            line_end=pl.coalesce("more_end", "line_no"),
            body=pl.when(pl.col("more").is_not_null())
            .then(pl.concat_str([pl.col("body").fill_null(""), pl.col("more")], separator="\n").str.strip_chars_end("\n"))
            .otherwise(pl.col("body")),
            raw=pl.when(pl.col("more_raw").is_not_null())
            .then(pl.concat_str([pl.col("raw"), pl.col("more_raw")], separator="\n"))
            .otherwise(pl.col("raw")),
        )
    maybe_edited = pl.col("body").str.ends_with(">")
    msgs = msgs.with_columns(is_edited=maybe_edited.fill_null(False))
    if msgs["is_edited"].any():
        msgs = msgs.with_columns(is_edited=pl.col("is_edited") & pl.col("body").str.contains(EDITED)).with_columns(
            body=pl.when(pl.col("is_edited")).then(pl.col("body").str.replace(EDITED, "")).otherwise(pl.col("body"))
        )

    msgs = _attachment_first(msgs)

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
    notes = [f"chat '{chat_name}', {rows.height} messages, dates read as {order}"]
    return ParseResult(FORMAT, {TABLE: rows}, quarantine_frame(q), notes)
