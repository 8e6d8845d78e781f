"""How the weekly report writes its sentences in plain Bahasa Indonesia and English: the number formats of each.

Sentences are keyed phrases (their words in pipelines/messages.toml) with typed values (`Pct`, `Times`, dates,
counts) so the numbers are computed once (in data.py) and written the local way here: 1.234 and 12,5% in
Indonesian, 1,234 and 12.5% in English.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pipelines.messages import template

MONTHS = {
    "id": ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
           "November", "Desember"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}


@dataclass(frozen=True)
class Pct:
    """A share (0.125) written as a percentage (12,5%)."""

    value: float


@dataclass(frozen=True)
class Change:
    """A relative change (0.25) written with its sign (+25%)."""

    value: float


@dataclass(frozen=True)
class Times:
    """A multiple (7.5) written as 7,5x."""

    value: float


@dataclass(frozen=True)
class Written:
    """Words a mart already wrote in each language (a post's viral_reason and viral_reason_id), shown as they are."""

    id: str
    en: str


@dataclass(frozen=True)
class Quote:
    """Words someone wrote, shown in quotation marks (escaped like all text at rendering)."""

    value: str


@dataclass
class Phrase:
    """A sentence to be written in the report's language: a catalogue key (pipelines/messages.toml) and its values."""

    key: str
    values: dict = field(default_factory=dict)
    evidence: Phrase | None = None


def fmt_int(n: float | int | None, lang: str) -> str:
    if n is None:
        return "–"
    s = f"{round(n):,}"
    return s.replace(",", ".") if lang == "id" else s


def fmt_dec(x: float | None, lang: str, digits: int = 1) -> str:
    if x is None:
        return "–"
    s = f"{x:,.{digits}f}"
    if lang == "id":
        s = s.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return s


def fmt_pct(x: float | None, lang: str) -> str:
    if x is None:
        return "–"
    value = round(100 * x, 1)
    return fmt_dec(value, lang, 0 if value == int(value) else 1) + "%"


def fmt_change(x: float | None, lang: str) -> str:
    if x is None:
        return "–"
    sign = "+" if x > 0 else ("−" if x < 0 else "±")
    return sign + fmt_pct(abs(x), lang)


def fmt_times(x: float | None, lang: str) -> str:
    if x is None:
        return "–"
    return fmt_dec(x, lang, 0 if x >= 20 else 1) + "x"


def fmt_date(d: date | None, lang: str, *, year: bool = False) -> str:
    if d is None:
        return "–"
    month = MONTHS[lang][d.month - 1]
    return f"{d.day} {month}" + (f" {d.year}" if year else "") if lang == "id" else \
        f"{month} {d.day}" + (f", {d.year}" if year else "")


def fmt_range(start: date, end: date, lang: str) -> str:
    """'16–22 November 2026' / 'November 16–22, 2026' (months and years written only where they change)."""
    if start.month == end.month and start.year == end.year:
        if lang == "id":
            return f"{start.day}–{end.day} {MONTHS['id'][end.month - 1]} {end.year}"
        return f"{MONTHS['en'][end.month - 1]} {start.day}–{end.day}, {end.year}"
    return f"{fmt_date(start, lang, year=start.year != end.year)} – {fmt_date(end, lang, year=True)}"


def fmt_value(value: object, lang: str) -> str:
    """One phrase value written the local way."""
    if isinstance(value, Pct):
        return fmt_pct(value.value, lang)
    if isinstance(value, Change):
        return fmt_change(value.value, lang)
    if isinstance(value, Times):
        return fmt_times(value.value, lang)
    if isinstance(value, Phrase):
        return say(value, lang)
    if isinstance(value, Quote):
        return f"“{value.value}”"
    if isinstance(value, Written):
        return value.id if lang == "id" else value.en
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return fmt_int(value, lang)
    if isinstance(value, float):
        return fmt_dec(value, lang)
    if isinstance(value, date):
        return fmt_date(value, lang)
    if isinstance(value, list):
        return ", ".join(fmt_value(v, lang) for v in value)
    return str(value)


def say(phrase: Phrase | str, lang: str, **values: object) -> str:
    """The sentence for a phrase (or a catalogue key with values) in lang, with its numbers formatted."""
    if isinstance(phrase, str):
        phrase = Phrase(phrase, values)
    return template(phrase.key, lang).format(**{k: fmt_value(v, lang) for k, v in phrase.values.items()})


PLATFORMS = {"tiktok": "TikTok", "instagram": "Instagram", "whatsapp": "WhatsApp", "shopee": "Shopee",
             "tokopedia": "Tokopedia", "lazada": "Lazada", "tiktok_shop": "TikTok Shop", "facebook": "Facebook"}


def platform_name(platform: str) -> str:
    return PLATFORMS.get(platform, platform.replace("_", " ").title())
