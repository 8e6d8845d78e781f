"""The report's queries on what customers say: the feedback marts' themes and product ideas.

Like queries.py, one named function each returning typed rows, reading the marts only.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from pipelines.report.queries import Con, fetch_rows
from warehouse.connection import fetch_value

FEEDBACK_TABLES = ("fct_voice_signals", "dim_theme", "fct_voice_theme", "fct_theme_weekly", "fct_product_ideas")
INTENTS = ("complaint", "question", "product_idea", "praise", "other")


def feedback_ready(con: Con, present: set[str]) -> bool:
    """Whether the feedback marts exist, in their current shape: marts from before themes spanned intents (no
    intent mix) wait for the next `gaung themes`."""
    return all(f"marts.{t}" in present for t in FEEDBACK_TABLES) and bool(fetch_rows(
        con, "select 1 from information_schema.columns where table_schema = 'marts' and table_name = 'dim_theme' "
             "and column_name = 'n_complaints'"))


def feedback_last(con: Con, tenant_id: str) -> date | None:
    """The last day the feedback analysis covers."""
    return fetch_value(con, "select max(local_date) from marts.fct_voice_signals where tenant_id = ?", [tenant_id])


class ThemeRow(NamedTuple):
    theme_id: str
    intent: str | None
    label: str
    week_texts: int
    week_customers: int
    before_texts: int  # texts in the weeks before the report's week (see themes_of_week)
    n_texts: int | None
    n_customers: int | None
    first_seen_date: date | None
    last_seen_date: date | None
    sentiment_mean: float | None
    negative_share: float | None
    week_negative: float | None  # texts this week times their negative share
    status: str | None
    quotes: list[str] | None
    n_complaints: int | None
    n_questions: int | None
    n_product_ideas: int | None
    n_praise: int | None
    n_other: int | None
    week_complaints: int
    week_complaint_customers: int
    complaint_quotes: list[str] | None

    def mix(self) -> dict[str, int]:
        """Texts per intent, all weeks."""
        counts = (self.n_complaints, self.n_questions, self.n_product_ideas, self.n_praise, self.n_other)
        return {k: int(v or 0) for k, v in zip(INTENTS, counts, strict=True)}


def themes_of_week(con: Con, tenant_id: str, week_start: date, week_end: date, before: date) -> list[ThemeRow]:
    """Every theme seen by `week_end`, with its figures of the week starting `week_start` and its texts from
    `before` to that week; the week's busiest first."""
    return [ThemeRow._make(r) for r in fetch_rows(con, """
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
                                             [week_start, week_start, week_start, before, week_start, week_start,
                                              week_start, tenant_id, tenant_id, week_end])]


class IdeaRow(NamedTuple):
    idea_rank: int
    theme_id: str
    label: str
    n_customers: int | None
    n_texts: int | None
    last_seen_date: date | None
    growth: float | None
    quotes: list[str] | None
    theme_label: str | None
    week_texts: int  # the idea group's own texts in the week (a theme holds complaints and praise of it too)


def top_ideas(con: Con, tenant_id: str, week_start: date, week_end: date, limit: int = 5) -> list[IdeaRow]:
    """The highest ranked product ideas, with their texts in the week."""
    return [IdeaRow._make(r) for r in fetch_rows(con, f"""
        select i.idea_rank, i.theme_id, i.label, i.n_customers, i.n_texts, i.last_seen_date, i.growth, i.quotes,
               i.theme_label,
               (select count(*) from marts.fct_voice_theme as v
                where v.idea_id = i.idea_id and v.intent = 'product_idea' and v.local_date between ? and ?)
        from marts.fct_product_ideas as i where i.tenant_id = ? order by i.idea_rank, i.idea_id
        limit {int(limit)}""", [week_start, week_end, tenant_id])]
