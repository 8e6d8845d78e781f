"""Pseudonymise people: keyed hashes of normalised phone numbers or names, and masked display labels.

Raw names and numbers stay in the raw schema only; staging and marts carry `author_key` (HMAC-SHA256
with a per-tenant key derived from the master key) and `author_label` ("Bu R***", "+62 812-****-78").
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from functools import lru_cache

_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_PHONE_SHAPE = re.compile(r"^\+?[\d\s\-().]{7,24}$")
HONORIFICS = {
    "bu", "ibu", "pak", "bapak", "kak", "ka", "kakak", "mas", "mbak", "mba", "bang", "abang", "om", "tante",
    "dek", "adek", "sis", "gan", "juragan", "bund", "bunda", "teh", "teteh", "aa", "a", "uda", "uni", "cik",
    "koh", "ci", "ko", "mr", "mrs", "ms", "dr", "drg", "haji", "hj", "h",
}
# Phone numbers inside free text, as (pattern, replacement) pairs that Python's re (ASCII \b) and DuckDB's
# RE2 read the same way. The forms people write: +62 / 62 / 0062 / (+62) / 0 prefixes, the operator or area
# code in parentheses or not, digits grouped by spaces, dots or dashes in any way. Indonesian mobiles (08..,
# 6 to 9 digits after the operator code), then landlines (0 + 2-3 digit area code + 5 to 8 digits), then
# other international numbers; each keeps its code and its last two digits. bench/phone_masking.py measures
# them against libphonenumber's matcher for region ID.
_ID_PREFIX = r"(?:(?:\(\+?62\)|\+62|\b0062|\b62)[ .\-]*\(?0?|\(0|\b0)"
PHONE_MASKS = [
    (_ID_PREFIX + r"(8[1-9][0-9])\)?(?:[ .\-]?[0-9]){4,7}[ .\-]?([0-9]{2})\b", r"+62 \1-****-\2"),
    (_ID_PREFIX + r"([2-79][0-9]{1,2})\)?[ .\-]?[2-9](?:[ .\-]?[0-9]){2,5}[ .\-]?([0-9]{2})\b", r"+62 \1-****-\2"),
    (r"\+([1-9][0-9]{0,2})[ .\-]?\(?([0-9]{2,4})\)?[ .\-]?[0-9]{3,4}[ .\-]?[0-9]{0,3}([0-9]{2})\b", r"+\1 \2-****-\3"),
]
_PHONE_MASKS = [(re.compile(p, re.ASCII), r) for p, r in PHONE_MASKS]
# What every number the masks above replace contains: 7 digits or more, each at most two characters from the
# next. Texts without it (most texts, prices and order numbers included) skip the three replacements.
PHONE_CANDIDATE = r"[0-9](?:[ .()\-]{0,2}[0-9]){6}"
_PHONE_CANDIDATE = re.compile(PHONE_CANDIDATE)


def tenant_key(master_key: bytes, tenant_id: str) -> bytes:
    """The per-tenant pseudonymisation key, derived so one tenant's keys say nothing about another's."""
    return hmac.new(master_key, b"gaung-tenant:" + tenant_id.encode(), hashlib.sha256).digest()


def phone_digits(value: str) -> str | None:
    """International digits of a phone number ('0812-..' becomes '62812..'), or None if it is no number."""
    value = _MARKS.sub("", value).replace("\u00a0", " ").strip()
    if not _PHONE_SHAPE.match(value):
        return None
    digits = re.sub(r"\D", "", value)
    if not 8 <= len(digits) <= 15:
        return None
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits


def normalised_identity(value: str) -> str:
    """'tel:62812...' for phone numbers, 'name:<casefolded name>' otherwise; the input to author_key."""
    digits = phone_digits(value)
    if digits:
        return f"tel:{digits}"
    name = unicodedata.normalize("NFKC", _MARKS.sub("", value)).strip().lstrip("~").strip()
    return "name:" + re.sub(r"\s+", " ", name).casefold()


def author_key(key: bytes, value: str | None) -> str | None:
    """Keyed hash of a person's normalised number or name (24 hex characters)."""
    if value is None or not str(value).strip():
        return None
    return hmac.new(key, normalised_identity(str(value)).encode(), hashlib.sha256).hexdigest()[:24]


