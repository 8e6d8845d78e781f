"""What needs the owner today, found in a tenant's marts as of a given moment (never the clock).

Every rule compares the tenant with itself: a post with the account's earlier posts at the same age, a day's
complaints with the same hours of the same weekday in earlier weeks (median and MAD, as the scoring does).
Formulas: docs/formulas.md, "Alerts". Columns are read by name where the feedback marts may change shape
(themes across intents, intent per text), and a mart that is missing only turns its alerts off.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb
import polars as pl

from pipelines.alerts.config import AlertSettings
from pipelines.privacy import mask_quote, sql_mask_phones
from pipelines.tenants import Tenant
from warehouse.connection import fetch_value, query_frame, register_frame

VOICE = "_gaung_alert_voice"
QUOTE_CHARS = 140


@dataclass
class Detection:
    """One thing found: kind, subject (what it is about), the figure against its baseline, and the facts a
    message needs (a label, quotes, a link)."""

    kind: str
    subject: str
    figure: float
    baseline: float | None
    facts: dict = field(default_factory=dict)
    link: str | None = None


def _exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    return bool(fetch_value(con, "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                            [schema, name]))


def _columns(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> set[str]:
    return {r[0] for r in con.execute("select column_name from information_schema.columns where table_schema = ? "
                                      "and table_name = ?", [schema, name]).fetchall()}


def quote(text: str | None) -> str:
    """A customer's words fit to send: phones, handles and names masked (pipelines.privacy), one line, short."""
    tidy = " ".join((mask_quote(text or "") or "").split())
    return tidy if len(tidy) <= QUOTE_CHARS else tidy[: QUOTE_CHARS - 1].rstrip() + "…"


def robust_surge(current: float, past: list[float]) -> tuple[float, float, float]:
    """(median, scale, z) of a count against earlier counts: z = (x - median) / max(1.4826 MAD, sqrt(max(median, 1)))."""
    med = statistics.median(past)
    mad = statistics.median([abs(p - med) for p in past])
    scale = max(1.4826 * mad, math.sqrt(max(med, 1.0)))
    return med, scale, (current - med) / scale


def load_voice(con: duckdb.DuckDBPyConnection, now: datetime, conf: AlertSettings) -> int:
    """The customers' words of the baseline window into a temporary table, with intent, sentiment and theme where
    the feedback stage has them; texts it has not seen yet get their intent here (the same rules). Returns rows."""
    since = now - timedelta(days=7 * conf.baseline_weeks + 2)
    has_signals = _exists(con, "marts", "fct_voice_signals")
    sig_cols = _columns(con, "marts", "fct_voice_signals") if has_signals else set()
    has_theme = _exists(con, "marts", "fct_voice_theme")
    intent = "s.intent" if "intent" in sig_cols else "null::varchar"
    sentiment = "s.sentiment" if "sentiment" in sig_cols else "null::varchar"
    joins = "left join marts.fct_voice_signals as s using (voice_id)" if has_signals else ""
    theme = "null::varchar"
    if has_theme:
        # one theme per text: the first if a text ever belongs to several
        joins += (" left join (select voice_id, min(theme_id) as theme_id from marts.fct_voice_theme group by voice_id)"
                  " as t using (voice_id)")
        theme = "t.theme_id"
    voice_cols = (f"v.platform, v.channel, v.created_at, v.local_date, v.text, v.rating, v.content_id, v.is_from_business,"
                  f" {intent} as intent, {sentiment} as sentiment, {theme} as theme_id")
    reviews = _exists(con, "marts", "fct_reviews") and {"review_id", "rating", "created_at", "source_file_id",
                                                         "source_locator"} <= _columns(con, "marts", "fct_reviews")
    if reviews:
        # Reviews from the reviews mart (a table: every review, words or stars only); their words are read only where
        # a rule needs them (fill_review_texts), so a million reviews are not passed through the voice view's staging.
        con.execute(f"""
            create or replace temp table {VOICE} as
            select v.voice_id, coalesce(v.author_key, 'voice:' || v.voice_id) as customer, {voice_cols},
                   null::varchar as source_file_id, null::varchar as source_locator, v.text is not null as has_text
            from marts.fct_customer_voice as v {joins}
            where v.channel <> 'review' and v.created_at >= $since and v.created_at <= $now
            union all
            select v.voice_id, coalesce(v.author_key, 'voice:' || v.voice_id) as customer, {voice_cols},
                   v.source_file_id, v.source_locator, v.has_text
            from (select md5('review|' || review_id) as voice_id, platform, 'review' as channel, created_at, local_date,
                         null::varchar as text, rating, null::varchar as content_id, false as is_from_business,
                         author_key, source_file_id, source_locator, coalesce(has_text, true) as has_text
                  from marts.fct_reviews where created_at >= $since and created_at <= $now) as v {joins}
        """, {"since": since, "now": now})
    else:
        con.execute(f"""
            create or replace temp table {VOICE} as
            select v.voice_id, coalesce(v.author_key, 'voice:' || v.voice_id) as customer, {voice_cols},
                   null::varchar as source_file_id, null::varchar as source_locator, v.text is not null as has_text
            from marts.fct_customer_voice as v {joins}
            where v.created_at >= ? and v.created_at <= ?
        """, [since, now])
    fill_review_texts(con, "intent is null and not is_from_business")
    missing = query_frame(con, f"select distinct text, rating from {VOICE} where intent is null and text is not null"
                                f" and not is_from_business")
    if missing.height:
        from pipelines.feedback.intent import classify_intent

        missing = missing.with_columns(intent=classify_intent(missing["text"], missing["rating"]))
        register_frame(con, "_gaung_alert_intents", missing)
        try:
            con.execute(f"""update {VOICE} as v set intent = m.intent from _gaung_alert_intents as m
                            where v.intent is null and v.text = m.text
                              and v.rating is not distinct from m.rating""")
        finally:
            con.unregister("_gaung_alert_intents")
    return fetch_value(con, f"select count(*) from {VOICE}")



