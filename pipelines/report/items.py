"""What the weekly report says, as plain dataclasses: data.py fills them from the marts, the recommendations
read them, rendering only formats them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pipelines.report.texts import Phrase, Written
from pipelines.report.weeks import Week


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
    reason: Written  # why it is viral or not, as the mart words it (viral_reason, viral_reason_id)
    likes: int | None = None
    likes_vs_usual: float | None = None
    basis: str | None = None  # 'views', or 'likes' where no source gave views (data downloads)


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

    @property
    def complaint_figures(self) -> tuple[int, int]:
        """(customers, texts) this week as the complaints section counts them: the complaints, or, in a week
        without any, everything said about the theme."""
        if self.week_complaint_customers:
            return self.week_complaint_customers, self.week_complaints
        return self.week_customers, self.week_texts


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
