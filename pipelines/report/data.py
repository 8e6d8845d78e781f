"""The weekly report's content for one tenant and ISO week, read from the marts into plain dataclasses.

Every number the report shows is computed here; rendering only formats. Weeks are ISO weeks (Monday to
Sunday) in the tenant's timezone, on local dates, and nothing after the week's Sunday is read, so a report
for an old week says what was known about that week. Each figure is compared with the average of the four
weeks before. Customer text is masked (phones, @handles, known names) before it leaves this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb

from pipelines.ingest.quarantine import common_reasons
from pipelines.privacy import business_names, mask_quote, people_terms
from pipelines.report.texts import Change, Pct, Phrase, Quote, Times, platform_name
from pipelines.tenants import Tenant

HISTORY_WEEKS = 12
BASELINE_WEEKS = 4
WEEK_LABEL = re.compile(r"^(\d{4})-W(\d{2})$")
FEEDBACK_TABLES = ("fct_voice_signals", "dim_theme", "fct_voice_theme", "fct_theme_weekly", "fct_product_ideas")


@dataclass(frozen=True)
class Week:
    """An ISO week: label '2026-W47', Monday and Sunday (local dates)."""

    label: str
    start: date
    end: date

    @classmethod
    def of(cls, day: date) -> Week:
        year, week, _ = day.isocalendar()
        start = day - timedelta(days=day.weekday())
        return cls(f"{year}-W{week:02d}", start, start + timedelta(days=6))

    def shift(self, weeks: int) -> Week:
        return Week.of(self.start + timedelta(weeks=weeks))


def parse_week(text: str) -> Week:
    """'2026-W47' -> Week; a ValueError that says the expected form otherwise."""
    m = WEEK_LABEL.match(text.strip())
    if not m:
        raise ValueError(f"week {text!r} is not an ISO week; write it as YYYY-Www, for example 2026-W47")
    try:
        return Week.of(date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1))
    except ValueError:
        raise ValueError(f"week {text!r} does not exist (ISO years have 52 or 53 weeks)") from None


def last_complete_week(now: datetime, timezone: str) -> Week:
    """The latest Monday-to-Sunday week that has fully ended in the tenant's timezone at `now`."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    return Week.of(today).shift(-1)


@dataclass
class Metric:
    key: str
    value: float | None
    before: float | None  # average of the previous weeks (None when there are none)
    kind: str = "int"  # int or dec

    @property
    def change(self) -> float | None:
        if self.value is None or not self.before:
            return None
        return self.value / self.before - 1


@dataclass
class WeekPoint:
    start: date
    label: str
    views: int | None
    engagements: int | None
    messages: int
    reviews: int


@dataclass
class ContentItem:
    content_id: str
    platform: str
    title: str
    url: str | None
    posted: date | None
    views: int | None
    shares: int | None
    engagement_rate: float | None
    views_vs_usual: float | None
    shares_vs_usual: float | None
    is_viral: bool
    has_baseline: bool
    likes: int | None = None
    likes_vs_usual: float | None = None
    comments_vs_usual: float | None = None
    basis: str | None = None  # 'views', or 'likes' where no source gave views (data downloads)

    def reason(self) -> Phrase:
        if self.basis == "likes" and self.has_baseline and self.likes_vs_usual is not None:
            if self.comments_vs_usual is not None:
                return Phrase("content_why_likes_comments", {"likes": Times(self.likes_vs_usual),
                                                             "comments": Times(self.comments_vs_usual)})
            return Phrase("content_why_likes", {"likes": Times(self.likes_vs_usual)})
        if not self.has_baseline or self.views_vs_usual is None:
            return Phrase("content_no_baseline")
        return Phrase("content_why_multiple", {"views": Times(self.views_vs_usual),
                                               "shares": Times(self.shares_vs_usual or 0)})


