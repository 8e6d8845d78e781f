"""Finding landed files and opening zip archives safely (no path traversal, bombs or nested archives)."""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path, PurePosixPath

from pipelines.messages import text

MEDIA_EXTENSIONS = {
    ".jpg", ".jpeg", ".png", ".webp", ".gif", ".heic", ".mp4", ".mov", ".3gp", ".opus", ".ogg", ".m4a",
    ".aac", ".mp3", ".amr", ".vcf", ".pdf", ".doc", ".docx", ".wav", ".webm",
}
ARCHIVE_EXTENSIONS = {".zip", ".7z", ".rar", ".gz", ".tgz", ".tar", ".bz2", ".xz"}
ZIP_MAGIC = b"PK\x03\x04"
# The chat text inside a WhatsApp export zip: iOS '_chat.txt', Android 'WhatsApp Chat with X.txt' or
# 'Chat WhatsApp dengan X.txt' (the zip itself is named after it).
WHATSAPP_CHAT_MEMBER = re.compile(r"(?i)(?:^|/)(?:_chat\.txt|whatsapp chat (?:with|-) .+\.txt|chat whatsapp dengan .+\.txt)$")
# What operating systems and office programs leave beside people's files: never anyone's export.
SYSTEM_FILES = {"desktop.ini", "thumbs.db", "ehthumbs.db", "icon\r"}
SYSTEM_FOLDERS = {"__macosx", "$recycle.bin", "system volume information"}
XLSX_EXTENSIONS = {".xlsx", ".xlsm"}


@dataclass
class Unit:
    """One thing to ingest: a file's bytes with the path shown in lineage, or why it cannot be read."""

    path: str
    data: bytes | None = None
    error: str | None = None
    error_id: str | None = None  # the error in Bahasa Indonesia
    skipped: bool = False
    # When the file was last written: aware for files on disk; naive for zip members, whose times are the
    # wall clock of the machine that made the zip (a zip stores no zone).
    modified: datetime | None = None
    mtime_ns: int | None = None  # a file on disk's modification time as read (lineage's quick check); None in a zip


def refusal(key: str, **values: object) -> dict[str, str]:
    """A unit's error (English) and error_id (Indonesian): the catalogue's message `key` (pipelines/messages.toml)."""
    return {"error": text(key, "en", **values), "error_id": text(key, "id", **values)}


def _system_file(name: str) -> bool:
    """Hidden files, Office lock files (~$Book.xlsx) and desktop.ini-style files the system writes."""
    return name.startswith((".", "~$")) or name.lower() in SYSTEM_FILES


class OutsidePath(type(Path())):
    """A file or link found in a walked folder that resolves outside it: read_units refuses it with a reason
    (a link in one tenant's landing folder to another tenant's chat must not load into this tenant)."""

    folder: str = ""


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def discover(paths: list[Path]) -> list[Path]:
    """Every regular file under the given files and folders, sorted, each once (a file named and also inside a
    named folder, or reached through a link, is one file); hidden and system files and folders left out.
    A file or link inside a walked folder that resolves outside that folder comes back as an OutsidePath."""
    found: list[Path] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            found.append(path)

    for path in paths:
        if path.is_dir():
            root = path.resolve()
            for folder, dirs, files in os.walk(path):
                here = Path(folder)
                kept = []
                for d in sorted(d for d in dirs if not d.startswith(".") and d.lower() not in SYSTEM_FOLDERS):
                    if (here / d).is_symlink() and not _inside(here / d, root):
                        found.append(_outside(here / d, path))  # a linked folder elsewhere: said, never walked
                    else:
                        kept.append(d)
                dirs[:] = kept
                for f in sorted(files):
                    if _system_file(f):
                        continue
                    if _inside(here / f, root):
                        add(here / f)
                    else:
                        found.append(_outside(here / f, path))
        else:
            add(path)
    return found


def _outside(path: Path, folder: Path) -> OutsidePath:
    out = OutsidePath(path)
    out.folder = str(folder)
    return out


def _unsafe(name: str) -> bool:
    p = PurePosixPath(name.replace("\\", "/"))
    return p.is_absolute() or ".." in p.parts or (len(name) > 1 and name[1] == ":")


