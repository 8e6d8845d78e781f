"""PDF from the same HTML, printed by headless Chromium (the page's print CSS lays it out on A4)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from pipelines.settings import get_settings

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-extensions",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio")


class PdfUnavailable(RuntimeError):
    """No Chromium to print the PDF with (the HTML report was still written)."""


def find_chromium() -> str | None:
    """GAUNG_CHROMIUM, else the first of chromium, chromium-browser, google-chrome on PATH."""
    explicit = get_settings().chromium
    if explicit:
        return explicit if Path(explicit).exists() or shutil.which(explicit) else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def run_chromium(args: list[str], *, timeout: float = 90.0) -> subprocess.CompletedProcess:
    """Run headless Chromium with a fresh profile and no network chatter; raise PdfUnavailable without one."""
    binary = find_chromium()
    if binary is None:
        raise PdfUnavailable("Chromium was not found: install it (apt-get install chromium) or set GAUNG_CHROMIUM "
                             "to its path")
    with tempfile.TemporaryDirectory(prefix="gaung-chromium-") as profile:
        return subprocess.run([binary, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                              timeout=timeout, check=False)


def html_to_pdf(html_path: Path, pdf_path: Path) -> Path:
    """Print an HTML file to PDF (A4, no header or footer); the PDF is written next to nothing else."""
    html_path = Path(html_path).resolve()
    pdf_path = Path(pdf_path).resolve()
    tmp = pdf_path.with_name(f".{pdf_path.name}.tmp")
    try:
        result = run_chromium([f"--print-to-pdf={tmp}", "--no-pdf-header-footer", html_path.as_uri()])
    except PdfUnavailable as exc:
        raise PdfUnavailable(f"PDF needs Chromium and none was found ({exc}); the HTML report was written to "
                             f"{html_path}") from None
    if not tmp.exists() or tmp.stat().st_size == 0:
        detail = result.stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise RuntimeError(f"Chromium did not print {html_path} to PDF (exit {result.returncode}): "
                           + " / ".join(detail))
    tmp.replace(pdf_path)
    return pdf_path
