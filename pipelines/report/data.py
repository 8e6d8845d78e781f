"""The weekly report's content for one tenant and ISO week, read from the marts into plain dataclasses.

Every number the report shows is computed here; rendering only formats. Weeks are ISO weeks (Monday to
Sunday) in the tenant's timezone, on local dates, and nothing after the week's Sunday is read, so a report
for an old week says what was known about that week. Each figure is compared with the average of the four
weeks before. Customer text is masked (phones, @handles, known names) before it leaves this module.
The queries are in queries.py and feedback_queries.py, the recommendations in recommendations.py.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import duckdb

from pipelines.ingest.quarantine import common_reasons
from pipelines.privacy import business_names, mask_quote, name_words
from pipelines.report import feedback_queries as fq
from pipelines.report import queries as q
from pipelines.report.items import (
    CampaignItem,
    ContentItem,
    DataNotes,
    IdeaItem,
    Metric,
    ReportData,
    SourceCoverage,
    ThemeItem,
    TrendItem,
    WeekPoint,
)
from pipelines.report.recommendations import actions, findings
from pipelines.report.texts import Written
from pipelines.report.weeks import Week, parse_week  # noqa: F401  (parse_week: tests import it from here)
from pipelines.tenants import Tenant

HISTORY_WEEKS = 12
BASELINE_WEEKS = 4


def _avg(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _int(value) -> int | None:
    return int(value) if value is not None else None


def _short(text: str | None, n: int = 90) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def name_candidates(con: duckdb.DuckDBPyConnection, tenant: Tenant, tables: set[str]) -> list[str]:
    """Name terms of the people this tenant's warehouse knows (ops.pseudonyms: senders, reviewers, commenters),
    never the business's own names (tenant config): masking_words keeps those the voice mart does not show."""
    business = business_names(tenant)
    own = {n.casefold().strip() for n in business["own"]}
    return name_words([n for n in q.known_names(con, tables) if n.casefold().strip() not in own],
                      keep=business["keep"])


def masking_words(candidates: list[str], shown: set[str]) -> list[str]:
    """The candidates to mask in quotes: none the voice mart still shows as a word. The mart masks every name it
    knows (privacy.people_terms), so a term its texts still hold is one it judged a word: the business's, a
    product's, or one many customers write."""
    return [w for w in candidates if w.casefold() not in shown]


def _series(con, tenant: Tenant, week: Week, tables: set[str]) -> tuple[list[WeekPoint], list[str], dict]:
    """The last HISTORY_WEEKS weeks' figures, the platforms with account figures, and the follower change per week."""
    first = week.shift(-(HISTORY_WEEKS - 1))
    accounts: dict[date, q.AccountWeek] = {}
    platforms: list[str] = []
    if "marts.fct_account_daily" in tables:
        accounts = {w.week_start: w for w in q.account_weeks(con, tenant.id, first.start, week.end)}
        platforms = q.account_platforms(con, tenant.id, week.end)
    messages: dict[date, int] = {}
    if "marts.fct_customer_voice" in tables:
        messages = q.messages_per_week(con, tenant.id, first.start, week.end)
    reviews = {w.week_start: int(w.reviews) for w in _weekly_reviews(con, first.start, week.end, tables)}
    points = []
    for i in range(HISTORY_WEEKS):
        w = first.shift(i)
        v, e = None, None
        if platforms:
            a = accounts.get(w.start)
            v, e = (0, 0) if a is None else (_int(a.views), _int(a.engagements))
        points.append(WeekPoint(w.start, w.label, v, e, messages.get(w.start, 0), reviews.get(w.start, 0)))
    followers = {s: a.followers_delta for s, a in accounts.items()}
    return points, platforms, followers


def _weekly_reviews(con, first: date, last: date, tables: set[str]) -> list[q.ReviewWeek]:
    """Reviews per week from `first` to `last`: every review, with words or stars only."""
    return q.review_weeks(con, first, last) if "marts.fct_reviews" in tables else []


def _content(con, tenant: Tenant, week: Week, tables: set[str], first: date, limit: int, **how) -> list[ContentItem]:
    if not {"marts.fct_content_scores", "marts.dim_content"} <= tables:
        return []
    return [ContentItem(r.content_id, r.platform, _short(r.title), r.url, r.posted_local_date, r.views, r.shares,
                        r.engagement_rate_views, r.views_vs_usual, r.shares_vs_usual, r.is_viral,
                        Written(id=r.viral_reason_id, en=r.viral_reason), likes=r.likes,
                        likes_vs_usual=r.likes_vs_usual, basis=r.virality_basis)
            for r in q.content_posted(con, tenant.id, tenant.timezone, first, week.end, limit, **how)]