@dataclass
class CampaignItem:
    name: str
    start: date
    end: date
    active: bool
    content_count: int
    views: int
    engagement_rate: float | None
    viral_count: int
    top_title: str | None
    channels_reached: int
    mentions: int
    customers: int
    by_channel: dict[str, int]
    forwards: int
    voice_uplift: float | None
    review_uplift: float | None
    week_mentions: int


@dataclass
class TrendItem:
    term: str
    term_type: str
    support: int
    usual: float
    z: float | None
    status: str
    since: date | None
    series: list[int]


@dataclass
class ThemeItem:
    theme_id: str
    intent: str
    label: str
    week_texts: int
    week_customers: int
    usual_texts: float
    total_texts: int
    total_customers: int
    first_seen: date | None
    last_seen: date | None
    sentiment_mean: float | None
    negative_share: float | None
    week_negative_share: float | None
    status: str | None
    quotes: list[str]
    mix: dict[str, int] = field(default_factory=dict)  # texts per intent, all weeks (complaint, question, ...)
    week_complaints: int = 0
    week_complaint_customers: int = 0
    complaint_quotes: list[str] = field(default_factory=list)  # the theme's complaints, nearest its centre first


@dataclass
class IdeaItem:
    rank: int
    theme_id: str
    label: str
    customers: int
    texts: int
    last_seen: date | None
    growth: float | None
    week_texts: int
    quotes: list[str]
    theme_label: str = ""


@dataclass
class SourceCoverage:
    key: str  # a texts key: src_account, src_content, src_voice_<channel>
    platform: str
    first: date | None
    last: date | None
    reaches_week_end: bool


@dataclass
class DataNotes:
    sources: list[SourceCoverage] = field(default_factory=list)
    files_loaded: int = 0
    files_rejected: list[tuple[str, str, str]] = field(default_factory=list)  # name, reason in English, in Indonesian
    quarantined: int = 0
    quarantine_reasons: list[tuple[str, str, int]] = field(default_factory=list)  # (English, Indonesian, rows)
    account_daily_platforms: list[str] = field(default_factory=list)
    feedback_ready: bool = False
    feedback_last: date | None = None


@dataclass
class ReportData:
    """Everything one weekly report says, for one tenant."""

    tenant_id: str
    tenant_name: str
    week: Week
    has_data: bool
    kpis: list[Metric]
    series: list[WeekPoint]
    week_content: list[ContentItem]
    viral_recent: list[ContentItem]
    top_content: list[ContentItem]
    has_content: bool
    campaigns: list[CampaignItem]
    trends: list[TrendItem]
    trends_judged: bool
    voice_texts: Metric
    voice_customers: int
    feedback_ready: bool
    themes: list[ThemeItem]
    ideas: list[IdeaItem]
    complaints: list[ThemeItem]
    findings: list[Phrase]
    actions: list[Phrase]
    notes: DataNotes


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {f"{s}.{t}" for s, t in _rows(con, "select table_schema, table_name from information_schema.tables")}


