"""One event of each alert kind planted in the demo's last week, with a random stream of its own so every other
row of the demo stays byte for byte what it was; and the replay of that week that `gaung demo` prints.

Planted (local times, week 12 of 12): a one-star review surge on Friday, a TikTok video taking off on Saturday
evening (six times a usual post; TikTok exports date posts by day, so it is seen two days old), a short promo ("Promo Kilat") talked
about on Saturday, customers asking for one new product idea through the week, a complaint surge about one
theme on Sunday, and a question left unanswered on Sunday evening.
"""

from __future__ import annotations

import random
import zlib
from datetime import date, datetime, time, timedelta

FLASH_PROMO = {"name": "Promo Kilat Akhir Bulan", "hashtags": ["#promokilat"], "keywords": ["KILAT25"]}
PROMO_LINES = ["kak kode KILAT25 masih bisa dipakai?", "mau order pakai KILAT25 ya kak", "liat #promokilat, masih ada kak?",
               "promo KILAT25 sampai kapan kak?", "pesen 2 pakai kode KILAT25 kak"]
NEW_IDEAS = {
    "kopi-senja-jambi": ["kak tolong bikin paket hampers kopi buat lebaran dong", "request hampers kopi buat kado kantor kak",
                         "request paket hampers kopi isi 3 botol kak", "kalau bisa ada hampers kopi lebaran min",
                         "tolong bikinin hampers kopi buat parsel ya kak", "kak request hampers kopi pakai kartu ucapan"],
    "konveksi-rapi-tasik": ["kak tolong bikin seragam couple keluarga dong", "request gamis couple ibu dan anak kak",
                            "request baju couple keluarga buat lebaran kak", "kalau bisa ada set couple ayah ibu anak min",
                            "tolong bikinin baju couple sekeluarga ya kak", "kak request couple keluarga warna sage"],
    "rotan-mahakam-samarinda": ["kak tolong bikin tempat tisu rotan dong", "request tempat tisu anyaman rotan kak",
                                "request tempat tisu rotan buat kafe kak", "kalau bisa ada tempat tisu rotan bulat min",
                                "tolong bikinin tempat tisu rotan buat hotel ya kak", "kak request tempat tisu rotan natural"],
}
UNANSWERED = "kak besok bisa kirim pagi? alamat saya di luar kota, mohon infonya"
ONE_STAR = ["kecewa kak, barang rusak pas sampai", "parah, pesanan salah dan cacat", "jelek, tidak sesuai foto sama sekali",
            "barang cacat, minta refund kak", "kecewa berat, kemasan hancur"]


def rng(seed: int, tenant_id: str) -> random.Random:
    """The planting's own random stream."""
    return random.Random(zlib.crc32(f"{seed}|{tenant_id}|alerts".encode()))


def last_week(start: date, weeks: int) -> date:
    """Monday of the demo's last week."""
    return start + timedelta(weeks=weeks - 1)


def flash_promo(start: date, weeks: int) -> dict:
    """The short promo of the last week, declared beside the business's campaign."""
    monday = last_week(start, weeks)
    return FLASH_PROMO | {"start": monday, "end": monday + timedelta(days=6)}


