"""What needs the owner today, found in a tenant's marts as of a given moment (never the clock).

Every rule compares the tenant with itself: a post with the account's earlier posts at the same age, a day's
complaints with the same hours of the same weekday in earlier weeks (median and MAD, as the scoring does).
Formulas: docs/formulas.md, "Alerts". Columns are read by name where the feedback marts may change shape
(themes across intents, intent per text), and a mart that is missing only turns its alerts off.

The rules live in modules named after what they find: surges.py (complaints, reviews, ratings, campaign
mentions), viral.py (posts); product ideas and unanswered questions are here. voice.py loads the customers'
words they read.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb
import polars as pl

from pipelines.alerts.config import AlertSettings
from pipelines.alerts.detection import Detection
from pipelines.alerts.surges import campaign_surges, rating_surge, voice_surges
from pipelines.alerts.viral import viral_posts
from pipelines.alerts.voice import (
    VOICE,
    columns_of,
    fill_review_texts,
    has_table,
    load_voice,
    quote,
    theme_labels,
)
from pipelines.tenants import Tenant

__all__ = ["Detection", "detect", "frame"]  # Detection: alerts/messages.py, alerts/notify.py


def product_ideas(con: duckdb.DuckDBPyConnection, tenant: Tenant, now: datetime, conf: AlertSettings) -> list[Detection]:
    """A product-idea theme asked for by `idea_customers` distinct customers, having had fewer a week earlier."""
    if not has_table(con, "marts", "fct_voice_theme"):
        return []
    cols = columns_of(con, "marts", "fct_voice_theme")
    if not {"voice_id", "theme_id"} <= cols:
        return []
    # intent per text: the signals mart, else the theme mart's own column (themes may span intents)
    if has_table(con, "marts", "fct_voice_signals") and "intent" in columns_of(con, "marts", "fct_voice_signals"):
        intent_join, intent = "left join marts.fct_voice_signals as s using (voice_id)", "s.intent"
    elif "intent" in cols:
        intent_join, intent = "", "t.intent"
    else:
        return []
    today = now.astimezone(ZoneInfo(tenant.timezone)).date()
    # the theme mart carries each text's local date and customer; else they come from the voice mart
    if {"local_date", "author_key"} <= cols:
        source, who, day = "marts.fct_voice_theme as t", "coalesce(t.author_key, 'voice:' || t.voice_id)", "t.local_date"
    else:
        source = "marts.fct_voice_theme as t join marts.fct_customer_voice as c using (voice_id)"
        who, day = "coalesce(c.author_key, 'voice:' || t.voice_id)", "c.local_date"
    # the unit is a product idea: the idea group where the themes mart has one (a theme spanning intents may hold
    # several ideas), else the theme; an idea text is one whose intent is product_idea
    unit = "idea_id" if "idea_id" in cols else "theme_id"
    rows = con.execute(f"""
        select t.{unit},
               count(distinct {who}) filter (where {day} <= ?) as n_now,
               count(distinct {who}) filter (where {day} <= ?) as n_before
        from {source}
        {intent_join}
        where {intent} = 'product_idea' and {day} <= ? and coalesce(t.{unit}, '') <> ''
        group by t.{unit}
        having n_now >= ? and n_before < ?
        order by n_now desc, t.{unit}
    """, [today, today - timedelta(days=7), today, conf.idea_customers, conf.idea_customers]).fetchall()
    labels = theme_labels(con)
    if unit == "idea_id" and has_table(con, "marts", "fct_product_ideas") and {"idea_id", "label"} <= columns_of(
            con, "marts", "fct_product_ideas"):
        labels |= dict(con.execute("select idea_id, label from marts.fct_product_ideas").fetchall())
    out = []
    for subject, n_now, n_before in rows:
        literal = "'" + str(subject).replace("'", "''") + "'"
        fill_review_texts(con, f"voice_id in (select voice_id from marts.fct_voice_theme where {unit} = {literal})")
        texts = con.execute(f"""select v.text from {VOICE} as v join marts.fct_voice_theme as t using (voice_id)
                                where t.{unit} = ? and v.intent = 'product_idea' and not v.is_from_business
                                order by v.created_at desc, v.voice_id limit 20""", [subject]).fetchall()
        quotes: list[str] = []
        for (text,) in texts:
            q = quote(text)
            if q and q.casefold() not in {o.casefold() for o in quotes}:
                quotes.append(q)
            if len(quotes) >= 2:
                break
        out.append(Detection("product_idea", subject, float(n_now), float(n_before), {
            "theme": labels.get(subject) or (quotes[0] if quotes else subject), "quotes": quotes}))
    return out

def unanswered_questions(con: duckdb.DuckDBPyConnection, now: datetime, conf: AlertSettings) -> list[Detection]:
    """Customer questions in WhatsApp chats and comment threads with no word from the business after them, older
    than `unanswered_hours`; only where the business's own replies are in the data (else silence proves nothing)."""
    parts = []
    if has_table(con, "staging", "stg_whatsapp__messages"):
        parts.append("""
            select md5('whatsapp|' || message_id) as voice_id, 'whatsapp' as platform,
                   'wa:' || coalesce(chat_key, author_key, message_id) as conversation, is_from_business, created_at
            from staging.stg_whatsapp__messages
            where created_at <= $now and not is_deleted""")
    parts.append(f"""
            select voice_id, platform, 'comment:' || content_id as conversation, is_from_business, created_at
            from {VOICE} where channel = 'comment' and content_id is not null""")
    rows = con.execute(f"""
        with said as ({' union all '.join(parts)}),
        business as (
            select conversation, max(created_at) as last_reply from said where is_from_business group by conversation
        ),
        questions as (
            select q.voice_id, q.platform, s.conversation, q.created_at, q.text
            from {VOICE} as q join said as s using (voice_id)
            where q.intent = 'question' and q.channel in ('message', 'comment') and not q.is_from_business
              and q.created_at <= $now - to_seconds(cast($wait * 3600 as bigint))
              and q.created_at >= $now - to_seconds(cast($max_age * 3600 as bigint))
        ),
        waiting as (
            select q.* from questions as q join business as b using (conversation)
            where b.last_reply < q.created_at
        )
        select conversation, arg_min(voice_id, created_at), min(created_at), arg_min(text, created_at),
               any_value(platform), count(*)
        from waiting group by conversation order by min(created_at), conversation
    """, {"now": now, "wait": conf.unanswered_hours, "max_age": conf.unanswered_max_age_hours}).fetchall()
    out = []
    for conversation, voice_id, asked_at, text, platform, n in rows:
        hours = (now - asked_at).total_seconds() / 3600
        out.append(Detection("unanswered_question", voice_id, round(hours, 1), conf.unanswered_hours, {
            "quotes": [quote(text)], "platform": platform, "asked_at": asked_at, "questions": n,
            "channel": "comment" if conversation.startswith("comment:") else "whatsapp"}))
    return out