def _avg(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _masking_words(con: duckdb.DuckDBPyConnection, tenant: Tenant, tables: set[str]) -> list[str]:
    """Name terms of the people this tenant's raw data knows (senders, reviewers, commenters), to mask in
    quotes: the same list the voice mart masks with (privacy.people_terms), never the business's own names,
    its products' words or words its customers use as words."""
    return people_terms(con, tenant.id, **business_names(tenant))


def _series(con, tenant: Tenant, week: Week, tables: set[str]) -> tuple[list[WeekPoint], list[str]]:
    first = week.shift(-(HISTORY_WEEKS - 1))
    views: dict[date, tuple[int, int]] = {}
    platforms: list[str] = []
    if "marts.fct_account_daily" in tables:
        for start, v, e in _rows(con, """
                select date_trunc('week', date)::date, sum(views), sum(coalesce(likes, 0) + coalesce(comments, 0)
                       + coalesce(shares, 0))
                from marts.fct_account_daily where tenant_id = ? and date between ? and ? group by 1""",
                                 [tenant.id, first.start, week.end]):
            views[start] = (int(v) if v is not None else None, int(e) if e is not None else None)
        platforms = [r[0] for r in _rows(con, "select distinct platform from marts.fct_account_daily"
                                              " where tenant_id = ? and date <= ? order by 1", [tenant.id, week.end])]
    messages: dict[date, int] = {}
    if "marts.fct_customer_voice" in tables:
        for start, m in _rows(con, f"""
                select date_trunc('week', local_date)::date, count(*) from {VOICE}
                where tenant_id = ? and not is_from_business and channel <> 'review' and local_date between ? and ?
                group by 1""", [tenant.id, first.start, week.end]):
            messages[start] = int(m)
    reviews = {start: int(n) for start, n, _ in _weekly_reviews(con, tenant, first.start, week.end, tables)}
    points = []
    for i in range(HISTORY_WEEKS):
        w = first.shift(i)
        v, e = views.get(w.start, (None, None)) if platforms else (None, None)
        if platforms and w.start not in views:
            v, e = 0, 0
        points.append(WeekPoint(w.start, w.label, v, e, messages.get(w.start, 0), reviews.get(w.start, 0)))
    return points, platforms


def _weekly_reviews(con, tenant: Tenant, first: date, last: date, tables: set[str]) -> list[tuple]:
    """(week start, reviews, average stars) per week from `first` to `last`: every review, with words or
    stars only (marts.fct_reviews, read once per report)."""
    if "marts.fct_reviews" not in tables:
        return []
    return _rows(con, f"select week_start, reviews, avg_rating from {REVIEWS_WEEKLY}"
                      " where week_start between ? and ?", [first, last])


def _content(con, tenant: Tenant, week: Week, tables: set[str], where: str, params: list, limit: int,
             order: str = "s.virality_score desc nulls last, s.views desc nulls last") -> list[ContentItem]:
    if not {"marts.fct_content_scores", "marts.dim_content"} <= tables:
        return []
    # A post without a title (data downloads write "N/A") is named by its local posting time.
    rows = _rows(con, f"""
        select s.content_id, s.platform,
               coalesce(nullif(trim(c.title), ''), c.native_id, strftime(timezone(?, s.posted_at), '%Y-%m-%d %H:%M')),
               c.url, s.posted_local_date,
               s.views, s.shares, s.engagement_rate_views, s.views_vs_usual, s.shares_vs_usual,
               coalesce(s.is_viral, false), coalesce(s.baseline_posts, 0) >= 3,
               s.likes, s.likes_vs_usual, s.comments_vs_usual, s.virality_basis
        from marts.fct_content_scores s join marts.dim_content c using (content_id)
        where s.tenant_id = ? and c.tenant_id = ? and s.posted_local_date <= ? and {where}
        order by {order}, s.content_id limit {int(limit)}""", [tenant.timezone, tenant.id, tenant.id, week.end, *params])
    return [ContentItem(r[0], r[1], _short(r[2]), r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11],
                        likes=r[12], likes_vs_usual=r[13], comments_vs_usual=r[14], basis=r[15])
            for r in rows]


