"""The one catalogue of what Gaung tells people, in Bahasa Indonesia and English (pipelines/messages.toml).

A message is a key with named parameters; both languages of a key take the same parameters. The command
line (i18n.t), the report (report.texts.say), the lab, alerts, file rejections and quarantine reasons read
their words here, and the SQL models read theirs through `sql_frame`. Parsers store a quarantine reason as
its key and values (ops.quarantine.reason_key, reason_values) beside the English text, so a reason is shown
in the reader's language without translating English back.
"""

from __future__ import annotations

import json
import string
import tomllib
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

LANGS = ("id", "en")


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every message: key -> {"id": ..., "en": ...}."""
    return tomllib.loads(resources.files("pipelines").joinpath("messages.toml").read_text(encoding="utf-8"))


def template(key: str, lang: str = "id") -> str:
    """The unformatted text of key in lang (Indonesian for a language the catalogue does not hold)."""
    entry = catalogue()[key]
    return entry.get(lang, entry["id"])


def text(key: str, lang: str = "id", **values: object) -> str:
    """The message for key in lang, formatted with values."""
    return template(key, lang).format(**values)


def parameters(template_text: str) -> set[str]:
    """The names of the parameters a template takes ('{n:,}' -> 'n')."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template_text) if name}


class Reason:
    """Why a record was quarantined: a catalogue key and its values (JSON-ready: strings and numbers)."""

    __slots__ = ("key", "values")

    def __init__(self, key: str, **values: object) -> None:
        self.key, self.values = key, values

    def english(self) -> str:
        """The reason as ops.quarantine.reason keeps it, for queries: English."""
        return text(self.key, "en", **self.values)


def reason_text(key: str | None, values: str | dict | None, english: str, lang: str = "id") -> str:
    """A stored quarantine reason in lang: from its key and values where the row has them; rows written
    before reasons had keys (or with a key this catalogue no longer holds) are shown in English."""
    if not key or key not in catalogue():
        return english
    if isinstance(values, str):
        values = json.loads(values)
    try:
        return text(key, lang, **(values or {}))
    except (KeyError, IndexError, ValueError):
        return english


def sql_frame(prefix: str) -> pl.DataFrame:
    """The messages whose keys start with prefix as rows (key, lang, text), for a SQL model to read as a
    registered frame: the model replaces each '{name}' in a text with its value."""
    import polars as pl  # here, not at the top: every command reads the catalogue, few need a frame

    rows = [(key, lang, entry[lang]) for key, entry in catalogue().items() if key.startswith(prefix) for lang in LANGS]
    return pl.DataFrame(rows, schema={"key": pl.String, "lang": pl.String, "text": pl.String}, orient="row")
