"""What every format module returns, and the errors it may raise."""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import polars as pl

from pipelines.messages import Reason, text

# reason: in English, for queries; reason_key and reason_values (JSON): the catalogue's message, in any language.
QUARANTINE_SCHEMA = {"locator": pl.String, "raw": pl.String, "reason": pl.String, "reason_key": pl.String,
                     "reason_values": pl.String}


class FormatError(ValueError):
    """The whole file cannot be read as the format; the message says what was expected.

    `indonesian` is the same message in Bahasa Indonesia, which the command line shows by default; str()
    is the English message, the one lineage (ops.ingested_files) and logs keep. Both come from the message
    catalogue: FormatError.of(key, **values)."""

    def __init__(self, message: str, indonesian: str | None = None) -> None:
        super().__init__(message)
        self.indonesian = indonesian

    @classmethod
    def of(cls, key: str, **values: object) -> FormatError:
        """The error whose words are the catalogue's `key` (pipelines/messages.toml), in English and Indonesian."""
        return cls(text(key, "en", **values), text(key, "id", **values))


@dataclass
class ParseResult:
    """Rows for raw tables (without file_id/tenant_id) plus quarantined records."""

    source_format: str
    tables: dict[str, pl.DataFrame]
    quarantine: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=QUARANTINE_SCHEMA))
    notes: list[str] = field(default_factory=list)

    @property
    def rows_loaded(self) -> int:
        return sum(df.height for df in self.tables.values())


def quarantine_frame(rows: list[tuple[str, str | None, Reason]]) -> pl.DataFrame:
    """Quarantine rows from (locator, raw, reason) tuples: the reason's English, key and values."""
    return pl.DataFrame([(locator, raw, reason.english(), reason.key, json.dumps(reason.values, ensure_ascii=False))
                         for locator, raw, reason in rows], schema=QUARANTINE_SCHEMA, orient="row")


def utf8_text(data: bytes, encoding: str = "utf-8") -> str | None:
    """The bytes as UTF-8 text; UTF-8 with a few broken bytes keeps what is readable (U+FFFD for each broken
    byte); None when the only non-ASCII bytes are no UTF-8 at all (Windows-1252 or Latin-1, most likely)."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        pass
    text = data.decode(encoding, errors="replace")
    return text if not text.replace("\ufffd", "").isascii() else None


def decode_text(data: bytes) -> str:
    """Decode an export: UTF-8 (with or without BOM), UTF-16 with BOM, Windows-1252 (Excel's 'CSV' on
    Windows) when no byte sequence in it is UTF-8, else UTF-8 with the broken bytes replaced."""
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16", errors="replace")
    text = utf8_text(data, "utf-8-sig")
    if text is not None:
        return text
    return data.decode("cp1252", errors="replace") if not any(b in data for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)) \
        else data.decode("latin-1")


@dataclass(frozen=True)
class Hints:
    """What a parser may need beyond the bytes: the export's date and the tenant's column mappings."""

    export_date: date
    mappings: dict[str, dict[str, str]] = field(default_factory=dict)
    mapping: str | None = None  # a mapping chosen on the command line


_DATE_IN_NAME = re.compile(r"(20\d{2})[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)")


def export_date_hint(path: str, modified: datetime | None, ingested_at: datetime, timezone: str | None = None) -> date:
    """An export's date: from a date in its file name (the last day of a range such as
    'Overview_2025-01-01_2025-01-31.csv'), else its modification time, else the ingest time.

    Times with a zone are read as the day in the tenant's timezone (a file saved at 01:30 in Jakarta on
    1 January is dated 1 January, not 31 December as in UTC); times without one (zip members: a zip stores
    the wall clock of the machine that made it) are taken as they are. No timezone means UTC."""
    for where in (path.replace("\\", "/").rsplit("/", 1)[-1], path):
        named = []
        for m in _DATE_IN_NAME.finditer(where):
            try:
                named.append(date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
            except ValueError:
                continue
        if named:
            return max(named)
    moment = modified or ingested_at
    if moment.tzinfo is not None:
        moment = moment.astimezone(ZoneInfo(timezone) if timezone else UTC)
    return moment.date()