def _campaigns(con, tenant: Tenant, week: Week, tables: set[str]) -> list[CampaignItem]:
    if "marts.fct_campaign_performance" not in tables:
        return []
    out = []
    for r in q.campaigns_between(con, tenant.id, week.start - timedelta(weeks=BASELINE_WEEKS), week.end):
        terms = [t.lstrip("#").lower() for t in (r.hashtags or [])] + [k.lower() for k in (r.keywords or [])]
        week_mentions = 0
        if terms and "marts.fct_customer_voice" in tables:
            week_mentions = q.texts_mentioning(con, tenant.id, week.start, week.end, terms)
        out.append(CampaignItem(
            name=r.campaign, start=r.start_date, end=r.end_date,
            active=r.start_date <= week.end and r.end_date >= week.start,
            content_count=int(r.content_count or 0), views=int(r.total_views or 0), engagement_rate=r.engagement_rate,
            viral_count=int(r.viral_content_count or 0), top_title=_short(r.top_title, 70) if r.top_title else None,
            channels_reached=int(r.channels_reached or 0), mentions=int(r.mentions or 0),
            customers=int(r.mentioning_customers or 0),
            by_channel={"ch_content": int(r.content_count or 0), "ch_whatsapp": int(r.whatsapp_mentions or 0),
                        "ch_reviews": int(r.review_mentions or 0), "ch_comments": int(r.comment_mentions or 0)},
            forwards=int(r.whatsapp_forwards or 0), voice_uplift=r.voice_uplift, review_uplift=r.review_uplift,
            week_mentions=int(week_mentions)))
    return out


def _words(term: str) -> set[str]:
    return set(term.lstrip("#").split())


def _stands_in_for(phrase: q.TrendRow, c: q.TrendRow) -> bool:
    """Whether a phrase takes the place of a chosen word it contains with (nearly) the same support."""
    return c.term_type != "bigram" and _words(c.term) < _words(phrase.term) and phrase.support >= 0.8 * c.support


def _strongest_trends(rows: list[q.TrendRow], n: int = 5) -> list[q.TrendRow]:
    """The strongest bursts first (a week of new words must not hide a trend still well above its normal);
    every candidate is seen before the `n` are cut, so a phrase can stand in for its own word."""
    chosen: list[q.TrendRow] = []
    for r in rows:
        # A word already inside a chosen phrase with (nearly) the same support says nothing new.
        if r.term_type != "bigram" and any(set(c.term.split()) > _words(r.term) and c.support >= 0.8 * r.support
                                           for c in chosen):
            continue
        if r.term_type == "bigram":
            at = next((i for i, c in enumerate(chosen) if _stands_in_for(r, c)), None)
            if at is not None:
                chosen = [c for c in chosen if not _stands_in_for(r, c)]
                chosen.insert(min(at, len(chosen)), r)
                continue
        chosen.append(r)
    return chosen[:n]


def _trends(con, tenant: Tenant, week: Week, tables: set[str]) -> tuple[list[TrendItem], bool]:
    if "marts.fct_trends" not in tables:
        return [], False
    first_week = q.first_trend_week(con, tenant.id)
    judged = first_week is not None and (week.start - first_week).days >= 7 * (BASELINE_WEEKS - 1)
    out = []
    first = week.shift(-7)
    for r in _strongest_trends(q.trends_of_week(con, tenant.id, week.start)):
        counts = q.term_support(con, tenant.id, r.term, r.term_type, first.start, week.start)
        series = [int(counts.get(first.shift(i).start, 0)) for i in range(8)]
        out.append(TrendItem(r.term, r.term_type, int(r.support), float(r.baseline_median or 0), r.z_score, r.status,
                             r.first_notable_week, series))
    return out, judged


def _quotes(raw: list[str] | None, words: list[str], n: int = 2) -> list[str]:
    out = []
    for text in raw or []:
        text = mask_quote(_short(text, 160), words)
        if text and text not in out:
            out.append(text)
        if len(out) >= n:
            break
    return out


