"""Messages the CLI shows people, in Bahasa Indonesia (default) and English: a lookup in pipelines/messages.toml."""

from __future__ import annotations

from pipelines.messages import text


def t(key: str, lang: str = "id", **values: object) -> str:
    """The message for key in lang (falling back to Indonesian), formatted with values."""
    return text(key, lang, **values)
