"""Small server-side SVG charts for the report: no JavaScript, crisp at any size (viewBox), readable on a phone.

Charts are drawn 360 units wide, the width of a phone screen, so their text is about as large as the body text
there; the page caps their width on large screens. Every label goes through markupsafe.escape.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

W = 360
INK, MUTED, GRID = "#1f2937", "#6b7280", "#e5e7eb"
MAIN, ACCENT, SECOND, NEGATIVE, NEUTRAL = "#0f766e", "#ea580c", "#7c3aed", "#dc2626", "#94a3b8"


@dataclass
class Bar:
    label: str
    value: float
    text: str  # the value as written next to the bar
    color: str = MAIN
    part: float | None = None  # a highlighted part of the value (e.g. negative texts), drawn in part_color
    part_color: str = NEGATIVE
    series: list[float] | None = None  # a small sparkline drawn under the label


def _svg(height: float, body: str, title: str) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {W} {height:.0f}" role="img" aria-label="{escape(title)}"'
        f' xmlns="http://www.w3.org/2000/svg" font-family="inherit" font-size="11">'
        f"<title>{escape(title)}</title>{body}</svg>")


def _text(x: float, y: float, s: str, *, anchor: str = "start", color: str = INK, size: float = 11,
          weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{color}" font-size="{size}"'
            f' font-weight="{weight}">{escape(s)}</text>')


def _fit(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1].rstrip() + "…"


def weekly_bars(labels: list[str], bars: list[float | None], line: list[float | None] | None, *, title: str,
                bar_name: str, line_name: str = "", bar_texts: list[str] | None = None, stack: list[float] | None = None,
                stack_name: str = "") -> Markup:
    """Bars per week (the last one highlighted), optionally a second stacked series, and a line on its own scale."""
    top, bottom, left, right = 34, 22, 4, 4
    h = 180
    plot_h = h - top - bottom
    n = max(len(bars), 1)
    slot = (W - left - right) / n
    totals = [(b or 0) + ((stack[i] or 0) if stack else 0) for i, b in enumerate(bars)]
    peak = max(totals + [1])
    parts = [f'<line x1="{left}" y1="{top + plot_h}" x2="{W - right}" y2="{top + plot_h}" stroke="{GRID}"/>']
    for i, b in enumerate(bars):
        x = left + i * slot + slot * 0.15
        bw = slot * 0.7
        last = i == n - 1
        bh = plot_h * (b or 0) / peak
        y = top + plot_h - bh
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bw:.1f}" height="{bh:.1f}" rx="2"'
                     f' fill="{ACCENT if last else MAIN}" opacity="{1 if last else 0.75}"/>')
        if stack:
            sh = plot_h * (stack[i] or 0) / peak
            parts.append(f'<rect x="{x:.1f}" y="{y - sh:.1f}" width="{bw:.1f}" height="{sh:.1f}" rx="2"'
                         f' fill="{SECOND}" opacity="0.7"/>')
        if last or totals[i] == peak:
            parts.append(_text(x + bw / 2, top + plot_h - plot_h * totals[i] / peak - 4,
                               (bar_texts or [str(t) for t in totals])[i], anchor="middle", size=12,
                               weight="bold" if last else "normal"))
        if i % 3 == (n - 1) % 3:
            parts.append(_text(x + bw / 2, h - 6, labels[i], anchor="middle", color=MUTED, size=11))
    if line and any(v is not None for v in line):
        lpeak = max([v for v in line if v is not None] + [1])
        pts = [(left + i * slot + slot / 2, top + plot_h - plot_h * 0.9 * (v or 0) / lpeak)
               for i, v in enumerate(line) if v is not None]
        parts.append('<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>'.format(
            INK, " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)))
        parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.2" fill="{INK}"/>' for x, y in pts]
    legend = [(ACCENT if not stack else MAIN, bar_name)] + ([(SECOND, stack_name)] if stack else []) + \
        ([(INK, line_name)] if line else [])
    x = left
    for color, name in legend:
        parts.append(f'<rect x="{x}" y="4" width="10" height="10" rx="2" fill="{color}"/>')
        parts.append(_text(x + 14, 13, name, color=MUTED, size=12))
        x += 24 + 7 * len(name)
    return _svg(h, "".join(parts), title)


def hbars(bars: list[Bar], *, title: str, legend: list[tuple[str, str]] | None = None) -> Markup:
    """Horizontal bars, each with its label above (so long labels fit a phone), value at the bar's end."""
    row = 38 + (16 if any(b.series for b in bars) else 0)
    top = 20 if legend else 4
    h = top + row * len(bars) + 4
    peak = max([b.value for b in bars] + [1])
    parts = []
    if legend:
        x = 0.0
        for color, name in legend:
            parts.append(f'<rect x="{x:.0f}" y="4" width="10" height="10" rx="2" fill="{color}"/>')
            parts.append(_text(x + 14, 13, name, color=MUTED, size=12))
            x += 24 + 7 * len(name)
    value_w = 92
    for i, b in enumerate(bars):
        y = top + i * row
        parts.append(_text(0, y + 13, _fit(b.label, 46), size=13))
        bw = max(2.0, (W - value_w) * b.value / peak)
        parts.append(f'<rect x="0" y="{y + 19}" width="{bw:.1f}" height="13" rx="2" fill="{b.color}"/>')
        if b.part:
            pw = (W - value_w) * min(b.part, b.value) / peak
            parts.append(f'<rect x="0" y="{y + 19}" width="{pw:.1f}" height="13" rx="2" fill="{b.part_color}"/>')
        parts.append(_text(bw + 4, y + 30, b.text, color=INK, size=12))
        if b.series:
            parts.append(sparkline_path(b.series, x=0, y=y + 36, w=140, h=14))
    return _svg(h, "".join(parts), title)


def sparkline_path(values: list[float], *, x: float, y: float, w: float, h: float, color: str = ACCENT) -> str:
    """A small trend line inside a chart (the last point marked)."""
    if not values:
        return ""
    peak = max(values + [1])
    step = w / max(len(values) - 1, 1)
    pts = [(x + i * step, y + h - h * v / peak) for i, v in enumerate(values)]
    line = " ".join(f"{px:.1f},{py:.1f}" for px, py in pts)
    return (f'<polyline fill="none" stroke="{color}" stroke-width="1.5" points="{line}"/>'
            f'<circle cx="{pts[-1][0]:.1f}" cy="{pts[-1][1]:.1f}" r="2" fill="{color}"/>')
