"""The words of an alert, in Bahasa Indonesia and English (keys alert_* of pipelines/messages.toml): what happened,
the figure, one thing to do, a link or quote."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from pipelines.alerts.detect import Detection
from pipelines.messages import text
from pipelines.report.texts import fmt_dec, fmt_int, fmt_times, platform_name

WEEKDAYS = {"id": ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"],
            "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]}
# What a run may end with, beyond sending: its line in the catalogue is alerts_<reason>.
RUN_REASONS = ("dry_run", "disabled", "no_warehouse")


def _quotes(quotes: list[str]) -> str:
    return " · ".join(f"“{q}”" for q in quotes)


def _usual(baseline: float | None, lang: str, weekday: int) -> str:
    b = baseline or 0
    return text("alert_usual", lang, n=fmt_dec(b, lang, 0 if b == int(b) else 1), day=WEEKDAYS[lang][weekday])


def _where(f: dict, lang: str) -> str:
    if f.get("channel") == "whatsapp":
        return "WhatsApp"
    return text("alert_where_comment", lang, platform=platform_name(f.get("platform") or ""))


def _campaign_split(channels: dict, lang: str) -> str:
    names = {"message": "WhatsApp", "review": text("ch_reviews", lang), "comment": text("ch_comments", lang)}
    return ", ".join(f"{names.get(c, c)} {fmt_int(k, lang)}" for c, k in sorted(channels.items()))


def body(d: Detection, lang: str, weekday: int) -> str:
    """The alert's lines without its heading: the figure, one thing to do, then the link or quotes."""
    f = d.facts
    n = fmt_int(d.figure, lang)
    if d.kind == "viral_post":
        line = text("alert_viral_post_body", lang, where=platform_name(f.get("platform") or ""), n=n,
                    hours=fmt_dec(f["hours"], lang, 0), ratio=fmt_times(f["ratio"], lang),
                    baseline=fmt_int(d.baseline, lang))
        return line + (f"\n{d.link}" if d.link else "")
    if d.kind in ("complaint_surge", "review_surge", "rating_surge"):
        parts = [text(f"alert_{d.kind}_body", lang, n=n, usual=_usual(d.baseline, lang, weekday))]
        if f.get("theme"):
            parts.append(text("alert_surge_theme", lang, theme=f["theme"], shared=fmt_int(f["shared"], lang)))
        line = " ".join([*parts, text(f"alert_{d.kind}_do", lang)])
    elif d.kind == "product_idea":
        line = text("alert_product_idea_body", lang, n=n, theme=f["theme"])
    elif d.kind == "unanswered_question":
        line = text("alert_unanswered_question_body", lang, where=_where(f, lang), hours=fmt_dec(d.figure, lang, 0))
    elif d.kind == "campaign_mentions":
        line = text("alert_campaign_mentions_body", lang, campaign=f["campaign"], n=n,
                    split=_campaign_split(f.get("channels") or {}, lang), usual=_usual(d.baseline, lang, weekday))
    else:
        raise ValueError(f"unknown alert kind {d.kind!r}")
    return line + (f"\n{_quotes(f['quotes'])}" if f.get("quotes") else "")


def message(d: Detection, lang: str, weekday: int) -> str:
    """One alert as a short message."""
    return f"{text('alert_' + d.kind, lang)}\n{body(d, lang, weekday)}"


def digest(tenant_name: str, messages: list[str], more: int, lang: str) -> str:
    """Several alerts at once: one message, each alert a paragraph, the rest counted."""
    head = text("alert_digest_head", lang, tenant=tenant_name, n=len(messages) + more)
    tail = [text("alert_digest_more", lang, more=more)] if more else []
    return "\n\n".join([head, *messages, *tail])


def run_lines(run, tenant, lang: str) -> list[str]:
    """What `gaung alerts` prints: the count, each new alert's message, and what happened to the sending."""
    local = run.now.astimezone(ZoneInfo(tenant.timezone))
    lines = [text("alerts_found", lang, tenant=tenant.id, n=len(run.found), new=len(run.new),
                                             when=f"{local:%Y-%m-%d %H:%M} {tenant.timezone}")]
    for alert in run.new:
        lines += ["", alert["message_id"] if lang == "id" else alert["message_en"]]
    for sent in run.sent:
        lines.append(text("alerts_sent", lang, channels=", ".join(sent["channels"]), count=len(sent["alert_ids"])))
    if run.reason in ("quiet_hours", "daily_cap"):
        lines.append(text(f"alerts_{run.reason}", lang, count=len(run.held)))
    elif run.reason in RUN_REASONS:
        lines.append(text(f"alerts_{run.reason}", lang))
    if run.errors:
        lines.append(text("alerts_failed", lang, errors="; ".join(run.errors)))
    return lines