def fill_review_texts(con: duckdb.DuckDBPyConnection, where: str) -> None:
    """Give the review rows matching `where` their words, read once from raw by their lineage (file and locator) with
    phone numbers masked as staging masks them; rows with words already, or none, are left alone."""
    if not fetch_value(con, f"select count(*) from {VOICE} where text is null and has_text and source_file_id is not null"
                            f" and ({where})"):
        return
    con.execute(f"""
        update {VOICE} set text = m.text
        from (select r.file_id, r.locator, {sql_mask_phones('r.text')} as text from raw.reviews as r
              where r.file_id in (select distinct source_file_id from {VOICE} where source_file_id is not null)) as m
        where {VOICE}.text is null and {VOICE}.source_file_id = m.file_id and {VOICE}.source_locator = m.locator
          and {VOICE}.voice_id in (select voice_id from {VOICE} where text is null and has_text and ({where}))
    """)

def _window_counts(con: duckdb.DuckDBPyConnection, table: str, where: str, count: str, now: datetime, weeks: int,
                   params: list | None = None) -> tuple[int, list[int]]:
    """The count in the 24 hours before now and in the same 24 hours of each of the `weeks` earlier weeks that
    the table covers (a week before its first row is no baseline)."""
    rows = con.execute(f"""
        with lags as (select unnest(range(0, {weeks + 1})) as k),
        windows as (
            select k, ?::timestamptz - to_days(7 * k::integer) - interval 24 hours as w_start,
                   ?::timestamptz - to_days(7 * k::integer) as w_end
            from lags
        ),
        hits as (select * from {table} where {where})
        select w.k, {count} as n, w.w_start >= (select min(created_at) from {table}) as covered
        from windows as w
        left join hits as v on v.created_at >= w.w_start and v.created_at < w.w_end
        group by w.k, w.w_start order by w.k
    """, [now, now, *(params or [])]).fetchall()
    current = rows[0][1]
    return current, [n for k, n, covered in rows if k > 0 and covered]


def _surge(conf: AlertSettings, current: int, past: list[int], minimum: int) -> tuple[bool, float, float]:
    if len(past) < conf.min_baseline_weeks or current < minimum:
        return False, statistics.median(past) if past else 0.0, 0.0
    med, _, z = robust_surge(current, past)
    return current >= conf.surge_ratio * med and z >= conf.surge_z, med, z