def _themes(con, tenant: Tenant, week: Week, words: list[str]) -> list[ThemeItem]:
    rows = fq.themes_of_week(con, tenant.id, week.start, week.end, week.start - timedelta(weeks=BASELINE_WEEKS))
    return [ThemeItem(
        theme_id=r.theme_id, intent=r.intent or "other", label=mask_quote(r.label, words),
        week_texts=int(r.week_texts), week_customers=int(r.week_customers),
        usual_texts=float(r.before_texts) / BASELINE_WEEKS, total_texts=int(r.n_texts or 0),
        total_customers=int(r.n_customers or 0), first_seen=r.first_seen_date, last_seen=r.last_seen_date,
        sentiment_mean=r.sentiment_mean, negative_share=r.negative_share,
        week_negative_share=(r.week_negative / r.week_texts) if r.week_texts and r.week_negative is not None else None,
        status=r.status, quotes=_quotes(r.quotes, words), mix=r.mix(), week_complaints=int(r.week_complaints),
        week_complaint_customers=int(r.week_complaint_customers), complaint_quotes=_quotes(r.complaint_quotes, words))
        for r in rows]


def _ideas(con, tenant: Tenant, week: Week, words: list[str]) -> list[IdeaItem]:
    return [IdeaItem(int(r.idea_rank), r.theme_id, mask_quote(r.label, words), int(r.n_customers or 0),
                     int(r.n_texts or 0), r.last_seen_date, r.growth, int(r.week_texts or 0), _quotes(r.quotes, words),
                     mask_quote(r.theme_label, words) if r.theme_label and r.theme_label != r.label else "")
            for r in fq.top_ideas(con, tenant.id, week.start, week.end)]


def _complaints(themes: list[ThemeItem], week: Week) -> list[ThemeItem]:
    """The themes that are complaints to handle (complaints are their main intent or a third of their texts) and
    were heard lately, the most complaining customers this week first."""
    recent = week.start - timedelta(weeks=BASELINE_WEEKS - 1)
    return sorted([t for t in themes
                   if (t.intent == "complaint" or 3 * t.mix.get("complaint", 0) >= t.total_texts > 0)
                   and (t.week_texts or t.usual_texts or (t.last_seen and t.last_seen >= recent))],
                  key=lambda t: (-t.week_complaint_customers, -t.week_customers, -t.week_texts,
                                 -(t.negative_share or 0), t.theme_id))


def _voice_total(con, tenant: Tenant, week: Week, tables: set[str]) -> tuple[Metric, int]:
    if "marts.fct_customer_voice" not in tables:
        return Metric("kpi_messages", None, None), 0
    by = {w.week_start: w for w in q.voice_weeks(con, tenant.id, week.shift(-BASELINE_WEEKS).start, week.end)}
    before = [by[s].texts if s in by else 0 for s in (week.shift(-i).start for i in range(1, BASELINE_WEEKS + 1))]
    has_before = q.has_voice_before(con, tenant.id, week.start)
    this = by.get(week.start, q.VoiceWeek(week.start, 0, 0))
    return Metric("kpi_messages", this.texts, sum(before) / len(before) if has_before else None), this.customers


def _kpis(con, tenant: Tenant, week: Week, series: list[WeekPoint], followers: dict, tables: set[str],
          platforms: list[str], voice: Metric, customers: int) -> list[Metric]:
    prev = series[-1 - BASELINE_WEEKS:-1]
    weeks_before = [week.shift(-i).start for i in range(1, BASELINE_WEEKS + 1)]
    out = []
    if platforms:
        out.append(Metric("kpi_views", series[-1].views, _avg([p.views for p in prev])))
        out.append(Metric("kpi_engagements", series[-1].engagements, _avg([p.engagements for p in prev])))
        recent = {s: v for s, v in followers.items() if s >= week.shift(-BASELINE_WEEKS).start}
        if any(v is not None for v in recent.values()):
            out.append(Metric("kpi_followers", recent.get(week.start), _avg([recent.get(s) for s in weeks_before])))
    if "marts.dim_content" in tables:
        posts = q.posts_per_week(con, tenant.id, week.shift(-BASELINE_WEEKS).start, week.end)
        if posts:
            out.append(Metric("kpi_posts", posts.get(week.start, 0),
                              sum(posts.get(s, 0) for s in weeks_before) / BASELINE_WEEKS))
    if voice.value is not None:
        out.append(voice)
        out.append(Metric("kpi_customers", customers, None))
    if "marts.fct_reviews" in tables:
        reviews = {w.week_start: w for w in _weekly_reviews(con, week.shift(-BASELINE_WEEKS).start, week.end, tables)}
        if reviews:
            prev_weeks = [reviews[s] for s in weeks_before if s in reviews]
            this = reviews.get(week.start)
            out.append(Metric("kpi_reviews", this.reviews if this else 0,
                              sum(w.reviews for w in prev_weeks) / BASELINE_WEEKS))
            out.append(Metric("kpi_rating", this.avg_rating if this else None,
                              _avg([w.avg_rating for w in prev_weeks]), kind="dec"))
    return out


