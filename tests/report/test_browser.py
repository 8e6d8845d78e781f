"""The demo report in headless Chromium at phone and desktop widths, and its PDF through pdftoppm."""

from __future__ import annotations

import html
import re
import shutil
import subprocess

import pytest

from pipelines.report.build import report_stage
from pipelines.report.pdf import run_chromium
from tests.report.conftest import NOW, needs_chromium

# Headless Chromium will not make its window narrower than 500 px, so the report is laid out in an iframe of
# exactly the width under test (srcdoc: same origin, so the probe can measure it).
PROBE = """<!doctype html><html><head><title>probe</title><script>
function probe(f) {
  var d = f.contentDocument, charts = d.querySelectorAll('svg.chart');
  var drawn = Array.prototype.filter.call(charts, function (s) { return s.getBoundingClientRect().width > 100; });
  var heads = Array.prototype.map.call(d.querySelectorAll('h2'), function (h) { return h.textContent; });
  document.title = 'PROBE:' + d.documentElement.scrollWidth + ':' + f.contentWindow.innerWidth + ':'
    + charts.length + ':' + drawn.length + ':' + heads.join('|');
}
</script></head><body style="margin:0"><iframe onload="probe(this)" width="WIDTH" height="800" style="border:0"
srcdoc="SRCDOC"></iframe></body></html>"""
HEADINGS = ["Ringkasan", "Konten paling viral", "Kampanye", "Tren", "Suara pelanggan", "Rekomendasi", "Catatan data"]


@pytest.mark.slow  # headless Chromium
@needs_chromium
@pytest.mark.parametrize("width", [360, 1280])
def test_report_fits_the_screen_with_every_section_and_chart(demo, tenants, artifacts, tmp_path, width) -> None:
    html_path = report_stage(tenants["kopi-senja-jambi"], settings=demo, formats=("html",), now=NOW)[0]
    probe = tmp_path / "probe.html"
    page = PROBE.replace("WIDTH", str(width)).replace("SRCDOC", html.escape(html_path.read_text(encoding="utf-8")))
    probe.write_text(page, encoding="utf-8")
    dom = run_chromium([f"--window-size={max(width, 500) + 40},900", "--virtual-time-budget=5000", "--dump-dom",
                        probe.as_uri()]).stdout.decode()
    m = re.search(r"PROBE:(\d+):(\d+):(\d+):(\d+):([^<]*)</title>", dom)
    assert m, dom[:500]
    scroll_width, inner_width, charts, drawn = map(int, m.groups()[:4])
    headings = html.unescape(m.group(5)).split("|")
    assert inner_width == width
    assert scroll_width <= inner_width, f"horizontal scrolling at {width}px: content is {scroll_width}px wide"
    assert charts >= 4 and drawn == charts
    for heading in HEADINGS:
        assert heading in headings
    shot = artifacts / f"kopi-senja-jambi-{width}x800.png"
    run_chromium([f"--window-size={width},800", f"--screenshot={shot}", html_path.as_uri()])
    assert shot.exists() and shot.stat().st_size > 10_000
    full = artifacts / f"kopi-senja-jambi-{width}-full.png"
    run_chromium([f"--window-size={width},6000", f"--screenshot={full}", html_path.as_uri()])


@pytest.mark.slow  # headless Chromium and pdftoppm
@needs_chromium
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs pdftoppm (apt-get install poppler-utils)")
def test_pdf_renders_readable_pages_with_charts(demo, tenants, artifacts) -> None:
    from PIL import Image

    paths = report_stage(tenants["kopi-senja-jambi"], settings=demo, formats=("html", "pdf"), now=NOW)
    pdf = paths[1]
    assert pdf.read_bytes().startswith(b"%PDF")
    prefix = artifacts / "kopi-senja-jambi-pdf"
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(prefix)], check=True, timeout=120)
    pages = sorted(artifacts.glob("kopi-senja-jambi-pdf-*.png"))
    assert 2 <= len(pages) <= 12
    accent = teal = 0
    for page in pages:
        im = Image.open(page).convert("RGB")
        assert im.width < im.height  # portrait A4
        raw = im.tobytes()
        for r, g, b in zip(raw[0::3], raw[1::3], raw[2::3], strict=True):
            accent += abs(r - 0xEA) < 30 and abs(g - 0x58) < 30 and abs(b - 0x0C) < 30
            teal += abs(r - 0x0F) < 30 and abs(g - 0x76) < 30 and abs(b - 0x6E) < 30
    assert accent > 200 and teal > 500, "the charts' bars are not in the PDF"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
        for heading in HEADINGS:
            assert heading in text