def _short(text: str | None, n: int = 90) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _campaigns(con, tenant: Tenant, week: Week, tables: set[str]) -> list[CampaignItem]:
    if "marts.fct_campaign_performance" not in tables:
        return []
    rows = _rows(con, """
        select p.campaign, p.start_date, p.end_date, p.content_count, p.total_views, p.engagement_rate,
               p.viral_content_count, c.title, p.channels_reached, p.mentions, p.mentioning_customers,
               p.whatsapp_mentions, p.review_mentions, p.comment_mentions, p.whatsapp_forwards, p.voice_uplift,
               p.review_uplift, p.hashtags, p.keywords
        from marts.fct_campaign_performance p
        left join marts.dim_content c on c.content_id = p.top_content_id and c.tenant_id = p.tenant_id
        where p.tenant_id = ? and p.campaign_source = 'declared' and p.start_date <= ? and p.end_date >= ?
        order by p.end_date desc, p.campaign""", [tenant.id, week.end, week.start - timedelta(weeks=BASELINE_WEEKS)])
    out = []
    for r in rows:
        terms = [t.lstrip("#").lower() for t in (r[17] or [])] + [k.lower() for k in (r[18] or [])]
        week_mentions = 0
        if terms and "marts.fct_customer_voice" in tables:
            cond = " or ".join(["contains(lower(text), ?)"] * len(terms))
            week_mentions = _rows(con, f"""
                select count(*) from {VOICE}
                where tenant_id = ? and not is_from_business and local_date between ? and ? and ({cond})""",
                                  [tenant.id, week.start, week.end, *terms])[0][0]
        out.append(CampaignItem(
            name=r[0], start=r[1], end=r[2], active=r[1] <= week.end and r[2] >= week.start,
            content_count=int(r[3] or 0), views=int(r[4] or 0), engagement_rate=r[5], viral_count=int(r[6] or 0),
            top_title=_short(r[7], 70) if r[7] else None, channels_reached=int(r[8] or 0), mentions=int(r[9] or 0),
            customers=int(r[10] or 0),
            by_channel={"ch_content": int(r[3] or 0), "ch_whatsapp": int(r[11] or 0), "ch_reviews": int(r[12] or 0),
                        "ch_comments": int(r[13] or 0)},
            forwards=int(r[14] or 0), voice_uplift=r[15], review_uplift=r[16], week_mentions=int(week_mentions)))
    return out


def _trends(con, tenant: Tenant, week: Week, tables: set[str]) -> tuple[list[TrendItem], bool]:
    if "marts.fct_trends" not in tables:
        return [], False
    first_week = _rows(con, "select min(week_start) from marts.fct_trends where tenant_id = ?", [tenant.id])[0][0]
    judged = first_week is not None and (week.start - first_week).days >= 7 * (BASELINE_WEEKS - 1)
    rows = _rows(con, """
        select term, term_type, support, baseline_median, z_score, status, first_notable_week
        from marts.fct_trends
        where tenant_id = ? and week_start = ? and status <> 'fading'
          and (is_notable or status in ('emerging', 'rising'))
        order by z_score desc nulls last, (status = 'emerging') desc, support desc, term""",
                   [tenant.id, week.start])
    # The strongest bursts first (a week of new words must not hide a trend still well above its normal);
    # every candidate is seen before the five are cut, so a phrase can stand in for its own word.
    chosen: list[tuple] = []
    for r in rows:
        words = set(r[0].lstrip("#").split())
        # A word already inside a chosen phrase with (nearly) the same support says nothing new.
        if r[1] != "bigram" and any(set(c[0].split()) > words and c[2] >= 0.8 * r[2] for c in chosen):
            continue
        if r[1] == "bigram":
            # The phrase takes the place of a word it contains with (nearly) the same support.
            at = next((i for i, c in enumerate(chosen) if c[1] != "bigram"
                       and set(c[0].lstrip("#").split()) < words and r[2] >= 0.8 * c[2]), None)
            if at is not None:
                chosen = [c for c in chosen if not (c[1] != "bigram" and set(c[0].lstrip("#").split()) < words
                                                      and r[2] >= 0.8 * c[2])]
                chosen.insert(min(at, len(chosen)), r)
                continue
        chosen.append(r)
    chosen = chosen[:5]
    out = []
    first = week.shift(-7)
    for r in chosen:
        counts = dict(_rows(con, "select week_start, support from marts.fct_trends where tenant_id = ? and term = ?"
                                 " and term_type = ? and week_start between ? and ?",
                            [tenant.id, r[0], r[1], first.start, week.start]))
        series = [int(counts.get(first.shift(i).start, 0)) for i in range(8)]
        out.append(TrendItem(r[0], r[1], int(r[2]), float(r[3] or 0), r[4], r[5], r[6], series))
    return out, judged