def mask_phone(digits: str) -> str:
    """'6281234567878' -> '+62 812-****-78'."""
    cc, rest = (digits[:2], digits[2:]) if digits.startswith("62") else (digits[:-9] or digits[:2], digits[-9:])
    return f"+{cc} {rest[:3]}-****-{digits[-2:]}"


def mask_label(value: str | None) -> str | None:
    """A display label that hides the person: honorifics kept, each name word cut to its initial."""
    if value is None or not str(value).strip():
        return None
    digits = phone_digits(str(value))
    if digits:
        return mask_phone(digits)
    name = unicodedata.normalize("NFKC", _MARKS.sub("", str(value))).strip().lstrip("~").strip()
    words = name.split()
    if not words:
        return "***"
    out = []
    for word in words:
        if word.casefold().rstrip(".") in HONORIFICS and not out:
            out.append(word)
        else:
            out.append(word[0] + "***")
        if len(out) >= 2:
            break
    return " ".join(out)


def mask_phones_in_text(text: str | None) -> str | None:
    """Replace phone numbers written inside a message with '+62 812-****-78' (the same rule SQL applies)."""
    if not text or not _PHONE_CANDIDATE.search(text):  # most texts hold no number: one quick scan, not three
        return text
    for pattern, replacement in _PHONE_MASKS:
        text = pattern.sub(replacement, text)
    return text


def sql_mask_phones(expr: str) -> str:
    """The same masking as a DuckDB expression over `expr`."""
    masked = expr
    for pattern, replacement in PHONE_MASKS:
        masked = f"regexp_replace({masked}, '{pattern}', '{replacement}', 'g')"
    return f"case when regexp_matches({expr}, '{PHONE_CANDIDATE}') then {masked} else {expr} end"


_HANDLE = re.compile(r"(?<![\w.@])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)")


def sql_mask_handles(expr: str) -> str:
    """mask_handles_in_text as a DuckDB expression (the character before the @ is captured and put back)."""
    return (f"regexp_replace({expr}, '(^|[^\\pL\\pN_.@])@([A-Za-z0-9_])(?:[A-Za-z0-9_.]{{0,28}}[A-Za-z0-9_])?', "
            f"'\\1@\\2***', 'g')")


def mask_handles_in_text(text: str | None) -> str | None:
    """Replace @handles written inside a message with '@x***' (e-mail addresses are left to mask_emails)."""
    if not text:
        return text
    return _HANDLE.sub(lambda m: "@" + m.group(1)[0] + "***", text)


_HANDLE_TERM = re.compile(r"[\w.]*[A-Za-z][\w.]*")
# A word of a name written by at least this many distinct people, and by more people than bear it, is a word
# of the language (a product, a place, 'parfum', 'indah'), not a name: masking it would blind the themes.
VOCABULARY_MIN_AUTHORS = 3


def _name_terms(name: str) -> list[str]:
    """The terms of one person's name to mask in texts: a username ('gd.parfum', 'rina_x', 'parfumpemula') whole,
    never split into words; a written name ('Mbak Sari Rahayu') word by word, honorifics and short words left."""
    if not name or phone_digits(name) or "*" in name:  # numbers are masked as numbers; 'p*****0' hides itself
        return []
    cleaned = unicodedata.normalize("NFKC", _MARKS.sub("", name)).strip().lstrip("~@").strip()
    terms = []
    for token in cleaned.split():
        token = token.strip("()[]{}<>\"',;:!?|/").lstrip("@")
        if re.search(r"[._\d]", token) and _HANDLE_TERM.fullmatch(token):
            token = token.strip(".")
            if len(token) >= 3:
                terms.append(token)
            continue
        terms += [w for w in re.findall(r"[^\W\d_]{3,}", token) if w.casefold() not in HONORIFICS]
    return terms