def _quotes(con: duckdb.DuckDBPyConnection, where: str, now: datetime, params: list | None = None, n: int = 2) -> list[str]:
    if params is None:
        fill_review_texts(con, f"({where}) and {_last_day(now)}")
    rows = con.execute(f"""select text from {VOICE} where {where} and text is not null and not is_from_business
                           and created_at >= ?::timestamptz - interval 24 hours and created_at < ?
                           order by created_at desc, voice_id""", [*(params or []), now, now]).fetchall()
    out: list[str] = []
    for (text,) in rows:
        q = quote(text)
        if q and q.casefold() not in {o.casefold() for o in out}:
            out.append(q)
        if len(out) >= n:
            break
    return out


def _last_day(now: datetime) -> str:
    """SQL: created_at in the 24 hours before now."""
    return (f"created_at >= '{(now - timedelta(hours=24)).isoformat()}'::timestamptz"
            f" and created_at < '{now.isoformat()}'::timestamptz")


def _same_hours(now: datetime) -> str:
    """SQL: created_at in the 24 hours before now or before the same moment of an earlier week."""
    return (f"created_at < '{now.isoformat()}'::timestamptz"
            f" and (epoch('{now.isoformat()}'::timestamptz) - epoch(created_at)) % 604800 < 86400")


def _theme_labels(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    if not _exists(con, "marts", "dim_theme") or "label" not in _columns(con, "marts", "dim_theme"):
        return {}
    return dict(con.execute("select theme_id, label from marts.dim_theme").fetchall())


def _top_theme(con: duckdb.DuckDBPyConnection, where: str, now: datetime, labels: dict[str, str]) -> tuple[str | None, int]:
    row = con.execute(f"""select theme_id, count(distinct customer) as n from {VOICE}
                          where {where} and not is_from_business and theme_id is not null and theme_id <> ''
                            and created_at >= ?::timestamptz - interval 24 hours and created_at < ?
                          group by theme_id order by n desc, theme_id limit 1""", [now, now]).fetchall()
    if not row or row[0][1] < 2:
        return None, 0
    return row[0][0], row[0][1]


def voice_surges(con: duckdb.DuckDBPyConnection, now: datetime, conf: AlertSettings) -> list[Detection]:
    """Complaints in chats and comments (distinct customers), and negative reviews, against the usual for the weekday."""
    out = []
    labels = _theme_labels(con)
    rules = [
        ("complaint_surge", "not is_from_business and channel in ('message', 'comment') and intent = 'complaint'",
         "count(distinct v.customer)",
         conf.complaint_min_customers),
        ("review_surge", "not is_from_business and channel = 'review' and (rating <= 2 or (rating is null and sentiment = 'negative'))",
         "count(v.voice_id)", conf.review_min),
    ]
    for kind, where, count, minimum in rules:
        current, past = _window_counts(con, VOICE, where, count, now, conf.baseline_weeks)
        fires, med, z = _surge(conf, current, past, minimum)
        if not fires:
            continue
        theme_id, shared = _top_theme(con, where, now, labels)
        quote_where = f"{where} and theme_id = ?" if theme_id else where
        quotes = _quotes(con, quote_where, now, [theme_id] if theme_id else None)
        out.append(Detection(kind, kind.split("_")[0], float(current), float(med), {
            "theme": labels.get(theme_id) if theme_id else None, "theme_id": theme_id, "shared": shared,
            "quotes": quotes, "z": round(z, 2), "weeks": len(past)}))
    return out


def rating_surge(con: duckdb.DuckDBPyConnection, now: datetime, conf: AlertSettings) -> list[Detection]:
    """One-star ratings, written or not (marts.fct_reviews when it exists, else the staged reviews)."""
    if fetch_value(con, f"select count(*) from {VOICE} where channel = 'review' and source_file_id is not null"):
        # the voice table holds every review already, read from the reviews mart (no second pass over it)
        current, past = _window_counts(con, VOICE, "channel = 'review' and rating = 1", "count(v.rating)", now,
                                       conf.baseline_weeks)
        return _rating_detection(con, conf, current, past, now)
    source = None
    for schema, name in (("marts", "fct_reviews"), ("staging", "stg_marketplace__reviews")):
        if _exists(con, schema, name) and {"rating", "created_at"} <= _columns(con, schema, name):
            source = f"{schema}.{name}"
            break
    if source is None:
        return []
    since = now - timedelta(days=7 * conf.baseline_weeks + 2)
    con.execute(f"""create or replace temp table _gaung_alert_ratings as
                    select created_at, rating from {source} where created_at >= ? and created_at <= ?""", [since, now])
    current, past = _window_counts(con, "_gaung_alert_ratings", "rating = 1", "count(v.rating)", now, conf.baseline_weeks)
    return _rating_detection(con, conf, current, past, now)


def _rating_detection(con: duckdb.DuckDBPyConnection, conf: AlertSettings, current: int, past: list[int],
                      now: datetime) -> list[Detection]:
    fires, med, z = _surge(conf, current, past, conf.one_star_min)
    if not fires:
        return []
    quotes = _quotes(con, "channel = 'review' and rating = 1", now)
    return [Detection("rating_surge", "one_star", float(current), float(med), {"quotes": quotes, "z": round(z, 2),
                                                                               "weeks": len(past)})]


def campaign_surges(con: duckdb.DuckDBPyConnection, tenant: Tenant, now: datetime, conf: AlertSettings) -> list[Detection]:
    """Mentions of a declared campaign (its hashtags, tags without '#', keywords) in chats, reviews and comments,
    from its start until two weeks after its end, against the same hours of earlier weeks."""
    today = now.astimezone(ZoneInfo(tenant.timezone)).date()
    out = []
    active = [c for c in tenant.campaigns if c.start <= today <= c.end + timedelta(days=14)]
    if active:  # reviews' words are read for the hours that are counted, not for the whole window
        fill_review_texts(con, f"channel = 'review' and {_same_hours(now)}")
    for camp in active:
        terms = sorted({*camp.hashtags, *(h.lstrip("#") for h in camp.hashtags), *(k.lower() for k in camp.keywords)} - {""})
        where = "not is_from_business and list_bool_or(list_transform(?::varchar[], lambda t: contains(lower(coalesce(text, '')), t)))"
        current, past = _window_counts(con, VOICE, where, "count(v.voice_id)", now, conf.baseline_weeks, [terms])
        fires, med, z = _surge(conf, current, past, conf.campaign_min_mentions)
        if not fires:
            continue
        channels = dict(con.execute(f"""select channel, count(*) from {VOICE} where {where}
                                        and created_at >= ?::timestamptz - interval 24 hours and created_at < ?
                                        group by channel""", [terms, now, now]).fetchall())
        out.append(Detection("campaign_mentions", camp.name, float(current), float(med), {
            "campaign": camp.name, "channels": channels, "quotes": _quotes(con, where, now, [terms], n=1),
            "z": round(z, 2), "weeks": len(past)}))
    return out


def product_ideas(con: duckdb.DuckDBPyConnection, tenant: Tenant, now: datetime, conf: AlertSettings) -> list[Detection]:
    """A product-idea theme asked for by `idea_customers` distinct customers, having had fewer a week earlier."""
    if not _exists(con, "marts", "fct_voice_theme"):
        return []
    cols = _columns(con, "marts", "fct_voice_theme")
    if not {"voice_id", "theme_id"} <= cols:
        return []
    # intent per text: the signals mart, else the theme mart's own column (themes may span intents)
    if _exists(con, "marts", "fct_voice_signals") and "intent" in _columns(con, "marts", "fct_voice_signals"):
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
    labels = _theme_labels(con)
    if unit == "idea_id" and _exists(con, "marts", "fct_product_ideas") and {"idea_id", "label"} <= _columns(
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
    if _exists(con, "staging", "stg_whatsapp__messages"):
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


def viral_posts(con: duckdb.DuckDBPyConnection, now: datetime, conf: AlertSettings) -> list[Detection]:
    """Posts at most `viral_max_age_hours` old at their last observation (seen in the last two days) whose views, or
    shares, run `viral_ratio` times ahead of the account's earlier posts at the same age (robust z as the scoring)."""
    if not (_exists(con, "marts", "dim_content") and _exists(con, "marts", "fct_content_metrics")):
        return []
    rows = con.execute("""
        with content as (
            select content_id, platform, coalesce(account, '') as account, posted_at, url, title
            from marts.dim_content where posted_at is not null and posted_at <= $now
        ),
        obs as (
            select m.content_id, date_diff('second', c.posted_at, m.observed_at) / 3600.0 as age,
                   m.views::double as views, coalesce(m.shares, 0)::double as shares, m.observed_at
            from marts.fct_content_metrics as m join content as c using (content_id)
            where m.observed_at <= $now and m.observed_at >= c.posted_at and m.views is not null
        ),
        points as (
            select content_id, 0.0 as age, 0.0 as views, 0.0 as shares from content
            union all select content_id, age, views, shares from obs
        ),
        latest as (
            select o.*, c.platform, c.account, c.posted_at, c.url, c.title
            from obs as o join content as c using (content_id)
            qualify row_number() over (partition by o.content_id order by o.age desc) = 1
        ),
        candidates as (
            select * from latest
            where age <= $max_age and observed_at >= $now - interval 48 hours and views >= $min_views
        ),
        pairs as (
            select p.content_id, e.content_id as earlier_id, p.age as at_age
            from candidates as p
            join content as e on e.platform = p.platform and e.account = p.account
             and e.posted_at < p.posted_at and e.posted_at >= p.posted_at - interval 90 days
            qualify row_number() over (partition by p.content_id order by e.posted_at desc) <= 60
        ),
        bracket as (
            select r.content_id, r.earlier_id, r.at_age,
                   max(t.age) filter (where t.age <= r.at_age) as a0,
                   arg_max(t.views, t.age) filter (where t.age <= r.at_age) as v0,
                   arg_max(t.shares, t.age) filter (where t.age <= r.at_age) as s0,
                   min(t.age) filter (where t.age > r.at_age) as a1,
                   arg_min(t.views, t.age) filter (where t.age > r.at_age) as v1,
                   arg_min(t.shares, t.age) filter (where t.age > r.at_age) as s1
            from pairs as r join points as t on t.content_id = r.earlier_id
            group by all
        ),
        at_age as (
            select content_id,
                   ln(1 + case when a1 is null then v0 else v0 + (v1 - v0) * (at_age - a0) / nullif(a1 - a0, 0) end) as lv,
                   ln(1 + case when a1 is null then s0 else s0 + (s1 - s0) * (at_age - a0) / nullif(a1 - a0, 0) end) as ls
            from bracket where a1 is not null or a0 > 0
        ),
        med as (
            select content_id, count(*) as n, median(lv) as mv, median(ls) as ms from at_age group by content_id
        ),
        base as (
            select m.content_id, m.n, m.mv, m.ms, median(abs(a.lv - m.mv)) as madv, median(abs(a.ls - m.ms)) as mads
            from med as m join at_age as a using (content_id) group by all
        )
        select c.content_id, c.platform, c.account, c.url, c.title, c.age, c.views, c.shares, b.n,
               exp(b.mv) - 1 as usual_views, exp(b.ms) - 1 as usual_shares,
               (ln(1 + c.views) - b.mv) / greatest(1.4826 * b.madv, 0.25) as z_views,
               (ln(1 + c.shares) - b.ms) / greatest(1.4826 * b.mads, 0.25) as z_shares
        from candidates as c join base as b using (content_id)
        where b.n >= $min_posts
        order by c.content_id
    """, {"now": now, "max_age": conf.viral_max_age_hours, "min_views": conf.viral_min_views,
          "min_posts": conf.viral_min_posts}).fetchall()
    out = []
    for content_id, platform, account, url, title, age, views, shares, n, usual, usual_shares, zv, zs in rows:
        ratio = views / max(usual, 1.0)
        share_ratio = shares / max(usual_shares, 1.0)
        if zv < conf.viral_z or not (ratio >= conf.viral_ratio or
                                     (share_ratio >= conf.viral_ratio and shares >= 10 and ratio >= 2 and zs >= 3)):
            continue
        out.append(Detection("viral_post", content_id, float(views), float(round(usual, 1)), {
            "platform": platform, "account": account, "title": (title or "")[:80], "hours": round(age, 1),
            "ratio": ratio, "shares": shares, "share_ratio": share_ratio, "posts": n}, link=url))
    return out


def detect(con: duckdb.DuckDBPyConnection, tenant: Tenant, now: datetime) -> list[Detection]:
    """Every alert kind the tenant has switched on, as of `now` (a timezone-aware moment)."""
    conf = tenant.alerts
    if not _exists(con, "marts", "fct_customer_voice"):
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