def _notes(con, tenant: Tenant, week: Week, tables: set[str], platforms: list[str]) -> DataNotes:
    notes = DataNotes(account_daily_platforms=platforms)
    for key, rows in q.source_coverage(con, tenant.id, week.end, tables).items():
        for r in rows:
            notes.sources.append(SourceCoverage(key + r.channel if r.channel is not None else key, r.platform,
                                                r.first, r.last,
                                                r.last is not None and r.last >= week.end - timedelta(days=1)))
    if "ops.ingested_files" in tables:
        notes.files_loaded = q.files_loaded(con, tenant.id)
        notes.files_rejected = [(f.path.rsplit("/", 1)[-1], _short(f.error, 140), _short(f.error_id, 140))
                                for f in q.files_rejected(con, tenant.id)]
        notes.quarantined = q.rows_quarantined(con, tenant.id)
        notes.quarantine_reasons = [(_short(en, 120), _short(shown, 120), n) for en, shown, n in common_reasons(con, tenant.id)]
    return notes


def build_report_data(con: duckdb.DuckDBPyConnection, tenant: Tenant, week: Week) -> ReportData:
    """Read one tenant's marts (a read-only connection to its own warehouse) into the report for `week`."""
    tables = q.tables(con)
    candidates = name_candidates(con, tenant, tables)
    q.read_voice_once(con, tenant.id, week.start, week.end, tables, [w.casefold() for w in candidates])
    try:
        return _report_data(con, tenant, week, tables, masking_words(candidates, q.terms_shown(con, tables)))
    finally:
        q.forget_voice(con)


def _report_data(con: duckdb.DuckDBPyConnection, tenant: Tenant, week: Week, tables: set[str],
                 words: list[str]) -> ReportData:
    series, platforms, followers = _series(con, tenant, week, tables)
    voice, customers = _voice_total(con, tenant, week, tables)
    kpis = _kpis(con, tenant, week, series, followers, tables, platforms, voice, customers)
    history_start = week.shift(-(HISTORY_WEEKS - 1)).start
    week_content = _content(con, tenant, week, tables, week.start, 3)
    viral_recent = _content(con, tenant, week, tables, history_start, 3, viral_only=True)
    top = _content(con, tenant, week, tables, history_start, 6, by_views=True)
    feedback_ready = fq.feedback_ready(con, tables)
    themes = _themes(con, tenant, week, words) if feedback_ready else []
    ideas = _ideas(con, tenant, week, words) if feedback_ready else []
    trends, judged = _trends(con, tenant, week, tables)
    notes = _notes(con, tenant, week, tables, platforms)
    notes.feedback_ready = feedback_ready
    if feedback_ready:
        notes.feedback_last = fq.feedback_last(con, tenant.id)
    has_data = any(p.views or p.messages or p.reviews for p in series[-1:]) or bool(week_content)
    data = ReportData(
        tenant_id=tenant.id, tenant_name=tenant.name, week=week, has_data=has_data, kpis=kpis, series=series,
        week_content=week_content, viral_recent=viral_recent, top_content=top,
        has_content="marts.fct_content_scores" in tables and bool(top or week_content),
        campaigns=_campaigns(con, tenant, week, tables), trends=trends, trends_judged=judged, voice_texts=voice,
        voice_customers=customers, feedback_ready=feedback_ready, themes=[t for t in themes if t.intent != "other"],
        ideas=ideas, complaints=_complaints(themes, week)[:4], findings=[], actions=[], notes=notes)
    data.findings = findings(data)
    data.actions = actions(data)
    return data
