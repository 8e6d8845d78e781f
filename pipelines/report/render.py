"""The report as one self-contained HTML page (inline CSS and SVG, no scripts, works offline), from ReportData.

Jinja2 autoescapes everything: customer text, titles and labels can never become markup. Charts are built
here (server-side SVG) from the numbers data.py computed; texts.py holds every word in both languages.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from pipelines.report import charts
from pipelines.report.items import Metric, ReportData
from pipelines.report.texts import (
    MONTHS,
    Phrase,
    fmt_change,
    fmt_date,
    fmt_dec,
    fmt_int,
    fmt_pct,
    fmt_range,
    fmt_times,
    platform_name,
    say,
)

TEMPLATES = Path(__file__).parent / "templates"
LANGS = ("id", "en")

CSS = """
:root{--ink:#1f2937;--muted:#6b7280;--line:#e5e7eb;--main:#0f766e;--accent:#ea580c;--bg:#f6f7f9}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,
"Noto Sans","Helvetica Neue",Arial,sans-serif;overflow-wrap:anywhere}
main{max-width:760px;margin:0 auto;padding:12px}
.top{padding:8px 4px 4px}
.brand{margin:0;color:var(--main);font-weight:700;letter-spacing:.08em;text-transform:uppercase;font-size:12px}
h1{font-size:1.45rem;line-height:1.25;margin:.2rem 0}
h2{font-size:1.15rem;margin:0 0 .6rem;color:var(--main)}
h3{font-size:1rem;margin:1rem 0 .4rem}
.sub{margin:0;color:var(--muted)}
.card{background:#fff;border:1px solid var(--line);border-radius:12px;padding:14px;margin:12px 0}
.findings{padding-left:1.2rem;margin:.2rem 0 .8rem}
.findings li{margin:.35rem 0}
.kpis{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:8px;margin:.6rem 0}
.kpi{border:1px solid var(--line);border-radius:10px;padding:8px 10px;display:flex;flex-direction:column;min-width:0}
.kpi strong{font-size:1.3rem;line-height:1.2}
.kpi-name{font-size:.8rem;color:var(--muted)}
.kpi-change{font-size:.78rem;color:var(--muted)}
.kpi-change.up{color:#047857}.kpi-change.down{color:#b91c1c}
.items{padding-left:1.2rem;margin:.3rem 0}
ul.items{list-style:none;padding-left:0}
.item{margin:.7rem 0}
article.item{border-top:1px solid var(--line);padding-top:.4rem}
article.item:first-of-type{border-top:0;padding-top:0}
.tag{display:inline-block;font-size:.72rem;font-weight:600;border-radius:999px;padding:0 .5rem;background:#f1f5f9;
color:var(--muted);vertical-align:middle}
.tag.on{background:#ccfbf1;color:#115e59}.tag.hot{background:#ffedd5;color:#9a3412}.warn-tag{background:#fef3c7;color:#92400e}
.chips{list-style:none;padding:0;margin:.4rem 0;display:flex;flex-wrap:wrap;gap:6px}
.chips li{background:#f1f5f9;border-radius:8px;padding:2px 8px;font-size:.85rem}
blockquote{margin:.35rem 0 0;padding:.2rem .7rem;border-left:3px solid var(--line);color:#374151;font-style:italic}
.actions{padding-left:1.3rem}
.actions li{margin:.7rem 0}
.evidence{color:var(--muted);font-size:.9rem}
.warn{background:#fef3c7;border-radius:8px;padding:.5rem .7rem}
.muted{color:var(--muted)}.small{font-size:.8rem}
figure{margin:.8rem 0 0}
figcaption{font-size:.8rem;color:var(--muted);margin-top:.2rem}
svg.chart{display:block;width:100%;max-width:540px;height:auto}
a{color:var(--main)}
footer{padding:4px}
@media (min-width:640px){main{padding:24px}.kpis{grid-template-columns:repeat(4,minmax(0,1fr))}h1{font-size:1.8rem}}
@media print{
  @page{size:A4;margin:14mm 12mm}
  body{background:#fff;font-size:11pt}
  main{max-width:none;padding:0}
  .card{border:0;border-top:1px solid var(--line);border-radius:0;padding:8px 0;margin:6px 0}
  .kpis{grid-template-columns:repeat(4,minmax(0,1fr))}
  .item,.kpi,figure,blockquote,.actions li{break-inside:avoid}
  h2,h3{break-after:avoid}
  svg.chart{max-width:120mm}
  a{color:inherit;text-decoration:none}
}
"""


def _env() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"], default=True),
                       trim_blocks=True, lstrip_blocks=True)


def _safe_url(url: str | None) -> str | None:
    return url if url and url.startswith(("https://", "http://")) else None


def _kpi(m: Metric, lang: str) -> dict:
    value = fmt_dec(m.value, lang, 1) if m.kind == "dec" else fmt_int(m.value, lang)
    if m.before is None:
        note = say("no_before", lang)
    elif m.change is None:
        note = ""
    else:
        before = fmt_dec(m.before, lang, 1) if m.kind == "dec" or m.before < 10 else fmt_int(m.before, lang)
        note = say("vs_before", lang, change=fmt_change(m.change, lang), before=before)
    trend = "" if m.change is None or abs(m.change) < 0.05 else ("up" if m.change > 0 else "down")
    return {"name": say(m.key, lang), "value": value, "note": note, "trend": trend}


def _charts(d: ReportData, lang: str) -> dict:
    out: dict = {}
    labels = [f"{p.start.day} {MONTHS[lang][p.start.month - 1][:3]}" for p in d.series]
    if d.notes.account_daily_platforms and any(p.views for p in d.series):
        platforms = ", ".join(platform_name(p) for p in d.notes.account_daily_platforms)
        views = [p.views for p in d.series]
        out["chart_weekly"] = charts.weekly_bars(
            labels, views, [p.engagements for p in d.series], title=say("chart_weekly", lang, platforms=platforms),
            bar_name=say("legend_views", lang), line_name=say("legend_engagements", lang),
            bar_texts=[fmt_int(v, lang) for v in views])
        out["chart_weekly_caption"] = say("chart_weekly", lang, platforms=platforms)
    if any(p.messages or p.reviews for p in d.series):
        out["chart_voice"] = charts.weekly_bars(
            labels, [p.messages for p in d.series], None, stack=[p.reviews for p in d.series],
            title=say("chart_voice", lang), bar_name=say("legend_messages", lang),
            stack_name=say("legend_reviews", lang), bar_texts=[fmt_int(p.messages + p.reviews, lang) for p in d.series])
    if d.top_content:
        out["chart_top"] = charts.hbars([
            charts.Bar(c.title, c.views or 0, fmt_int(c.views, lang) + (" · " + fmt_times(c.views_vs_usual, lang)
                                                                         if c.is_viral else ""),
                       charts.ACCENT if c.is_viral else charts.MAIN) for c in d.top_content],
            title=say("chart_top", lang),
            legend=[(charts.ACCENT, say("legend_viral", lang)), (charts.MAIN, say("legend_views", lang))])
    themes = [t for t in d.themes if t.week_texts][:6]
    if themes:
        out["chart_themes"] = charts.hbars([
            charts.Bar(t.label, t.week_texts, fmt_int(t.week_texts, lang), charts.NEUTRAL,
                       part=t.week_texts * (t.week_negative_share or 0)) for t in themes],
            title=say("chart_themes", lang),
            legend=[(charts.NEGATIVE, say("legend_negative", lang)), (charts.NEUTRAL, say("legend_other", lang))])
    if d.trends:
        out["chart_trends"] = charts.hbars([
            charts.Bar(t.term, t.support, fmt_int(t.support, lang), charts.MAIN, series=[float(v) for v in t.series])
            for t in d.trends], title=say("chart_trends", lang))
    return out


def render_html(d: ReportData, lang: str = "id", *, generated_at: datetime | None = None) -> str:
    """The whole report as one HTML document in lang ('id' or 'en')."""
    if lang not in LANGS:
        raise ValueError(f"report language must be one of {', '.join(LANGS)}, not {lang!r}")
    env = _env()
    env.globals.update(
        t=lambda key, **values: say(Phrase(key, values), lang),
        say=lambda phrase: say(phrase, lang),
        num=lambda n: fmt_int(n, lang), dec=lambda x: fmt_dec(x, lang), pct=lambda x: fmt_pct(x, lang),
        change=lambda x: fmt_change(x, lang), times=lambda x: fmt_times(x, lang),
        platform=platform_name, link=_safe_url)
    when = generated_at or datetime.now()
    context = {
        "d": d, "lang": lang, "css": CSS, "week_range": fmt_range(d.week.start, d.week.end, lang),
        "kpis": [_kpi(m, lang) for m in d.kpis if m.value is not None],
        "generated": fmt_date(when.date(), lang, year=True) + when.strftime(" %H:%M"),
        **_charts(d, lang),
    }
    return env.get_template("report.html.j2").render(context)
