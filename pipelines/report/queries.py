"""The report's queries, one named function each, returning typed rows: what data.py assembles the report from.

They read the marts (and ops, the warehouse's own bookkeeping) of one tenant's warehouse, never raw or staging,
and nothing after the week's Sunday. The customer-voice mart and the reviews mart are views over every message
and review: `read_voice_once` copies the columns the report needs into a temporary table first, so each
section reads that table rather than the views again (`forget_voice` drops it).
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

import duckdb

from warehouse.connection import fetch_value

Con = duckdb.DuckDBPyConnection

# The customer-voice mart read once (texts only for the report's week) and every review counted per week once.
VOICE = "_gaung_report_voice"
REVIEWS_WEEKLY = "_gaung_report_reviews"


def fetch_rows(con: Con, sql: str, params: list | None = None) -> list[tuple]:
    """Every row of a query, as tuples (only the named queries below read them by position)."""
    return con.execute(sql, params or []).fetchall()


def tables(con: Con) -> set[str]:
    """Every table and view of the warehouse, as 'schema.name'."""
    return {f"{s}.{t}" for s, t in fetch_rows(con, "select table_schema, table_name from information_schema.tables")}


def read_voice_once(con: Con, tenant_id: str, start: date, end: date, present: set[str],
                    terms: list[str] | None = None) -> None:
    """Copy the voice mart's columns the report reads (texts from `start` to `end` only, and which of the
    lower-case `terms` each text holds as a whole word) and the reviews per week up to `end` into temporary
    tables, where those marts exist."""
    if "marts.fct_customer_voice" in present:
        not_word = r"[^\pL\pN_]"
        found = f"(?:^|{not_word})({'|'.join(re.escape(t) for t in terms)})(?:{not_word}|$)".replace("'", "''")
        # spaces and commas doubled, as each match eats the character after it (as privacy.people_terms does)
        holds = (f"regexp_extract_all(regexp_replace(lower(text), '([\\s,;:!?()/])', '\\1\\1', 'g'), '{found}', 1)"
                 if terms else "[]::varchar[]")
        con.execute(f"""
            create or replace temp table {VOICE} as
            select tenant_id, platform, channel, product_name, local_date, is_from_business, author_key, rating,
                   case when local_date between ? and ? then text end as text, {holds} as terms
            from marts.fct_customer_voice where tenant_id = ?""", [start, end, tenant_id])
    if "marts.fct_reviews" in present:
        con.execute(f"""
            create or replace temp table {REVIEWS_WEEKLY} as
            select date_trunc('week', local_date)::date as week_start, count(*) as reviews, avg(rating) as avg_rating
            from marts.fct_reviews where tenant_id = ? and local_date <= ? group by 1""", [tenant_id, end])


def terms_shown(con: Con, present: set[str]) -> set[str]:
    """The terms given to read_voice_once that some text of the voice mart holds, as the mart shows them (the
    names of people it knows are already cut to their initial there)."""
    if "marts.fct_customer_voice" not in present:
        return set()
    return {t for (t,) in fetch_rows(con, f"select distinct unnest(terms) from {VOICE}")}


def known_names(con: Con, present: set[str]) -> list[str]:
    """Every name and number the warehouse has pseudonymised (ops.pseudonyms: senders, reviewers, commenters,
    the business's own)."""
    if "ops.pseudonyms" not in present:
        return []
    return [r for (r,) in fetch_rows(con, "select raw from ops.pseudonyms where raw is not null order by raw")]


def forget_voice(con: Con) -> None:
    """Drop what read_voice_once wrote."""
    con.execute(f"drop table if exists {VOICE}")
    con.execute(f"drop table if exists {REVIEWS_WEEKLY}")


# --- weekly totals ---------------------------------------------------------------------------------------------

class AccountWeek(NamedTuple):
    week_start: date
    views: int | None
    engagements: int | None
    followers_delta: int | None


def account_weeks(con: Con, tenant_id: str, first: date, last: date) -> list[AccountWeek]:
    """Views, engagements (likes + comments + shares) and follower change per week, all accounts together."""
    return [AccountWeek._make(r) for r in fetch_rows(con, """
        select date_trunc('week', date)::date, sum(views),
               sum(coalesce(likes, 0) + coalesce(comments, 0) + coalesce(shares, 0)), sum(followers_delta)
        from marts.fct_account_daily where tenant_id = ? and date between ? and ? group by 1""",
                                                [tenant_id, first, last])]


def account_platforms(con: Con, tenant_id: str, last: date) -> list[str]:
    """The platforms with account figures up to `last`."""
    return [p for (p,) in fetch_rows(con, "select distinct platform from marts.fct_account_daily"
                                     " where tenant_id = ? and date <= ? order by 1", [tenant_id, last])]


def posts_per_week(con: Con, tenant_id: str, first: date, last: date) -> dict[date, int]:
    """Posts per week (week start -> count) posted from `first` to `last`."""
    return dict(fetch_rows(con, """
        select date_trunc('week', posted_local_date)::date, count(*) from marts.dim_content
        where tenant_id = ? and posted_local_date between ? and ? group by 1""", [tenant_id, first, last]))


class VoiceWeek(NamedTuple):
    week_start: date
    texts: int
    customers: int


def messages_per_week(con: Con, tenant_id: str, first: date, last: date) -> dict[date, int]:
    """Customers' messages and comments (not reviews) per week, from `first` to `last`."""
    return {start: int(n) for start, n in fetch_rows(con, f"""
        select date_trunc('week', local_date)::date, count(*) from {VOICE}
        where tenant_id = ? and not is_from_business and channel <> 'review' and local_date between ? and ?
        group by 1""", [tenant_id, first, last])}


def voice_weeks(con: Con, tenant_id: str, first: date, last: date) -> list[VoiceWeek]:
    """Customers' texts of every kind and the customers who wrote them, per week from `first` to `last`."""
    return [VoiceWeek(start, int(n), int(c)) for start, n, c in fetch_rows(con, f"""
        select date_trunc('week', local_date)::date, count(*), count(distinct author_key)
        from {VOICE}
        where tenant_id = ? and not is_from_business and local_date between ? and ? group by 1""",
                                                                    [tenant_id, first, last])]


def has_voice_before(con: Con, tenant_id: str, day: date) -> bool:
    """Whether any text is dated before `day`."""
    return fetch_value(con, f"select count(*) from {VOICE} where tenant_id = ? and local_date < ?", [tenant_id, day]) > 0


class ReviewWeek(NamedTuple):
    week_start: date
    reviews: int
    avg_rating: float | None


def review_weeks(con: Con, first: date, last: date) -> list[ReviewWeek]:
    """Every review (with words or stars only) and the average stars, per week from `first` to `last`."""
    return [ReviewWeek._make(r) for r in fetch_rows(con, f"select week_start, reviews, avg_rating from {REVIEWS_WEEKLY}"
                                                    " where week_start between ? and ?", [first, last])]


# --- content ---------------------------------------------------------------------------------------------------

class ContentRow(NamedTuple):
    content_id: str
    platform: str
    title: str | None
    url: str | None
    posted_local_date: date | None
    views: int | None
    shares: int | None
    engagement_rate_views: float | None
    views_vs_usual: float | None
    shares_vs_usual: float | None
    is_viral: bool
    likes: int | None
    likes_vs_usual: float | None
    virality_basis: str | None
    viral_reason: str
    viral_reason_id: str


def content_posted(con: Con, tenant_id: str, timezone: str, first: date, last: date, limit: int, *,
                   viral_only: bool = False, by_views: bool = False) -> list[ContentRow]:
    """Scored posts posted from `first` to `last` (only the viral ones if asked), the most viral first (the
    most viewed if `by_views`), at most `limit`, with the mart's reason for its verdict in English and
    Indonesian. A post without a title (data downloads write "N/A") is named by its local posting time."""
    order = "s.views desc nulls last" if by_views else "s.virality_score desc nulls last, s.views desc nulls last"
    return [ContentRow._make(r) for r in fetch_rows(con, f"""
        select s.content_id, s.platform,
               coalesce(nullif(trim(c.title), ''), c.native_id, strftime(timezone(?, s.posted_at), '%Y-%m-%d %H:%M')),
               c.url, s.posted_local_date,
               s.views, s.shares, s.engagement_rate_views, s.views_vs_usual, s.shares_vs_usual,
               coalesce(s.is_viral, false), s.likes, s.likes_vs_usual, s.virality_basis,
               s.viral_reason, s.viral_reason_id
        from marts.fct_content_scores s join marts.dim_content c using (content_id)
        where s.tenant_id = ? and c.tenant_id = ? and s.posted_local_date <= ?
          and s.posted_local_date >= ? {'and s.is_viral' if viral_only else ''}
        order by {order}, s.content_id limit {int(limit)}""", [timezone, tenant_id, tenant_id, last, first])]


class CampaignRow(NamedTuple):
    campaign: str
    start_date: date
    end_date: date
    content_count: int | None
    total_views: int | None
    engagement_rate: float | None
    viral_content_count: int | None
    top_title: str | None
    channels_reached: int | None
    mentions: int | None
    mentioning_customers: int | None
    whatsapp_mentions: int | None
    review_mentions: int | None
    comment_mentions: int | None
    whatsapp_forwards: int | None
    voice_uplift: float | None
    review_uplift: float | None
    hashtags: list[str] | None
    keywords: list[str] | None


def campaigns_between(con: Con, tenant_id: str, first: date, last: date) -> list[CampaignRow]:
    """The declared campaigns running at some point from `first` to `last`, the latest ending first."""
    return [CampaignRow._make(r) for r in fetch_rows(con, """
        select p.campaign, p.start_date, p.end_date, p.content_count, p.total_views, p.engagement_rate,
               p.viral_content_count, c.title, p.channels_reached, p.mentions, p.mentioning_customers,
               p.whatsapp_mentions, p.review_mentions, p.comment_mentions, p.whatsapp_forwards, p.voice_uplift,
               p.review_uplift, p.hashtags, p.keywords
        from marts.fct_campaign_performance p
        left join marts.dim_content c on c.content_id = p.top_content_id and c.tenant_id = p.tenant_id
        where p.tenant_id = ? and p.campaign_source = 'declared' and p.start_date <= ? and p.end_date >= ?
        order by p.end_date desc, p.campaign""", [tenant_id, last, first])]


def texts_mentioning(con: Con, tenant_id: str, first: date, last: date, terms: list[str]) -> int:
    """Customers' texts from `first` to `last` holding any of the (lower-case) terms."""
    cond = " or ".join(["contains(lower(text), ?)"] * len(terms))
    return int(fetch_value(con, f"""
        select count(*) from {VOICE}
        where tenant_id = ? and not is_from_business and local_date between ? and ? and ({cond})""",
                      [tenant_id, first, last, *terms]))


# --- trends ----------------------------------------------------------------------------------------------------

class TrendRow(NamedTuple):
    term: str
    term_type: str
    support: int
    baseline_median: float | None
    z_score: float | None
    status: str
    first_notable_week: date | None


def first_trend_week(con: Con, tenant_id: str) -> date | None:
    """The first week the trends mart judged."""
    return fetch_value(con, "select min(week_start) from marts.fct_trends where tenant_id = ?", [tenant_id])


def trends_of_week(con: Con, tenant_id: str, week_start: date) -> list[TrendRow]:
    """The week's notable, emerging or rising terms (not the fading), the strongest burst first."""
    return [TrendRow._make(r) for r in fetch_rows(con, """
        select term, term_type, support, baseline_median, z_score, status, first_notable_week
        from marts.fct_trends
        where tenant_id = ? and week_start = ? and status <> 'fading'
          and (is_notable or status in ('emerging', 'rising'))
        order by z_score desc nulls last, (status = 'emerging') desc, support desc, term""",
                                             [tenant_id, week_start])]


def term_support(con: Con, tenant_id: str, term: str, term_type: str, first: date, last: date) -> dict[date, int]:
    """One term's support per week (week start -> texts) from `first` to `last`."""
    return dict(fetch_rows(con, "select week_start, support from marts.fct_trends where tenant_id = ? and term = ?"
                           " and term_type = ? and week_start between ? and ?", [tenant_id, term, term_type, first, last]))


# --- data notes ------------------------------------------------------------------------------------------------

class Coverage(NamedTuple):
    platform: str
    channel: str | None  # voice sources only
    first: date | None
    last: date | None


def source_coverage(con: Con, tenant_id: str, last: date, present: set[str]) -> dict[str, list[Coverage]]:
    """The first and last day each source has data for, up to `last`: account figures and content metrics per
    platform, customers' texts per platform and channel (keyed src_account, src_content, src_voice_)."""
    queries = [("marts.fct_account_daily", "src_account", "platform, null", "date", ""),
               ("marts.fct_content_metrics", "src_content", "platform, null", "observed_local_date", ""),
               ("marts.fct_customer_voice", "src_voice_", "platform, channel", "local_date",
                " and not is_from_business")]
    out: dict[str, list[Coverage]] = {}
    for table, key, group, column, extra in queries:
        if table in present:
            source = VOICE if table == "marts.fct_customer_voice" else table
            out[key] = [Coverage._make(r) for r in fetch_rows(con, f"""
                select {group}, min({column}), max({column}) from {source} where tenant_id = ?{extra}
                and {column} <= ? group by all order by all""", [tenant_id, last])]
    return out


class RejectedFile(NamedTuple):
    path: str
    error: str
    error_id: str


def files_loaded(con: Con, tenant_id: str) -> int:
    """Files ingested and loaded, ever."""
    return fetch_value(con, "select count(*) from ops.ingested_files where tenant_id = ? and status = 'loaded'", [tenant_id])


def files_rejected(con: Con, tenant_id: str, limit: int = 5) -> list[RejectedFile]:
    """The latest rejected files, with their error in English and (error_id) in Indonesian."""
    return [RejectedFile._make(r) for r in fetch_rows(con, f"""
        select path, coalesce(error, ''), coalesce(error_id, error, '') from ops.ingested_files
        where tenant_id = ? and status = 'rejected' order by ingested_at desc, path limit {int(limit)}""", [tenant_id])]


def rows_quarantined(con: Con, tenant_id: str) -> int:
    """Rows set aside by the parsers, ever."""
    return int(fetch_value(con, "select count(*) from ops.quarantine where tenant_id = ?", [tenant_id]))
