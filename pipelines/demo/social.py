"""Demo content and reviews in the real export formats: TikTok Content/Overview/FollowerHistory, Meta
Business Suite CSV, Shopee get_ratings JSON and Tokopedia review-list JSON, with a planted viral video,
campaign spread into reviews, and a trend term that starts in a known week."""

from __future__ import annotations

import csv
import io
import json
import math
import random
import string
import zlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import xlsxwriter

from pipelines.demo import alerts

WEEKS = 12
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]


@dataclass
class Post:
    platform: str
    native_id: str
    url: str
    caption: str
    posted: datetime  # local
    total_views: int
    share_rate: float
    post_type: str
    shortcode: str = ""

    def views_at(self, moment: datetime) -> int:
        age_days = (moment - self.posted).total_seconds() / 86400
        return 0 if age_days <= 0 else int(self.total_views * (1 - math.exp(-age_days / 2.5)))

    def metrics_at(self, moment: datetime) -> dict[str, int]:
        views = self.views_at(moment)
        return {"views": views, "likes": int(views * 0.08), "comments": int(views * 0.012),
                "shares": int(views * self.share_rate), "saves": int(views * 0.01), "reach": int(views * 0.85)}


def _month_day(d: date) -> str:
    return f"{EN_MONTHS[d.month - 1]} {d.day}"


def _quoted_csv(header: list[str], rows: list[list]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[str(v) for v in r] for r in rows])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _xlsx(path: Path, sheet: str, header: list[str], rows: list[list]) -> None:
    """A workbook like TikTok's: one sheet named after the tab, every cell stored as text, fixed metadata."""
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"created": datetime(2020, 1, 1), "author": "TikTok"})
    sheet_ = workbook.add_worksheet(sheet)
    for r, row in enumerate([header, *rows]):
        for c, value in enumerate(row):
            sheet_.write_string(r, c, str(value))
    workbook.close()


def _posts(rng: random.Random, biz: dict, start: date, scale: float, truth: dict) -> list[Post]:
    posts: list[Post] = []
    camp, trend = biz["campaign"], biz["trend"]
    per_week_tt, per_week_ig = max(1, round(3 * scale)), max(1, round(2 * scale))
    for week in range(WEEKS):
        for i in range(per_week_tt + per_week_ig):
            platform = "tiktok" if i < per_week_tt else "instagram"
            day = start + timedelta(weeks=week, days=rng.randint(0, 6))
            posted = datetime.combine(day, time(rng.randint(9, 20), rng.choice([0, 15, 30, 45])))
            caption = rng.choice(biz["captions"])
            total, share_rate = int(rng.lognormvariate(math.log(900), 0.35)), 0.006
            if platform == "tiktok" and i == 0 and week == camp["start_week"]:
                caption, total, share_rate = biz["viral_caption"], total * 9, 0.05
                posted = datetime.combine(start + timedelta(weeks=week), time(19, 0))
            elif platform == "tiktok" and i == 0 and week == WEEKS - 1:
                # the last week's video that takes off early: six times a usual post, seen two days old (an alert, not a lifetime record)
                total, posted = total * 6, alerts.viral_moment(start, WEEKS)
                truth.setdefault("alerts", []).append({"kind": "viral_post", "local": str(posted)})
            elif platform == "tiktok" and i == 1 and week >= trend["start_week"]:
                caption = f"{trend['term'].title()} lagi hits, udah coba? {trend['hashtag']}"
            if platform == "tiktok":
                nid = str(7_300_000_000_000_000_000 + rng.randint(0, 10**15))
                url = f"https://www.tiktok.com/@{biz['handle']}/video/{nid}"
                post = Post(platform, nid, url, caption, posted, total, share_rate, "video")
            else:
                code = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(11))
                kind = rng.choice(["IG reel", "IG image", "IG carousel"])
                nid = str(17_900_000_000_000_000 + rng.randint(0, 10**14))
                path = "reel" if kind == "IG reel" else "p"
                post = Post(platform, nid, f"https://www.instagram.com/{path}/{code}/", caption, posted, int(total * 0.6),
                            share_rate, kind, code)
            posts.append(post)
            if caption == biz["viral_caption"]:
                truth["viral"] = {"platform": platform, "native_id": post.native_id, "content_id": f"tiktok:{post.native_id}",
                                  "week": week, "posted_local": str(posted)}
    return posts


