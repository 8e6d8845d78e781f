"""The customers' words the alert rules read: the voice table of the baseline window (`load_voice`), reviews'
words read from raw only where a rule needs them (`fill_review_texts`), quotes fit to send, and the look-ups
that tell which marts and columns a tenant's warehouse has.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb

from pipelines.alerts.config import AlertSettings
from pipelines.privacy import mask_quote_line, sql_mask_phones
from warehouse.connection import fetch_value, query_frame, registered

VOICE = "_gaung_alert_voice"
QUOTE_CHARS = 140


def has_table(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    """Whether the warehouse has the table (a missing mart only turns its alerts off)."""
    return bool(fetch_value(con, "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                            [schema, name]))


def columns_of(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> set[str]:
    """The table's column names (columns are read by name where the feedback marts may change shape)."""
    return {r[0] for r in con.execute("select column_name from information_schema.columns where table_schema = ? "
                                      "and table_name = ?", [schema, name]).fetchall()}


def quote(text: str | None) -> str:
    """A customer's words fit to send: phones, handles and names masked (pipelines.privacy), one line, short."""
    tidy = mask_quote_line(text or "")
    return tidy if len(tidy) <= QUOTE_CHARS else tidy[: QUOTE_CHARS - 1].rstrip() + "…"


def load_voice(con: duckdb.DuckDBPyConnection, now: datetime, conf: AlertSettings) -> int:
    """The customers' words of the baseline window into a temporary table, with intent, sentiment and theme where
    the feedback stage has them; texts it has not seen yet get their intent here (the same rules). Returns rows."""
    since = now - timedelta(days=7 * conf.baseline_weeks + 2)
    has_signals = has_table(con, "marts", "fct_voice_signals")
    sig_cols = columns_of(con, "marts", "fct_voice_signals") if has_signals else set()
    has_theme = has_table(con, "marts", "fct_voice_theme")
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
    reviews = has_table(con, "marts", "fct_reviews") and {"review_id", "rating", "created_at", "source_file_id",
                                                           "source_locator"} <= columns_of(con, "marts", "fct_reviews")
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
        with registered(con, "_gaung_alert_intents", missing):
            con.execute(f"""update {VOICE} as v set intent = m.intent from _gaung_alert_intents as m
                            where v.intent is null and v.text = m.text
                              and v.rating is not distinct from m.rating""")
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


def theme_labels(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Theme id -> label, from marts.dim_theme where it has labels."""
    if not has_table(con, "marts", "dim_theme") or "label" not in columns_of(con, "marts", "dim_theme"):
        return {}
    return dict(con.execute("select theme_id, label from marts.dim_theme").fetchall())
