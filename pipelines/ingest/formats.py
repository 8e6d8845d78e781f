"""The registry of source formats: each module offers sniff(head, name) -> confidence and parse(data, name)."""

from __future__ import annotations

from types import ModuleType

from pipelines.ingest import whatsapp_cloud, whatsapp_export

# name -> (module, what a user would call it)
FORMATS: dict[str, tuple[ModuleType, str]] = {
    whatsapp_export.FORMAT: (whatsapp_export, "WhatsApp 'Export chat' text (.txt, or the .zip holding it)"),
    whatsapp_cloud.FORMAT: (whatsapp_cloud, "WhatsApp Business Cloud API webhook payloads (JSON or NDJSON)"),
}
SNIFF_BYTES = 64 * 1024
MIN_CONFIDENCE = 0.5


def supported_formats() -> str:
    """One line per supported format, for error messages and --help."""
    return "; ".join(f"{name} = {label}" for name, (_, label) in FORMATS.items())


def detect(head: bytes, name: str) -> str | None:
    """The best-matching format for these first bytes, or None."""
    scored = []
    for fmt, (module, _) in FORMATS.items():
        try:
            scored.append((module.sniff(head, name), fmt))
        except Exception:  # a sniffer must never stop the others
            continue
    best = max(scored, default=(0.0, None))
    return best[1] if best[0] >= MIN_CONFIDENCE else None


def module_for(fmt: str) -> ModuleType:
    """The parser module for a format name, or ValueError listing the known names."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
    return FORMATS[fmt][0]