def _quotes(raw: list[str] | None, words: list[str], n: int = 2) -> list[str]:
    out = []
    for q in raw or []:
        q = mask_quote(_short(q, 160), words)
        if q and q not in out:
            out.append(q)
        if len(out) >= n:
            break
    return out


def _themes(con, tenant: Tenant, week: Week, words: list[str]) -> list[ThemeItem]:
    base_start = week.start - timedelta(weeks=BASELINE_WEEKS)
    rows = _rows(con, """
        with weekly as (
            select theme_id,
                   sum(n_texts) filter (where week_start = ?) as week_texts,
                   sum(n_customers) filter (where week_start = ?) as week_customers,
                   sum(n_texts * negative_share) filter (where week_start = ?) as week_negative,
                   sum(n_texts) filter (where week_start >= ? and week_start < ?) as before_texts,
                   sum(n_complaints) filter (where week_start = ?) as week_complaints,
                   sum(n_complaint_customers) filter (where week_start = ?) as week_complaint_customers
            from marts.fct_theme_weekly where tenant_id = ? group by theme_id
        )
        select t.theme_id, t.intent, t.label, coalesce(w.week_texts, 0), coalesce(w.week_customers, 0),
               coalesce(w.before_texts, 0), t.n_texts, t.n_customers, t.first_seen_date, t.last_seen_date,
               t.sentiment_mean, t.negative_share, w.week_negative, t.status, t.quotes,
               t.n_complaints, t.n_questions, t.n_product_ideas, t.n_praise, t.n_other,
               coalesce(w.week_complaints, 0), coalesce(w.week_complaint_customers, 0), t.complaint_quotes
        from marts.dim_theme t left join weekly w using (theme_id)
        where t.tenant_id = ? and (t.first_seen_date is null or t.first_seen_date <= ?)
        order by coalesce(w.week_texts, 0) desc, t.n_texts desc, t.theme_id""",
                   [week.start, week.start, week.start, base_start, week.start, week.start, week.start, tenant.id,
                    tenant.id, week.end])
    return [ThemeItem(
        theme_id=r[0], intent=r[1] or "other", label=mask_quote(r[2], words), week_texts=int(r[3]), week_customers=int(r[4]),
        usual_texts=float(r[5]) / BASELINE_WEEKS, total_texts=int(r[6] or 0), total_customers=int(r[7] or 0),
        first_seen=r[8], last_seen=r[9], sentiment_mean=r[10], negative_share=r[11],
        week_negative_share=(r[12] / r[3]) if r[3] and r[12] is not None else None, status=r[13],
        quotes=_quotes(r[14], words),
        mix={k: int(v or 0) for k, v in zip(("complaint", "question", "product_idea", "praise", "other"), r[15:20],
                                            strict=True)},
        week_complaints=int(r[20]), week_complaint_customers=int(r[21]),
        complaint_quotes=_quotes(r[22], words)) for r in rows]


def _ideas(con, tenant: Tenant, week: Week, words: list[str]) -> list[IdeaItem]:
    # this week's count is the idea group's own texts in the week (an idea group is not its theme: a theme holds
    # complaints and praise of the same thing too)
    rows = _rows(con, """
        select i.idea_rank, i.theme_id, i.label, i.n_customers, i.n_texts, i.last_seen_date, i.growth, i.quotes,
               i.theme_label,
               (select count(*) from marts.fct_voice_theme as v
                where v.idea_id = i.idea_id and v.intent = 'product_idea' and v.local_date between ? and ?)
        from marts.fct_product_ideas as i where i.tenant_id = ? order by i.idea_rank, i.idea_id limit 5""",
                 [week.start, week.end, tenant.id])
    return [IdeaItem(int(r[0]), r[1], mask_quote(r[2], words), int(r[3] or 0), int(r[4] or 0), r[5], r[6],
                     int(r[9] or 0), _quotes(r[7], words),
                     mask_quote(r[8], words) if r[8] and r[8] != r[2] else "") for r in rows]