def plant_chats(chats: list[list], make_line, tenant_id: str, biz: dict, start: date, weeks: int, r: random.Random,
                truth: dict) -> None:
    """Add the planted customer messages (and the business's replies) to one-to-one chats, in place.

    chats: per customer, [name shown, list of lines]; make_line(at, author, text) builds a line."""
    monday = last_week(start, weeks)
    sunday, saturday = monday + timedelta(days=6), monday + timedelta(days=5)
    reply = biz["business_replies"]
    complaint_key = sorted(k for k in biz["themes"] if k.startswith("complaint"))[0]
    planted = truth.setdefault("alerts", [])

    def add(i: int, at: datetime, text: str, answered: bool = True) -> None:
        who, lines = chats[i % len(chats)]
        lines.append(make_line(at, who, text))
        if answered:
            lines.append(make_line(at + timedelta(minutes=r.randint(5, 40)), biz["name"], r.choice(reply)))

    n = len(chats)
    for i in range(min(n, 6)):  # complaints about one theme, Sunday daytime
        add(i, datetime.combine(sunday, time(9 + 2 * i, r.randint(0, 59))), r.choice(biz["themes"][complaint_key]))
    planted.append({"kind": "complaint_surge", "local": f"{sunday} 09:00-20:00", "theme": complaint_key})
    ideas = NEW_IDEAS.get(tenant_id, NEW_IDEAS["kopi-senja-jambi"])
    for i in range(min(n, 6)):  # a new product idea, one customer a day or so through the week
        add(i, datetime.combine(monday + timedelta(days=i), time(r.randint(10, 19), r.randint(0, 59))), ideas[i % len(ideas)])
    planted.append({"kind": "product_idea", "local": f"{monday}..{saturday}", "texts": ideas})
    for i in range(min(n, 7)):  # the flash promo talked about on Saturday
        add(i, datetime.combine(saturday, time(10 + i, r.randint(0, 59))), PROMO_LINES[i % len(PROMO_LINES)])
    planted.append({"kind": "campaign_mentions", "local": f"{saturday}", "campaign": FLASH_PROMO["name"]})
    # a question after the chat's last line, with no answer
    who_i = min(range(n), key=lambda i: max((ln.at for ln in chats[i][1]), default=datetime.min))
    last = max((ln.at for ln in chats[who_i][1]), default=datetime.combine(sunday, time(18, 0)))
    asked = max(datetime.combine(sunday, time(18, 0)), last + timedelta(minutes=10))
    add(who_i, asked, UNANSWERED, answered=False)
    planted.append({"kind": "unanswered_question", "local": f"{asked:%Y-%m-%d %H:%M}"})
    for _, lines in chats:
        lines.sort(key=lambda ln: ln.at)


def plant_reviews(items: list[tuple], biz: dict, start: date, weeks: int, r: random.Random, truth: dict) -> None:
    """Five one-star reviews on the last Friday, appended after the others (so their random draws come last)."""
    friday = last_week(start, weeks) + timedelta(days=4)
    for i in range(5):
        product, variant = biz["products"][i % len(biz["products"])]
        items.append((datetime.combine(friday, time(10 + 2 * i, r.randint(0, 59))), ONE_STAR[i], 1, product, variant))
    truth.setdefault("alerts", []).append({"kind": "review_surge", "local": f"{friday} 10:00-19:00"})
    truth["alerts"].append({"kind": "rating_surge", "local": f"{friday} 10:00-19:00"})


def viral_moment(start: date, weeks: int) -> datetime:
    """When the last week's video that takes off is posted: Saturday 19:00."""
    return datetime.combine(last_week(start, weeks) + timedelta(days=5), time(19, 0))


def replay_moments(end: date, timezone: str) -> list[datetime]:
    """The runs replayed over the demo's last week: 09:00, 15:00 and 21:00 each day, and Monday 09:00 after it."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(timezone)
    days = [end - timedelta(days=7 - i) for i in range(7)]
    moments = [datetime.combine(d, time(h), tzinfo=tz) for d in days for h in (9, 15, 21)]
    return [*moments, datetime.combine(end, time(9), tzinfo=tz)]


def replay_demo(settings, tenant, truth_path) -> list[dict]:
    """Replay the alerts of a demo business over its last week (sent to its channels, recorded as usual) and return
    every alert that fired then: local time, kind, status and the message's first lines."""
    import json
    from zoneinfo import ZoneInfo

    from pipelines.alerts.notify import replay

    end = date.fromisoformat(json.loads(truth_path.read_text(encoding="utf-8"))["end"])
    moments = replay_moments(end, tenant.timezone)
    runs = replay(tenant, settings=settings, moments=moments)
    tz = ZoneInfo(tenant.timezone)
    sent = {aid for r in runs for s in r.sent for aid in s["alert_ids"]}
    return [{"at": r.now.astimezone(tz), "kind": a["kind"], "sent": a["alert_id"] in sent,
             "text": a["message_id"] if tenant.language == "id" else a["message_en"]} for r in runs for a in r.new]
