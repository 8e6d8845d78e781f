"""What `gaung model fit` writes: paths.csv, indirect.csv, quality.csv and summary.html with a path diagram."""

from __future__ import annotations

import csv
import html
import math
from pathlib import Path

from pipelines.lab.fit import FitResult
from pipelines.lab.io import Preset
from pipelines.lab.texts import t


def _num(v: float, digits: int = 6) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.{digits}f}"


def write_csvs(res: FitResult, out: Path) -> list[Path]:
    """The three tables, numbers to six decimals, the same bytes for the same data and seed."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, header, rows in (
        ("paths.csv", ["from", "to", "estimate", "ci_low", "ci_high", "p"], res.paths),
        ("indirect.csv", ["path", "estimate", "ci_low", "ci_high", "p"], res.indirect),
        ("quality.csv", ["measure", "construct", "item", "value"], res.quality),
    ):
        path = out / name
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(header)
            for r in rows:
                w.writerow([_num(r[h]) if isinstance(r[h], float) else r[h] for h in header])
        written.append(path)
    return written


def _layers(res: FitResult) -> dict[str, int]:
    """Column of each construct in the diagram: the length of the longest chain of paths leading to it."""
    depth = {n: 0 for n in res.spec.names}
    for _ in res.spec.names:
        for a, b in res.spec.paths:
            depth[b] = max(depth[b], depth[a] + 1)
    return depth


def path_diagram_svg(res: FitResult, published: dict | None = None) -> str:
    """An SVG of constructs (boxes, R² inside) and paths (arrows labelled with estimate and interval)."""
    depth = _layers(res)
    cols: dict[int, list[str]] = {}
    for n in res.spec.names:
        cols.setdefault(depth[n], []).append(n)
    width, box_w, box_h = 220 * len(cols) + 60, 120, 56
    height = max(len(v) for v in cols.values()) * 150 + 40
    pos = {}
    for c, names in cols.items():
        gap = height / (len(names) + 1)
        for i, n in enumerate(names):
            pos[n] = (40 + c * 220 + box_w / 2, gap * (i + 1))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             'font-family="sans-serif" font-size="13" role="img">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
             'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#444"/></marker></defs>']
    pub = (published or {}).get("paths", {})
    for p in res.paths:
        (x1, y1), (x2, y2) = pos[p["from"]], pos[p["to"]]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1
        # start and end on the boxes' edges
        def edge(x, y, sx, sy):
            scale = min((box_w / 2) / abs(sx) if sx else math.inf, (box_h / 2) / abs(sy) if sy else math.inf)
            return x + sx * scale, y + sy * scale
        ax, ay = edge(x1, y1, dx / length, dy / length)
        bx, by = edge(x2, y2, -dx / length, -dy / length)
        significant = not (p["ci_low"] <= 0 <= p["ci_high"]) if not math.isnan(p["ci_low"]) else False
        colour = "#1b6e3a" if significant and p["estimate"] > 0 else "#a33" if significant else "#888"
        parts.append(f'<line x1="{ax:.1f}" y1="{ay:.1f}" x2="{bx:.1f}" y2="{by:.1f}" stroke="{colour}" '
                     f'stroke-width="{1 + 4 * min(abs(p["estimate"]), 1):.1f}" marker-end="url(#arrow)"/>')
        label = f'{p["estimate"]:.3f}'
        if not math.isnan(p["ci_low"]):
            label += f' [{p["ci_low"]:.2f}, {p["ci_high"]:.2f}]'
        key = f'{p["from"]} -> {p["to"]}'
        mx, my = (ax + bx) / 2, (ay + by) / 2 - 6
        parts.append(f'<text x="{mx:.1f}" y="{my:.1f}" text-anchor="middle" fill="{colour}">{html.escape(label)}</text>')
        if key in pub:
            parts.append(f'<text x="{mx:.1f}" y="{my + 16:.1f}" text-anchor="middle" fill="#555" font-style="italic">'
                         f'({pub[key]:.3f})</text>')
    for n, (x, y) in pos.items():
        parts.append(f'<rect x="{x - box_w / 2:.1f}" y="{y - box_h / 2:.1f}" width="{box_w}" height="{box_h}" rx="28" '
                     'fill="#eef3fb" stroke="#345"/>')
        parts.append(f'<text x="{x:.1f}" y="{y - 2:.1f}" text-anchor="middle" font-weight="bold">{html.escape(n)}</text>')
        if n in res.r2:
            parts.append(f'<text x="{x:.1f}" y="{y + 16:.1f}" text-anchor="middle">R² {res.r2[n]:.3f}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def summary_html(res: FitResult, name: str, lang: str, preset: Preset | None = None, notes: list[str] | None = None) -> str:
    """A self-contained HTML page: title, diagram, paths, indirect effects, quality, published figures beside."""
    pub = preset.published if preset else {}
    title = t("fit_title", lang, name=name, n=res.n, boot=res.boot, resampling=t(f"resampling_{res.resampling}", lang), seed=res.seed)
    ci = t("col_ci", lang)
    path_rows = [[f'{p["from"]} -> {p["to"]}', _num(p["estimate"], 3), f'[{_num(p["ci_low"], 3)}, {_num(p["ci_high"], 3)}]',
                  _num(p["p"], 4)] + ([_num(pub.get("paths", {}).get(f'{p["from"]} -> {p["to"]}'), 3)] if pub else [])
                 for p in res.paths]
    ind_rows = [[r["path"], _num(r["estimate"], 3), f'[{_num(r["ci_low"], 3)}, {_num(r["ci_high"], 3)}]', _num(r["p"], 4)]
                + ([_num(pub.get("indirect", {}).get(r["path"]), 3)] if pub else []) for r in res.indirect]
    extra = [t("col_published", lang)] if pub else []
    q_rows = [[r["measure"], r["construct"], r["item"], _num(r["value"], 3)] for r in res.quality]
    notes = list(notes or []) + [t(k, lang, **p) for k, p in res.warnings]
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}}table{{border-collapse:collapse;margin:1em 0}}
td,th{{border:1px solid #ccc;padding:3px 8px;text-align:left}}th{{background:#f3f3f3}}.note{{color:#7a4b00}}</style></head>
<body><h1>{html.escape(title)}</h1>
{"".join(f'<p class="note">{html.escape(n)}</p>' for n in notes)}
{path_diagram_svg(res, pub)}
<h2>{html.escape(t("col_path", lang))}</h2>
{_table([t("col_path", lang), t("col_estimate", lang), ci, "p"] + extra, path_rows)}
<h2>{html.escape(t("indirect_title", lang))}</h2>
{_table([t("col_path", lang), t("col_estimate", lang), ci, "p"] + extra, ind_rows)}
<p>{html.escape(t("r2_line", lang, values=", ".join(f"{k} {v:.3f}" for k, v in res.r2.items())))}
{html.escape(" (" + t("col_published", lang) + ": " + ", ".join(f"{k} {v:.3f}" for k, v in pub.get("r2", {}).items()) + ")") if pub.get("r2") else ""}</p>
<h2>quality</h2>
{_table(["measure", "construct", "item", "value"], q_rows)}
</body></html>
"""


def write_outputs(res: FitResult, out: Path, name: str, lang: str, preset: Preset | None = None,
                  notes: list[str] | None = None) -> list[Path]:
    written = write_csvs(res, out)
    page = out / "summary.html"
    page.write_text(summary_html(res, name, lang, preset, notes), encoding="utf-8")
    return written + [page]
