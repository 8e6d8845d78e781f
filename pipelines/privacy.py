"""Pseudonymise people: keyed hashes of normalised phone numbers or names, and masked display labels.

Raw names and numbers stay in the raw schema only; staging and marts carry `author_key` (HMAC-SHA256
with a per-tenant key derived from the master key) and `author_label` ("Bu R***", "+62 812-****-78").
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

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
_DIGIT = re.compile("[0-9]")


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
    if not text or not _DIGIT.search(text):  # most texts hold no digit at all: one quick scan, not three
        return text
    for pattern, replacement in _PHONE_MASKS:
        text = pattern.sub(replacement, text)
    return text


def sql_mask_phones(expr: str) -> str:
    """The same masking as a DuckDB expression over `expr`."""
    for pattern, replacement in PHONE_MASKS:
        expr = f"regexp_replace({expr}, '{pattern}', '{replacement}', 'g')"
    return expr


_HANDLE = re.compile(r"(?<![\w.@])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)")


def mask_handles_in_text(text: str | None) -> str | None:
    """Replace @handles written inside a message with '@x***' (e-mail addresses are left to mask_emails)."""
    if not text:
        return text
    return _HANDLE.sub(lambda m: "@" + m.group(1)[0] + "***", text)


def name_words(names: list[str], *, keep: set[str] = frozenset()) -> list[str]:
    """The words of people's names worth masking in free text: no honorifics, no phone numbers, 3+ letters,
    none of the words in `keep` (the business's own name, its products)."""
    keep_folded = {w.casefold() for w in keep}
    words: set[str] = set()
    for name in names:
        if not name or phone_digits(name):
            continue
        cleaned = unicodedata.normalize("NFKC", _MARKS.sub("", name)).strip().lstrip("~").strip()
        for word in re.findall(r"[^\W\d_]{3,}", cleaned):
            folded = word.casefold()
            if folded not in HONORIFICS and folded not in keep_folded:
                words.add(word)
    return sorted(words, key=lambda w: (-len(w), w.casefold()))


def mask_names_in_text(text: str | None, words: list[str]) -> str | None:
    """Cut every name word (from name_words) found in the text to its initial: 'Sari' -> 'S***'."""
    if not text or not words:
        return text
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)
    return pattern.sub(lambda m: m.group(1)[0] + "***", text)


def mask_quote(text: str | None, name_list: list[str] | None = None) -> str | None:
    """A customer's words fit to quote in a report: phone numbers, @handles and known names masked."""
    return mask_names_in_text(mask_handles_in_text(mask_phones_in_text(text)), name_list or [])