def detect(con: duckdb.DuckDBPyConnection, tenant: Tenant, now: datetime) -> list[Detection]:
    """Every alert kind the tenant has switched on, as of `now` (a timezone-aware moment)."""
    conf = tenant.alerts
    if not has_table(con, "marts", "fct_customer_voice"):
        return []
    load_voice(con, now, conf)
    found: list[Detection] = []
    kinds = set(conf.kinds)
    if "viral_post" in kinds:
        found += viral_posts(con, now, conf)
    if kinds & {"complaint_surge", "review_surge"}:
        found += [d for d in voice_surges(con, now, conf) if d.kind in kinds]
    if "rating_surge" in kinds:
        found += rating_surge(con, now, conf)
    if "product_idea" in kinds:
        found += product_ideas(con, tenant, now, conf)
    if "unanswered_question" in kinds:
        found += unanswered_questions(con, now, conf)
    if "campaign_mentions" in kinds:
        found += campaign_surges(con, tenant, now, conf)
    return found


def frame(found: list[Detection]) -> pl.DataFrame:
    """Detections as a table (for printing and tests)."""
    return pl.DataFrame({"kind": [d.kind for d in found], "subject": [d.subject for d in found],
                         "figure": [d.figure for d in found], "baseline": [d.baseline for d in found]},
                        schema={"kind": pl.String, "subject": pl.String, "figure": pl.Float64, "baseline": pl.Float64})