def units_from_zip(path: str, data: bytes, *, max_total: int, max_ratio: int) -> Iterator[Unit]:
    """The members of a zip worth ingesting; media skipped, unsafe or nested members refused with a reason."""
    import io

    from pipelines.ingest.readers import is_xlsx  # here: discovering files needs no reader (nor polars)

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        yield Unit(path, data=data, **refusal("file_zip_damaged", error=exc))
        return
    total = sum(i.file_size for i in infos)
    if total > max_total:
        yield Unit(path, data=data, **refusal("file_zip_too_large", total=total, max_total=max_total))
        return
    # A WhatsApp "Export chat" zip: the chat's .txt next to its attachments, which can be any file a
    # customer sent (price lists as .xlsx or .csv, notes as .txt, even a .zip); none of them is an export.
    chat_export = any(WHATSAPP_CHAT_MEMBER.search(i.filename) for i in infos)
    for info in infos:
        name = info.filename
        shown = f"{path}!/{name}"
        if info.is_dir() or name.startswith("__MACOSX/") or PurePosixPath(name).name.startswith("."):
            continue
        if _unsafe(name):
            yield Unit(shown, **refusal("file_zip_member_outside", member=name))
            continue
        suffix = PurePosixPath(name).suffix.lower()
        if suffix in MEDIA_EXTENSIONS or (chat_export and not WHATSAPP_CHAT_MEMBER.search(name)):
            yield Unit(shown, skipped=True)
            continue
        if suffix in ARCHIVE_EXTENSIONS and suffix != ".xlsx":
            yield Unit(shown, **refusal("file_zip_nested"))
            continue
        if info.compress_size and info.file_size > 10 * 1024**2 and info.file_size / info.compress_size > max_ratio:
            yield Unit(shown, **refusal("file_zip_member_ratio", ratio=info.file_size / info.compress_size,
                                        max_ratio=max_ratio))
            continue
        try:
            with zf.open(info) as fh:
                member = fh.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError) as exc:
            yield Unit(shown, **refusal("file_zip_member_unreadable", error=exc))
            continue
        if len(member) > info.file_size:
            yield Unit(shown, **refusal("file_zip_member_larger"))
            continue
        if member.startswith(ZIP_MAGIC) and not is_xlsx(member):
            yield Unit(shown, **refusal("file_zip_nested"))
            continue
        yield Unit(shown, data=member, modified=datetime(*info.date_time) if info.date_time[0] > 1980 else None)


def read_units(path: Path, *, max_file: int, max_total: int, max_ratio: int) -> Iterator[Unit]:
    """The ingestible units of one landed file (a zip gives its members)."""
    shown = str(path)
    if isinstance(path, OutsidePath):
        # The target is not named: the reason reaches the tenant's report, and the target may be another tenant's.
        yield Unit(shown, **refusal("file_outside_folder", folder=path.folder))
        return
    try:
        stat = path.stat()  # before reading: a file written meanwhile is recorded older than it is, and read again
        size = stat.st_size
        if size > max_file:
            yield Unit(shown, **refusal("file_too_large", size=size, max_file=max_file))
            return
        suffix = path.suffix.lower()
        if suffix in MEDIA_EXTENSIONS:  # photos, voice notes, documents beside an unpacked chat export
            yield Unit(shown, skipped=True)
            return
        if size == 0:
            yield Unit(shown, **refusal("file_empty"))
            return
        data = path.read_bytes()
        modified = datetime.fromtimestamp(stat.st_mtime, tz=UTC)
    except OSError as exc:
        yield Unit(shown, **refusal("file_unreadable", error=exc.strerror or exc))
        return
    from pipelines.ingest.readers import is_xlsx

    if suffix in XLSX_EXTENSIONS and data.startswith(ZIP_MAGIC) and not zipfile.is_zipfile(BytesIO(data)):
        yield Unit(shown, data=data, **refusal("file_workbook_damaged"))
        return
    if (data.startswith(ZIP_MAGIC) or suffix == ".zip") and not is_xlsx(data):
        yield from units_from_zip(shown, data, max_total=max_total, max_ratio=max_ratio)
    else:
        yield Unit(shown, data=data, modified=modified, mtime_ns=stat.st_mtime_ns)