def _voice_total(con, tenant: Tenant, week: Week, tables: set[str]) -> tuple[Metric, int]:
    if "marts.fct_customer_voice" not in tables:
        return Metric("kpi_messages", None, None), 0
    rows = _rows(con, f"""
        select date_trunc('week', local_date)::date, count(*), count(distinct author_key)
        from {VOICE}
        where tenant_id = ? and not is_from_business and local_date between ? and ? group by 1""",
                 [tenant.id, week.shift(-BASELINE_WEEKS).start, week.end])
    by = {r[0]: (int(r[1]), int(r[2])) for r in rows}
    before = [by.get(week.shift(-i).start, (0, 0))[0] for i in range(1, BASELINE_WEEKS + 1)]
    has_before = _rows(con, f"select count(*) from {VOICE} where tenant_id = ? and local_date < ?",
                       [tenant.id, week.start])[0][0] > 0
    texts, customers = by.get(week.start, (0, 0))
    return Metric("kpi_messages", texts, sum(before) / len(before) if has_before else None), customers


def _kpis(con, tenant: Tenant, week: Week, series: list[WeekPoint], tables: set[str], platforms: list[str],
          voice: Metric, customers: int) -> list[Metric]:
    prev = series[-1 - BASELINE_WEEKS:-1]
    out = []
    if platforms:
        out.append(Metric("kpi_views", series[-1].views, _avg([p.views for p in prev])))
        out.append(Metric("kpi_engagements", series[-1].engagements, _avg([p.engagements for p in prev])))
        followers = _rows(con, """
            select date_trunc('week', date)::date, sum(followers_delta) from marts.fct_account_daily
            where tenant_id = ? and date between ? and ? group by 1""",
                          [tenant.id, week.shift(-BASELINE_WEEKS).start, week.end])
        by = {r[0]: r[1] for r in followers}
        if any(v is not None for v in by.values()):
            out.append(Metric("kpi_followers", by.get(week.start),
                              _avg([by.get(week.shift(-i).start) for i in range(1, BASELINE_WEEKS + 1)])))
    if "marts.dim_content" in tables:
        posts = dict(_rows(con, """
            select date_trunc('week', posted_local_date)::date, count(*) from marts.dim_content
            where tenant_id = ? and posted_local_date between ? and ? group by 1""",
                           [tenant.id, week.shift(-BASELINE_WEEKS).start, week.end]))
        if posts:
            out.append(Metric("kpi_posts", posts.get(week.start, 0),
                              sum(posts.get(week.shift(-i).start, 0) for i in range(1, BASELINE_WEEKS + 1))
                              / BASELINE_WEEKS))
    if voice.value is not None:
        out.append(voice)
        out.append(Metric("kpi_customers", customers, None))
    if "marts.fct_reviews" in tables:
        reviews = {r[0]: (r[1], r[2]) for r in _weekly_reviews(con, tenant, week.shift(-BASELINE_WEEKS).start,
                                                                week.end, tables)}
        if reviews:
            prev_weeks = [reviews.get(week.shift(-i).start) for i in range(1, BASELINE_WEEKS + 1)]
            out.append(Metric("kpi_reviews", reviews.get(week.start, (0, None))[0],
                              sum(w[0] for w in prev_weeks if w) / BASELINE_WEEKS))
            out.append(Metric("kpi_rating", reviews.get(week.start, (0, None))[1],
                              _avg([w[1] for w in prev_weeks if w]), kind="dec"))
    return out