def tiktok_files(folder: Path, biz: dict, posts: list[Post], start: date, end: date) -> list[Path]:
    """Weekly Content exports (every third one as XLSX), one Overview and one FollowerHistory."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    videos = [p for p in posts if p.platform == "tiktok"]
    header = ["Time", "Video title", "Video link", "Post time", "Total likes", "Total comments", "Total shares", "Total views"]
    for week in range(1, WEEKS + 1):
        export_day = start + timedelta(weeks=week)
        moment = datetime.combine(export_day, time(8, 0))
        rows = []
        for v in sorted((v for v in videos if v.posted < moment), key=lambda v: v.posted, reverse=True):
            m = v.metrics_at(moment)
            rows.append([_month_day(export_day - timedelta(days=1)), v.caption, v.url, _month_day(v.posted.date()),
                         f"{m['likes']:,}", m["comments"], m["shares"], f"{m['views']:,}"])
        if week % 3 == 0:
            path = folder / f"Content_{export_day:%Y-%m-%d}.xlsx"
            _xlsx(path, "Content", header, rows)
        else:
            path = folder / f"Content_{export_day:%Y-%m-%d}.csv"
            path.write_bytes(_quoted_csv(header, rows))
        files.append(path)
    days = [start + timedelta(days=i) for i in range((end - start).days)]
    overview, followers, count = [], [], 350
    for i, d in enumerate(days):
        a, b = datetime.combine(d, time(0)), datetime.combine(d + timedelta(days=1), time(0))
        inc = {k: sum(v.metrics_at(b)[k] - v.metrics_at(a)[k] for v in videos) for k in ("views", "likes", "comments", "shares")}
        comments = inc["comments"] if i % 17 != 5 else -2  # deleted comments make a day negative
        overview.append([_month_day(d), f"{inc['views']:,}", int(inc["views"] * 0.03), inc["likes"], comments, inc["shares"]])
        delta = max(0, int(inc["views"] * 0.004))
        count += delta
        followers.append([_month_day(d), count, delta])
    for name, hdr, rows in (("Overview", ["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"], overview),
                            ("FollowerHistory", ["Date", "Followers", "Difference in followers from previous day"], followers)):
        path = folder / f"{name}_{end:%Y-%m-%d}.csv"
        path.write_bytes(_quoted_csv(hdr, rows))
        files.append(path)
    return files


def instagram_file(folder: Path, biz: dict, posts: list[Post], end: date, indonesian: bool) -> Path:
    """One Meta Business Suite content export with lifetime totals as of the export day; an Indonesian
    interface writes the publish time day first, an English one month first."""
    folder.mkdir(parents=True, exist_ok=True)
    en = ["Post ID", "Account ID", "Account username", "Account name", "Description", "Duration (sec)", "Publish time",
          "Permalink", "Post type", "Data comment", "Date", "Views", "Reach", "Likes", "Shares", "Follows", "Comments", "Saves"]
    idn = ["ID Postingan", "ID Akun", "Nama pengguna akun", "Nama akun", "Deskripsi", "Durasi (detik)", "Waktu publikasi",
           "Tautan permanen", "Jenis postingan", "Komentar data", "Tanggal", "Tayangan", "Jangkauan", "Suka", "Dibagikan",
           "Mengikuti", "Komentar", "Disimpan"]
    moment = datetime.combine(end, time(8, 0))
    rows = []
    for p in (p for p in posts if p.platform == "instagram"):
        m = p.metrics_at(moment)
        rows.append([p.native_id, "17841400000000000", biz["handle"], biz["name"], p.caption,
                     30 if p.post_type == "IG reel" else 0, p.posted.strftime("%d/%m/%Y %H:%M" if indonesian else "%m/%d/%Y %H:%M"), p.url, p.post_type, "",
                     "Lifetime", f"{m['views']:,}", f"{m['reach']:,}", m["likes"], m["shares"], int(m["views"] * 0.002),
                     m["comments"], m["saves"]])
    path = folder / f"Konten_Instagram_{end:%Y-%m-%d}.csv"
    path.write_bytes(_quoted_csv(idn if indonesian else en, rows))
    return path


def _review_lines(rng: random.Random, biz: dict, week: int, truth: dict) -> tuple[str, int]:
    camp, trend = biz["campaign"], biz["trend"]
    in_campaign = camp["start_week"] <= week < camp["start_week"] + camp["weeks"]
    roll = rng.random()
    if in_campaign and roll < 0.3:
        truth["campaign_review_mentions"] = truth.get("campaign_review_mentions", 0) + 1
        return rng.choice(biz["campaign_lines"]), 5
    if week >= trend["start_week"] and roll < 0.45:
        truth["trend_mentions"] = truth.get("trend_mentions", 0) + 1
        return rng.choice(trend["lines"]), 5
    theme = rng.choice(sorted(biz["themes"]))
    truth["review_themes"][theme] = truth["review_themes"].get(theme, 0) + 1
    stars = 2 if theme.startswith("complaint") else 4 if theme.startswith(("request", "question")) else 5
    return rng.choice(biz["themes"][theme]), stars


def reviews_file(folder: Path, rng: random.Random, biz: dict, start: date, scale: float, tz: ZoneInfo, truth: dict) -> Path:
    """Shopee get_ratings JSON or Tokopedia review-list JSON, more reviews during the campaign."""
    folder.mkdir(parents=True, exist_ok=True)
    truth.setdefault("review_themes", {})
    camp = biz["campaign"]
    items = []
    for week in range(WEEKS):
        uplift = 2.5 if camp["start_week"] <= week < camp["start_week"] + camp["weeks"] else 1.0
        for _ in range(max(1, round(6 * scale * uplift))):
            text, stars = _review_lines(rng, biz, week, truth)
            product, variant = rng.choice(biz["products"])
            local = datetime.combine(start + timedelta(weeks=week, days=rng.randint(0, 6)), time(rng.randint(7, 22), rng.randint(0, 59)))
            items.append((local, text, stars, product, variant))
    items.sort()
    if "alerts_seed" in truth:  # planted one-star reviews come last, so the draws of every other review stay the same
        alerts.plant_reviews(items, biz, start, WEEKS, alerts.rng(truth["alerts_seed"], biz["handle"]), truth)
    if biz["marketplace"] == "shopee":
        ratings = []
        for i, (local, text, stars, product, variant) in enumerate(items):
            template = biz["review_template"].replace(". ", ".\n")
            comment = f"{template}\n{text}" if rng.random() < 0.6 else text
            anonymous = rng.random() < 0.15
            name = rng.choice(string.ascii_lowercase) + "*****" + str(rng.randint(0, 9))
            ratings.append({
                "cmtid": 9_000_000_000 + i, "ctime": int(local.replace(tzinfo=tz).timestamp()), "rating_star": stars,
                "comment": comment, "author_username": "" if anonymous else name, "anonymous": anonymous,
                "product_items": [{"itemid": 2_000_000 + zlib.crc32(product.encode()) % 1000, "modelid": 1, "name": product, "model_name": variant}],
                "ItemRatingReply": {"comment": "Terima kasih kak 🙏", "ctime": int(local.replace(tzinfo=tz).timestamp()) + 3600}
                if stars <= 2 else None,
                "detailed_rating": {"product_quality": stars, "seller_service": 5, "delivery_service": max(1, stars - 1)},
                "like_count": rng.randint(0, 3), "images": [], "videos": [],
            })
        path = folder / "shopee_ratings.json"
        path.write_text(json.dumps({"error": 0, "data": {"ratings": ratings, "item_rating_summary": {}}}, ensure_ascii=False),
                        encoding="utf-8")
    else:
        reviews = []
        for i, (local, text, stars, product, variant) in enumerate(items):
            reviews.append({
                "feedbackID": str(800_000_000 + i), "variantName": variant, "message": text, "productRating": stars,
                "reviewCreateTime": "", "reviewCreateTimestamp": str(int(local.replace(tzinfo=tz).timestamp())),
                "isAnonymous": False, "user": {"fullName": rng.choice(["Rina", "Sari", "Dewi", "Ayu", "Budi"]) + " " + rng.choice("ABCDEFGH")},
                "likeDislike": {"totalLike": rng.randint(0, 4)},
                "reviewResponse": {"message": "Mohon maaf kak, kami perbaiki 🙏", "createTime": ""} if stars <= 2 else {"message": "", "createTime": ""},
                "product": {"productID": str(5_000_000 + zlib.crc32(product.encode()) % 1000), "productName": product},
            })
        pages = [{"data": {"productrevGetProductReviewList": {"list": reviews[i:i + 50], "hasNext": i + 50 < len(reviews)}}}
                 for i in range(0, len(reviews), 50)]
        path = folder / "tokopedia_reviews.json"
        path.write_text(json.dumps(pages, ensure_ascii=False), encoding="utf-8")
    return path


def write_social(root: Path, tenant_id: str, biz: dict, rng: random.Random, start: date, end: date, scale: float,
                 truth: dict, *, indonesian_instagram: bool) -> list[Path]:
    """Every non-WhatsApp export of one business, under landing/<tenant>/{tiktok,instagram,marketplace}."""
    posts = _posts(rng, biz, start, scale, truth)
    tz = ZoneInfo(biz["timezone"])
    trend = biz["trend"]
    truth["trend"] = {"term": trend["term"], "hashtag": trend["hashtag"], "start_week": trend["start_week"],
                      "start_date": str(start + timedelta(weeks=trend["start_week"]))}
    files = tiktok_files(root / tenant_id / "tiktok", biz, posts, start, end)
    files.append(instagram_file(root / tenant_id / "instagram", biz, posts, end, indonesian_instagram))
    files.append(reviews_file(root / tenant_id / "marketplace", rng, biz, start, scale, tz, truth))
    return files