def name_words(names: list[str], *, keep: set[str] = frozenset(), vocabulary: set[str] = frozenset()) -> list[str]:
    """The terms of people's names worth masking in free text: words of written names and whole usernames; no
    honorifics, no phone numbers, 3+ characters, none of the words in `keep` (the business's own name, its
    products) or in `vocabulary` (words the tenant's customers use as words, or that no text holds: see
    people_terms)."""
    drop = {w.casefold() for w in keep} | {w.casefold() for w in vocabulary}
    terms: dict[str, str] = {}
    for name in names:
        for term in _name_terms(name):
            if term.casefold() not in drop:
                terms.setdefault(term.casefold(), term)
    return sorted(terms.values(), key=lambda w: (-len(w), w.casefold()))


@lru_cache(maxsize=64)
def _names_pattern(words: tuple[str, ...]) -> re.Pattern:
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)


def mask_names_in_text(text: str | None, words: list[str]) -> str | None:
    """Cut every name term (from name_words) found in the text to its initial: 'Sari' -> 'S***', a username
    whole: 'gd.parfum' -> 'g***'."""
    if not text or not words:
        return text
    return _names_pattern(tuple(words)).sub(lambda m: m.group(1)[0] + "***", text)


_NOT_WORD = r"[^\pL\pN_]"


def sql_mask_names(expr: str, words: list[str]) -> str:
    """mask_names_in_text as a DuckDB expression over `expr` (RE2 has no look-around: the boundary characters
    are captured and put back, one pattern per initial, applied twice so that adjacent names are both cut).
    Texts with no name are only scanned once."""
    if not words:
        return expr

    def alt(items) -> str:
        return "|".join(re.escape(w).replace("'", "''") for w in sorted(items, key=lambda w: (-len(w), w)))

    by_initial: dict[str, list[str]] = {}
    for word in words:
        by_initial.setdefault(word[0].casefold(), []).append(word[1:])
    chain = expr
    for _ in range(2):
        for initial, rests in sorted(by_initial.items()):
            pattern = f"(^|{_NOT_WORD})((?i:{alt([initial])}))((?i:{alt(rests)}))({_NOT_WORD}|$)"
            chain = f"regexp_replace({chain}, '{pattern}', '\\1\\2***\\4', 'g')"
    detect = f"(?i)(?:^|{_NOT_WORD})(?:{alt(words)})(?:{_NOT_WORD}|$)"
    return f"case when regexp_matches({expr}, '{detect}') then {chain} else {expr} end"


# Who wrote what, per source: the people whose names may be masked, and their words to tell names from vocabulary.
# `party` is the other side of a conversation where the source knows it (a chat's name, a DM thread's title).
_PEOPLE_TEXTS = {
    "raw.whatsapp_export_messages": "file_id, chat_name, author, body",
    "raw.whatsapp_cloud_messages": "null, null, profile_name, text_body",
    "raw.reviews": "null, null, author, text",
    "raw.comments": "null, null, author, text",
    "raw.direct_messages": "thread, thread, sender, text",
}


_SEPARATORS = r"\s,;:!?()/"  # what people_terms doubles in texts before it looks for name terms


def _any_of(words: list[str]) -> str:
    """An RE2 pattern every text holding one of the words matches, with any run of _SEPARATORS where a word has
    one (RE2's \\s is ASCII whitespace, so only that is split on)."""
    run = f"[{_SEPARATORS}]+"
    return "|".join(run.join(re.escape(piece) for piece in re.split(run, w, flags=re.ASCII)) for w in words)