def _notes(con, tenant: Tenant, week: Week, tables: set[str], platforms: list[str]) -> DataNotes:
    notes = DataNotes(account_daily_platforms=platforms)
    queries = [("marts.fct_account_daily", "src_account", "platform", "date", ""),
               ("marts.fct_content_metrics", "src_content", "platform", "observed_local_date", ""),
               ("marts.fct_customer_voice", "src_voice_", "platform, channel", "local_date", " and not is_from_business")]
    for table, key, group, column, extra in queries:
        if table not in tables:
            continue
        source = VOICE if table == "marts.fct_customer_voice" else table
        for r in _rows(con, f"select {group}, min({column}), max({column}) from {source} where tenant_id = ?{extra}"
                            f" and {column} <= ? group by all order by all", [tenant.id, week.end]):
            k = key + r[1] if key == "src_voice_" else key
            notes.sources.append(SourceCoverage(k, r[0], r[-2], r[-1], r[-1] is not None and r[-1] >= week.end
                                                - timedelta(days=1)))
    if "ops.ingested_files" in tables:
        notes.files_loaded = _rows(con, "select count(*) from ops.ingested_files where tenant_id = ? and status = 'loaded'",
                                   [tenant.id])[0][0]
        notes.files_rejected = [(p.rsplit("/", 1)[-1], _short(e, 140), _short(i, 140)) for p, e, i in _rows(
            con, "select path, coalesce(error, ''), coalesce(error_id, error, '') from ops.ingested_files"
                 " where tenant_id = ? and status = 'rejected'"
                 " order by ingested_at desc, path limit 5", [tenant.id])]
        notes.quarantined = int(_rows(con, "select count(*) from ops.quarantine where tenant_id = ?", [tenant.id])[0][0])
        notes.quarantine_reasons = [(_short(en, 120), _short(shown, 120), n) for en, shown, n in common_reasons(con, tenant.id)]
    return notes


def _findings(d: ReportData) -> list[Phrase]:
    out: list[Phrase] = []
    views = next((k for k in d.kpis if k.key == "kpi_views"), None)
    if views and views.value is not None and views.before:
        out.append(Phrase("f_views", {"views": int(views.value), "change": Change(views.change),
                                      "before": int(round(views.before))}))
    viral_week = [c for c in d.week_content if c.is_viral]
    if viral_week:
        c = viral_week[0]
        out.append(Phrase("f_viral_week", {"title": Quote(c.title), "platform": platform_name(c.platform),
                                           "reason": c.reason()}))
    elif d.viral_recent:
        c = d.viral_recent[0]
        out.append(Phrase("f_viral_recent", {"title": Quote(c.title), "date": c.posted, "reason": c.reason()}))
    if d.trends:
        t = d.trends[0]
        out.append(Phrase("f_trend", {"term": Quote(t.term), "support": t.support}))
    complaints = [c for c in d.complaints if c.week_customers]
    if complaints:
        c = complaints[0]
        out.append(Phrase("f_complaint", {"label": Quote(c.label), "customers": c.week_customers}))
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


