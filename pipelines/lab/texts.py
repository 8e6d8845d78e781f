"""Messages of the analysts' lab (`gaung model ...`), in Bahasa Indonesia (default) and English: the keys
lab_<name> of pipelines/messages.toml."""

from __future__ import annotations

from pipelines.messages import text


def t(key: str, lang: str = "id", **params) -> str:
    """The message `key` in `lang` (id or en), formatted with params."""
    return text(f"lab_{key}", lang, **params)