def people_terms(con, tenant_id: str, *, own: set[str] = frozenset(), keep: set[str] = frozenset()) -> list[str]:
    """The name terms of the people this tenant's warehouse knows, learnt from its own data: senders, reviewers,
    commenters; never the business itself (`own` names, and whoever wrote on the business side of its
    exported chats: in a two-person chat named after one, the other is the business), never the words in
    `keep` or the shop's product names, never a word more people write than bear it (VOCABULARY_MIN_AUTHORS or
    more), and only terms some text holds."""
    present = {f"{s}.{t}" for s, t in con.execute("select table_schema, table_name from information_schema.tables").fetchall()}
    parts = [f"select tenant_id, {columns} from {table}" for table, columns in _PEOPLE_TEXTS.items() if table in present]
    if not parts:
        return []
    union = "select * from (" + " union all ".join(parts) + ") as t(tenant_id, conversation, party, person, text)"
    people = con.execute(f"""
        with t as ({union})
        select conversation, any_value(party), list(distinct person) from t
        where tenant_id = ? and person is not null group by conversation""", [tenant_id]).fetchall()
    business = {n.casefold().strip() for n in own if n}
    for conversation, party, persons in people:
        if conversation is not None and party and len(persons) == 2:
            folded = {p.casefold().strip() for p in persons}
            if party.casefold().strip() in folded:
                business |= folded - {party.casefold().strip()}
    names = sorted({p for _, _, persons in people for p in persons if p.casefold().strip() not in business})
    bearers: dict[str, int] = {}
    for name in names:
        for term in {t.casefold() for t in _name_terms(name)}:
            bearers[term] = bearers.get(term, 0) + 1
    if "raw.reviews" in present:  # the words of the shop's own products are the shop's, not anyone's name
        for (product,) in con.execute("select distinct product_name from raw.reviews where tenant_id = ?"
                                      " and product_name is not null", [tenant_id]).fetchall():
            keep = set(keep) | set(re.findall(r"[^\W\d_]+", product))
    candidates = sorted(set(bearers) - {w.casefold() for w in keep}, key=lambda w: (-len(w), w))
    if not candidates:
        return []
    # Which candidates the texts hold, and written by how many people: one RE2 pass over the texts pulls out
    # only the candidates (not every word of every text; spaces and commas doubled, as each match eats the one after). A term no text holds needs no masking, which keeps
    # the mart's macro small however many reviewers a shop has.
    found = f"(?:^|{_NOT_WORD})({'|'.join(re.escape(w) for w in candidates)})(?:{_NOT_WORD}|$)".replace("'", "''")
    # A text holding none of the candidates (with any run of the doubled separators inside one) cannot match: one
    # cheap RE2 test skips the doubling and extraction for it (a million chat messages: 4.9 s to 1.1 s).
    some = _any_of(candidates).replace("'", "''")
    writers = dict(con.execute(f"""
        with t as ({union}),
        words as (
            select distinct coalesce(person, text) as who, unnest(regexp_extract_all(
                regexp_replace(lower(text), '([\\s,;:!?()/])', '\\1\\1', 'g'), '{found}', 1)) as word
            from t where tenant_id = ? and text is not null and regexp_matches(lower(text), '{some}')
        )
        select word, count(distinct who) from words group by word""", [tenant_id]).fetchall())
    unused = {w for w in candidates if not writers.get(w)}
    vocabulary = {w for w, n in writers.items() if re.fullmatch(r"[^\W\d_]+", w)
                  and n >= VOCABULARY_MIN_AUTHORS and n > bearers.get(w, 0)}
    return name_words(names, keep=keep, vocabulary=vocabulary | unused)


def business_names(tenant) -> dict[str, set[str]]:
    """own (the names and handles the business writes under) and keep (their words) for people_terms."""
    own = {tenant.name, *(i for ids in tenant.accounts.values() for i in ids)} - {None, ""}
    keep = {w for n in own for w in re.findall(r"[^\W\d_]+", n)}
    return {"own": own, "keep": keep}


def create_name_macro(con, tenant_id: str, *, own: set[str] = frozenset(), keep: set[str] = frozenset()) -> int:
    """(Re)create gaung_mask_names(t), the macro the voice mart masks @handles and people's names with (as
    mask_quote does after phones), stored in the warehouse with this tenant's name terms written in; returns
    how many terms it masks."""
    terms = people_terms(con, tenant_id, own=own, keep=keep)
    handles = f"(case when contains(t, '@') then {sql_mask_handles('t')} else t end)"
    con.execute(f"create or replace macro gaung_mask_names(t) as {sql_mask_names(handles, terms)}")
    return len(terms)


def mask_quote(text: str | None, name_list: list[str] | None = None) -> str | None:
    """A customer's words fit to quote in a report: phone numbers, @handles and known names masked."""
    return mask_names_in_text(mask_handles_in_text(mask_phones_in_text(text)), name_list or [])


def mask_quote_line(text: str | None, name_list: list[str] | None = None) -> str:
    """mask_quote() on one line: whitespace tidied, '' for no text (theme quotes, alert lines)."""
    return " ".join((mask_quote(text, name_list) or "").split())