def _actions(d: ReportData) -> list[Phrase]:
    """Concrete things to do, each with the figures that call for it, most pressing first (at most 5)."""
    out: list[Phrase] = []
    complaints = [c for c in d.complaints if c.week_customers]
    if complaints:
        c = complaints[0]
        out.append(Phrase("r_complaint", {"label": Quote(c.label)}, Phrase("e_complaint", {
            "customers": c.week_customers, "negative": Pct(c.week_negative_share or c.negative_share or 0),
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


# The customer-voice mart is a view over every review and message: the columns the report reads are read
# from it once into this temp table (texts only for the report's week), not once per section.
VOICE = "_gaung_report_voice"


def _read_voice_once(con: duckdb.DuckDBPyConnection, tenant: Tenant, week: Week, tables: set[str]) -> None:
    if "marts.fct_customer_voice" in tables:
        con.execute(f"""
            create or replace temp table {VOICE} as
            select tenant_id, platform, channel, product_name, local_date, is_from_business, author_key, rating,
                   case when local_date between ? and ? then text end as text
            from marts.fct_customer_voice where tenant_id = ?""", [week.start, week.end, tenant.id])


# Every review (marts.fct_reviews, also a view over the reviews) counted per week once.
REVIEWS_WEEKLY = "_gaung_report_reviews"


def _read_reviews_once(con: duckdb.DuckDBPyConnection, tenant: Tenant, week: Week, tables: set[str]) -> None:
    if "marts.fct_reviews" in tables:
        con.execute(f"""
            create or replace temp table {REVIEWS_WEEKLY} as
            select date_trunc('week', local_date)::date as week_start, count(*) as reviews, avg(rating) as avg_rating
            from marts.fct_reviews where tenant_id = ? and local_date <= ? group by 1""", [tenant.id, week.end])


def build_report_data(con: duckdb.DuckDBPyConnection, tenant: Tenant, week: Week) -> ReportData:
    """Read one tenant's marts (a read-only connection to its own warehouse) into the report for `week`."""
    tables = _tables(con)
    _read_voice_once(con, tenant, week, tables)
    _read_reviews_once(con, tenant, week, tables)
    try:
        return _report_data(con, tenant, week, tables)
    finally:
        con.execute(f"drop table if exists {VOICE}")
        con.execute(f"drop table if exists {REVIEWS_WEEKLY}")


def _report_data(con: duckdb.DuckDBPyConnection, tenant: Tenant, week: Week, tables: set[str]) -> ReportData:
    words = _masking_words(con, tenant, tables)
    series, platforms = _series(con, tenant, week, tables)
    voice, customers = _voice_total(con, tenant, week, tables)
    kpis = _kpis(con, tenant, week, series, tables, platforms, voice, customers)
    history_start = week.shift(-(HISTORY_WEEKS - 1)).start
    week_content = _content(con, tenant, week, tables, "s.posted_local_date >= ?", [week.start], 3)
    viral_recent = _content(con, tenant, week, tables, "s.is_viral and s.posted_local_date >= ?", [history_start], 3)
    top = _content(con, tenant, week, tables, "s.posted_local_date >= ?", [history_start], 6,
                   order="s.views desc nulls last")
    # marts from before themes spanned intents (no intent mix) wait for the next `gaung themes`
    feedback_ready = all(f"marts.{t}" in tables for t in FEEDBACK_TABLES) and bool(_rows(
        con, "select 1 from information_schema.columns where table_schema = 'marts' and table_name = 'dim_theme' "
             "and column_name = 'n_complaints'"))
    themes = _themes(con, tenant, week, words) if feedback_ready else []
    ideas = _ideas(con, tenant, week, words) if feedback_ready else []
    recent = week.start - timedelta(weeks=BASELINE_WEEKS - 1)
    # a theme is a complaint to handle when complaints are its main intent or a third of its texts
    complaints = sorted([t for t in themes if (t.intent == "complaint" or 3 * t.mix.get("complaint", 0) >= t.total_texts > 0)
                         and (t.week_texts or t.usual_texts or (t.last_seen and t.last_seen >= recent))],
                        key=lambda t: (-t.week_complaint_customers, -t.week_customers, -t.week_texts,
                                       -(t.negative_share or 0), t.theme_id))
    trends, judged = _trends(con, tenant, week, tables)
    notes = _notes(con, tenant, week, tables, platforms)
    notes.feedback_ready = feedback_ready
    if feedback_ready:
        notes.feedback_last = _rows(con, "select max(local_date) from marts.fct_voice_signals where tenant_id = ?",
                                    [tenant.id])[0][0]
    has_data = any(p.views or p.messages or p.reviews for p in series[-1:]) or bool(week_content)
    data = ReportData(
        tenant_id=tenant.id, tenant_name=tenant.name, week=week, has_data=has_data, kpis=kpis, series=series,
        week_content=week_content, viral_recent=viral_recent, top_content=top,
        has_content="marts.fct_content_scores" in tables and bool(top or week_content),
        campaigns=_campaigns(con, tenant, week, tables), trends=trends, trends_judged=judged, voice_texts=voice,
        voice_customers=customers, feedback_ready=feedback_ready, themes=[t for t in themes if t.intent != "other"],
        ideas=ideas, complaints=complaints[:4], findings=[], actions=[], notes=notes)
    data.findings = _findings(data)
    data.actions = _actions(data)
    return data
