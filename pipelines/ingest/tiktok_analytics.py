"""TikTok analytics "Download data" (web analytics and TikTok Studio): one file per tab, CSV or XLSX.

Headers stay English in every UI language but dates are localized and carry no year ("April 12",
"8 de marzo", "8 Maret"): years are inferred from the export date and row order, across a year boundary.
Numbers are text, daily counts can be negative, "undefined" means missing. Extra per-post columns
(watch time, reach, saves, new followers) are read when present.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from pipelines.ingest.base import FormatError, Hints, ParseResult, quarantine_frame
from pipelines.ingest.dates import datetime_text_expr, day_month_expr, infer_years, slashed_day_first
from pipelines.ingest.numbers import count_expr, rate_expr, seconds_expr
from pipelines.ingest.readers import MISSING_PATTERN, ROW, headers_of, normalise_header, tables, with_row_ids
from pipelines.ingest.schemas import ACCOUNT_DAILY, AUDIENCE, CONTENT, conform
from pipelines.messages import Reason

FORMAT = "tiktok_analytics"

TABS: dict[str, set[str]] = {
    "content": {"video title", "video link", "post time", "total likes", "total comments", "total shares", "total views"},
    "overview": {"date", "video views", "profile views", "likes", "comments", "shares"},
    "viewers": {"date", "total viewers", "new viewers", "returning viewers"},
    "follower_history": {"date", "followers", "difference in followers from previous day"},
    "follower_activity": {"date", "hour", "active followers"},
    "follower_gender": {"gender", "distribution"},
    "follower_territories": {"top territories", "distribution"},
}
# Optional per-post columns seen in TikTok Studio (unverified): header -> (column, cleaner)
CONTENT_EXTRAS = {
    "average watch time": ("avg_watch_time_seconds", seconds_expr),
    "avg. watch time": ("avg_watch_time_seconds", seconds_expr),
    "watched full video": ("full_watch_rate", rate_expr),
    "add to favorites": ("saves", count_expr),
    "favorites": ("saves", count_expr),
    "saves": ("saves", count_expr),
    "reach": ("reach", count_expr),
    "new followers": ("new_followers", count_expr),
    "profile views": ("profile_views", count_expr),
}
# Post times with a month name and a time; numeric ones (slashed in one day/month order for the whole file,
# ISO with or without an offset) go through datetime_text_expr, year-less days through day_month_expr.
_POST_TIME_FORMATS = ["%b %d, %Y %I:%M %p", "%B %d, %Y %I:%M %p", "%b %d, %Y %H:%M", "%B %d, %Y %H:%M"]


def tab_of(columns: list[str]) -> str | None:
    """Which analytics tab a header belongs to, or None."""
    names = {normalise_header(c) for c in columns}
    for tab, required in TABS.items():
        if required <= names:
            return tab
    return None


def sniff(data: bytes, name: str, hints: Hints | None = None) -> float:
    """Confidence that this is a TikTok analytics tab: a header (of any sheet) matches one of the known tabs."""
    return 0.95 if any(tab_of(h) for h in headers_of(data)) else 0.0


def _dated(frame: pl.DataFrame, col: str, export_date: date) -> pl.DataFrame:
    """Add 'date' from a localized, year-less date column (rows in ascending order up to the export date)."""
    frame = frame.with_columns(day_month_expr(pl.col(col)).alias("dm"))
    ok = frame.filter(pl.col("dm").struct.field("month").is_not_null() & pl.col("dm").struct.field("day").is_not_null())
    dates = infer_years(ok, export_date) if ok.height else pl.Series("date", [], dtype=pl.Date)
    return frame.join(ok.select("_row").with_columns(dates.alias("date")), on="_row", how="left")


def _bad_dates(frame: pl.DataFrame, col: str, tab: str) -> list[tuple[str, str, Reason]]:
    return [(f"{tab} row {r['_row'] + 2}", r["raw_json"], Reason("reason_day_not_date", value=r[col], column=col))
            for r in frame.filter(pl.col("date").is_null()).iter_rows(named=True)]


def _parse_tab(tab: str, frame: pl.DataFrame, export_date: date) -> tuple[dict[str, pl.DataFrame], list]:
    cols = {normalise_header(c): c for c in frame.columns}
    frame = with_row_ids(frame)
    c = lambda key: pl.col(cols[key])  # noqa: E731
    base = {"source_format": pl.lit(FORMAT), "platform": pl.lit("tiktok"), "observed_on": pl.lit(export_date)}
    if tab == "content":
        # 'Time' is the export day: the day these lifetime totals were observed.
        if "time" in cols:
            frame = _dated(frame, cols["time"], export_date).rename({"date": "observed_on"}).drop("dm")
        else:
            frame = frame.with_columns(pl.lit(export_date).alias("observed_on"))
        frame = frame.with_columns(pl.col("observed_on").fill_null(export_date))
        link = c("video link").str.strip_chars()
        numeric = datetime_text_expr(c("post time"), slashed_day_first(frame[cols["post time"]], default=False))
        named = pl.coalesce([c("post time").str.strip_chars().str.to_datetime(f, strict=False) for f in _POST_TIME_FORMATS])
        written = ~c("post time").fill_null("").str.contains(MISSING_PATTERN)
        frame = frame.with_columns(pl.coalesce(numeric.struct.field("local"), named).alias("_posted_exact"),
                                   numeric.struct.field("utc").alias("posted_at_utc"),
                                   day_month_expr(c("post time")).alias("_pdm"), written.alias("_written"))
        # A post day without a year is the latest such day on or before the export day.
        y = pl.col("observed_on").dt.year().cast(pl.Int32)
        md = pl.col("_pdm").struct.field("month") * 100 + pl.col("_pdm").struct.field("day")
        obs_md = pl.col("observed_on").dt.month().cast(pl.Int32) * 100 + pl.col("observed_on").dt.day().cast(pl.Int32)
        year = pl.coalesce(pl.col("_pdm").struct.field("year"), pl.when(md > obs_md).then(y - 1).otherwise(y))
        posted_day = pl.date(year, pl.col("_pdm").struct.field("month"), pl.col("_pdm").struct.field("day"))
        out = frame.with_columns(
            locator=pl.format("content row {}", pl.col("_row") + 2),
            native_id=link.str.extract(r"/video/(\d+)", 1),
            url=link.str.replace(r"\?.*$", ""),
            account=link.str.extract(r"tiktok\.com/@([^/?]+)", 1),
            title=c("video title").str.strip_chars(),
            post_type=pl.lit("video"),
            posted_at_local=pl.coalesce("_posted_exact", posted_day.cast(pl.Datetime("us"))),
            likes=count_expr(c("total likes")), comments=count_expr(c("total comments")),
            shares=count_expr(c("total shares")), views=count_expr(c("total views")),
            **{k: v for k, v in base.items() if k != "observed_on"},
            **{col: fn(pl.col(cols[h])) for h, (col, fn) in CONTENT_EXTRAS.items() if h in cols},
        )
        bad = [(r["locator"], r["raw_json"], Reason("reason_no_video_link"))
               for r in out.filter(pl.col("native_id").is_null()).iter_rows(named=True)]
        out = out.filter(pl.col("native_id").is_not_null())
        unreadable = pl.col("_written") & pl.col("posted_at_local").is_null()
        bad += [(r["locator"], r["raw_json"], Reason("reason_post_time", value=r[cols["post time"]], column=cols["post time"]))
                for r in out.filter(unreadable).iter_rows(named=True)]
        return {CONTENT: conform(CONTENT, out.filter(~unreadable))}, bad
    if tab in ("overview", "viewers", "follower_history"):
        frame = _dated(frame, cols["date"], export_date)
        metrics = {
            "overview": {"views": "video views", "profile_views": "profile views", "likes": "likes",
                         "comments": "comments", "shares": "shares"},
            "viewers": {"total_viewers": "total viewers", "new_viewers": "new viewers", "returning_viewers": "returning viewers"},
            "follower_history": {"followers": "followers", "followers_delta": "difference in followers from previous day"},
        }[tab]
        out = frame.with_columns(
            locator=pl.format(f"{tab} row {{}}", pl.col("_row") + 2), tab=pl.lit(tab), date_text=c("date"),
            **base, **{k: count_expr(c(v)) for k, v in metrics.items()},
        )
        return {ACCOUNT_DAILY: conform(ACCOUNT_DAILY, out.filter(pl.col("date").is_not_null()))}, _bad_dates(frame, cols["date"], tab)
    if tab == "follower_activity":
        frame = _dated(frame, cols["date"], export_date)
        out = frame.with_columns(
            locator=pl.format("follower_activity row {}", pl.col("_row") + 2), dimension=pl.lit("active_hour"),
            key=c("hour").str.strip_chars(), value=count_expr(c("active followers")).cast(pl.Float64), **base,
        )
        return {AUDIENCE: conform(AUDIENCE, out.filter(pl.col("date").is_not_null()))}, _bad_dates(frame, cols["date"], tab)
    key_col = "gender" if tab == "follower_gender" else "top territories"
    out = frame.with_columns(
        locator=pl.format(f"{tab} row {{}}", pl.col("_row") + 2),
        dimension=pl.lit("gender" if tab == "follower_gender" else "territory"),
        key=c(key_col).str.strip_chars(), value=rate_expr(c("distribution")), **base,
    )
    return {AUDIENCE: conform(AUDIENCE, out)}, []


def parse(data: bytes, name: str, hints: Hints | None = None) -> ParseResult:
    """Parse every recognised tab of a CSV or workbook."""
    export_date = hints.export_date if hints else date.today()
    found: dict[str, list[pl.DataFrame]] = {}
    read = tables(data)
    quarantine: list = list(read.set_aside)
    tabs_seen = []
    for sheet, frame in read.items():
        tab = tab_of([c for c in frame.columns if c != ROW])
        if tab is None:
            if sheet:
                quarantine.append((f"sheet {sheet}", ", ".join(frame.columns)[:2000], Reason("reason_unknown_tiktok_tab")))
            continue
        tabs_seen.append(tab)
        out, bad = _parse_tab(tab, frame, export_date)
        quarantine.extend(bad)
        for table, df in out.items():
            found.setdefault(table, []).append(df)
    if not tabs_seen:
        raise FormatError.of("file_tiktok_analytics_tab")
    result = {t: pl.concat(dfs) for t, dfs in found.items()}
    notes = [f"TikTok tabs {', '.join(tabs_seen)}, export date {export_date}"]
    return ParseResult(FORMAT, result, quarantine_frame(quarantine), notes)
