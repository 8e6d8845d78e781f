"""The report's recommendations: the findings of the week and the actions they call for, each a Phrase with
the figures behind it. Rules on the assembled ReportData only, so they are tested without a warehouse."""

from __future__ import annotations

from pipelines.report.items import ReportData
from pipelines.report.texts import Change, Pct, Phrase, Quote, Times, platform_name


def findings(d: ReportData) -> list[Phrase]:
    """What the week's figures say, most telling first (at most 5)."""
    out: list[Phrase] = []
    views = next((k for k in d.kpis if k.key == "kpi_views"), None)
    if views and views.value is not None and views.before:
        out.append(Phrase("f_views", {"views": int(views.value), "change": Change(views.change),
                                      "before": int(round(views.before))}))
    viral_week = [c for c in d.week_content if c.is_viral]
    if viral_week:
        c = viral_week[0]
        out.append(Phrase("f_viral_week", {"title": Quote(c.title), "platform": platform_name(c.platform),
                                           "reason": c.reason}))
    elif d.viral_recent:
        c = d.viral_recent[0]
        out.append(Phrase("f_viral_recent", {"title": Quote(c.title), "date": c.posted, "reason": c.reason}))
    if d.trends:
        t = d.trends[0]
        out.append(Phrase("f_trend", {"term": Quote(t.term), "support": t.support}))
    complaints = [c for c in d.complaints if c.week_customers]
    if complaints:
        c = complaints[0]
        # counted as the complaints section and the recommendation count them
        out.append(Phrase("f_complaint", {"label": Quote(c.label), "customers": c.complaint_figures[0]}))
    if d.campaigns:
        c = d.campaigns[0]
        out.append(Phrase("f_campaign", {"name": Quote(c.name), "channels": c.channels_reached,
                                         "mentions": c.mentions}))
    if d.ideas and len(out) < 5:
        i = d.ideas[0]
        out.append(Phrase("f_idea", {"label": Quote(i.label), "customers": i.customers}))
    if len(out) < 5 and d.voice_texts.value:
        out.append(Phrase("f_messages", {"messages": int(d.voice_texts.value), "customers": d.voice_customers,
                                         "change": Change(d.voice_texts.change) if d.voice_texts.change is not None
                                         else "–"}))
    return out[:5]


def actions(d: ReportData) -> list[Phrase]:
    """Concrete things to do, each with the figures that call for it, most pressing first (at most 5)."""
    out: list[Phrase] = []
    complaints = [c for c in d.complaints if c.week_customers]
    if complaints:
        c = complaints[0]
        # the customers the complaints section beside it counts, not everyone who wrote about the theme
        out.append(Phrase("r_complaint", {"label": Quote(c.label)}, Phrase("e_complaint", {
            "customers": c.complaint_figures[0], "negative": Pct(c.week_negative_share or c.negative_share or 0),
            "quote": Quote((c.complaint_quotes or c.quotes)[0]) if (c.complaint_quotes or c.quotes) else "–"})))
    viral = next((c for c in d.week_content if c.is_viral), None) or (d.viral_recent[0] if d.viral_recent else None)
    if viral and viral.basis == "likes" and viral.likes_vs_usual:
        out.append(Phrase("r_viral", {"title": Quote(viral.title), "platform": platform_name(viral.platform)},
                          Phrase("e_viral_likes", {"likes": Times(viral.likes_vs_usual), "date": viral.posted})))
    elif viral and viral.views_vs_usual:
        out.append(Phrase("r_viral", {"title": Quote(viral.title), "platform": platform_name(viral.platform)},
                          Phrase("e_viral", {"views": Times(viral.views_vs_usual),
                                             "shares": Times(viral.shares_vs_usual or 0), "date": viral.posted})))
    if d.trends:
        t = d.trends[0]
        out.append(Phrase("r_trend", {"term": Quote(t.term)}, Phrase("e_trend", {
            "support": t.support, "usual": int(round(t.usual)), "since": t.since or d.week.start})))
    if d.ideas:
        i = d.ideas[0]
        out.append(Phrase("r_idea", {"label": Quote(i.label)}, Phrase("e_idea", {
            "customers": i.customers, "texts": i.texts, "quote": Quote(i.quotes[0]) if i.quotes else "–"})))
    for c in d.campaigns[:1]:
        evidence = Phrase("e_campaign", {"mentions": c.mentions, "channels": c.channels_reached,
                                         "forwards": c.forwards,
                                         "voice": Times(c.voice_uplift) if c.voice_uplift else "–"})
        if c.active:
            out.append(Phrase("r_campaign_push", {"name": Quote(c.name)}, evidence))
        elif c.channels_reached >= 2 and (c.voice_uplift or 0) > 1:
            out.append(Phrase("r_campaign_repeat", {"name": Quote(c.name)}, evidence))
    questions = [t for t in d.themes if t.intent == "question" and t.week_customers >= 2]
    if questions:
        q = questions[0]
        out.append(Phrase("r_question", {"label": Quote(q.label)}, Phrase("e_question", {
            "customers": q.week_customers, "quote": Quote(q.quotes[0]) if q.quotes else "–"})))
    posts = next((k for k in d.kpis if k.key == "kpi_posts"), None)
    if posts and posts.value == 0 and posts.before:
        out.append(Phrase("r_post", {}, Phrase("e_post", {"usual": float(posts.before)})))
    for s in d.notes.sources:
        if not s.reaches_week_end and s.last is not None and len(out) < 5:
            name = platform_name(s.platform)
            out.append(Phrase("r_stale", {"source": name}, Phrase("e_stale", {"source": name, "last": s.last,
                                                                             "end": d.week.end})))
            break
    return out[:5]
