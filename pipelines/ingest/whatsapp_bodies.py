"""What a WhatsApp "Export chat" message is, read from its first line and body: a person's message or a system
line (iOS gives those the chat's name as author), deleted, media (its kind and file), a call or a location; and
media bodies rewritten attachment first, caption after, as Android writes them and staging reads them."""

from __future__ import annotations

import polars as pl

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


def _kind_expr(col: pl.Expr, rules: list[tuple[str, str]]) -> pl.Expr:
    expr = pl.lit(None, dtype=pl.String)
    for kind, rx in reversed(rules):
        expr = pl.when(col.str.contains(rx)).then(pl.lit(kind)).otherwise(expr)
    return expr


# Cheap prefilters: only rows they catch go through the full set of classification regexes.
_SPECIAL_BODY = (
    r"(?i)^(?:<|pesan ini|anda |this message|you deleted|panggilan|missed|voice call|video call|lokasi|location|"
    r"live location|berbagi lokasi|gambar|foto|video|audio|stiker|sticker|gif|dokumen|document|kartu kontak|"
    r"contact card|pesan suara|voice message|image)|\((?:file terlampir|file attached)\)|<(?:attached|terlampir):|"
    r"(?:omitted|disertakan)>?\s*$"
)
_SYSTEM_ACTOR_RX = r"(?i) (?:membuat grup|mengubah|changed|created|menambahkan|added|mengeluarkan|removed|bergabung|joined) "


def _merge(frame: pl.DataFrame, subset: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Columns computed on a subset of the rows (both in msg_idx order) set at those rows; elsewhere the frame's own
    values, or null for a column it lacks. Only these columns are written: a join would copy every text of the chat."""
    at = frame["msg_idx"].search_sorted(subset["msg_idx"])
    return frame.with_columns(
        (frame[c].clone() if c in frame.columns else pl.repeat(None, frame.height, dtype=subset[c].dtype, eager=True))
        .alias(c).scatter(at, subset[c]) for c in columns)


def classify_authors(first: pl.DataFrame, chat_name: str | None, *, ios: bool = True, marked: bool = False) -> pl.DataFrame:
    """Split 'Name: text'; tell system lines apart (no author on Android, the chat's name on iOS)."""
    parts = pl.col("rest").str.splitn(":", 2)
    has_author = pl.col("_b").is_not_null() & (pl.col("_a").str.len_bytes() > 0) & (
        (pl.col("_b") == "") | pl.col("_b").str.starts_with(" "))
    first = first.with_columns(parts.struct.field("field_0").alias("_a"), parts.struct.field("field_1").alias("_b"))
    first = first.with_columns(
        author=pl.when(has_author).then(pl.col("_a")),
        body=pl.when(has_author).then(pl.when(pl.col("_b") == "").then(None).otherwise(pl.col("_b").str.slice(1))),
    ).drop("_a", "_b")
    # iOS writes system lines with the chat's name as author (and U+200E before them). In a one-to-one
    # chat that name is the customer's, who also writes real messages ("saya lagi keluar"): a line by
    # the chat's name is a system line only with that mark, or, in an iOS file whose marks were stripped,
    # when the chat's name never writes anything else. Android system lines have no author at all.
    by_chat = (pl.col("author") == pl.lit(chat_name)).fill_null(False)
    # The kinds' regexes run on the chat's own lines only (a when/then chain evaluates every branch on every row).
    own = first.filter(by_chat & ~pl.col("has_lrm"))
    person = chat_name is not None and own.filter(_kind_expr(pl.col("body").fill_null(""), SYSTEM_KINDS).is_null()).height > 0
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
        first = _merge(first, cand, ["system_kind", "author", "body"])
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


def classify_bodies(first: pl.DataFrame) -> pl.DataFrame:
    """Kind of message from its first line: deleted, media (with kind and file), call, location or text."""
    special_rows = pl.col("system_kind").is_not_null() | pl.col("body").fill_null("").str.contains(_SPECIAL_BODY)
    line = pl.col("body").fill_null("")
    attached = pl.coalesce(line.str.extract(MEDIA_ATTACHED_IOS, 1), line.str.extract(MEDIA_ATTACHED_ANDROID, 1))
    omitted = line.str.contains(MEDIA_OMITTED)
    marked = pl.col("raw").str.contains(MEDIA_OMITTED_MARKED)
    # The prefilter and the kinds, row by row: the streaming engine runs them on all cores.
    special = first.lazy().filter(special_rows).with_columns(
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
    ).collect(engine="streaming")
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


def attachment_first(msgs: pl.DataFrame) -> pl.DataFrame:
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
