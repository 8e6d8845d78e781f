"""Surges: complaints, negative reviews, one-star ratings and campaign mentions in the last 24 hours against
the same hours of the same weekday in earlier weeks (median and MAD, as the scoring does).
"""

from __future__ import annotations

import math
import statistics
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb

from pipelines.alerts.config import AlertSettings
from pipelines.alerts.detection import Detection
from pipelines.alerts.voice import VOICE, columns_of, fill_review_texts, has_table, quote, theme_labels
from pipelines.tenants import Tenant
from warehouse.connection import fetch_value


def robust_surge(current: float, past: list[float]) -> tuple[float, float, float]:
    """(median, scale, z) of a count against earlier counts: z = (x - median) / max(1.4826 MAD, sqrt(max(median, 1)))."""
    med = statistics.median(past)
    mad = statistics.median([abs(p - med) for p in past])
    scale = max(1.4826 * mad, math.sqrt(max(med, 1.0)))
    return med, scale, (current - med) / scale


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
    labels = theme_labels(con)
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
        if has_table(con, schema, name) and {"rating", "created_at"} <= columns_of(con, schema, name):
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
