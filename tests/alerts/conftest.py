"""A shop's warehouse written row by row: nine steady weeks of chats, reviews and posts, and, on request, one
planted event of each alert kind in the last day. Tables carry the columns the marts carry."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest

from pipelines.settings import Settings
from pipelines.tenants import Campaign, Delivery, Tenant, add_tenant
from warehouse.connection import connect, register_frame

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # Wednesday 10:00 in Jakarta
TENANT = "toko-uji"
PRAISE = ["mantap kak barangnya", "enak banget, langganan terus", "makasih kak, cepet sampe", "rapi kemasannya kak"]
QUESTIONS = ["kak ready stok hari ini?", "ongkir ke bogor brp kak?", "bisa cod ga kak?"]
COMPLAINTS = ["kak pesanan aku belum sampai", "kemasannya penyok kak", "rasanya beda dari biasanya kak"]


def tenant(**alerts) -> Tenant:
    return Tenant(id=TENANT, name="Toko Uji", timezone="Asia/Jakarta", accounts={"whatsapp": ["Toko Uji"]},
                  campaigns=[Campaign(name="Promo Pandan", hashtags=["#kopipandan"], keywords=["PANDAN10"],
                                      start=date(2026, 11, 20), end=date(2026, 12, 5))],
                  delivery=Delivery(channels=["outbox"], whatsapp_number="+62 813-4690-9999",
                                    email=["pemilik@example.com"]), alerts=alerts)


class Shop:
    """Rows of one tenant; `write` puts them in its warehouse as the marts and staging tables."""

    def __init__(self, seed: int = 1):
        self.rng = random.Random(seed)
        self.voice: list[dict] = []
        self.messages: list[dict] = []
        self.content: list[dict] = []
        self.metrics: list[dict] = []
        self.themes: list[dict] = []
        self.theme_rows: list[dict] = []
        self.n = 0

    def say(self, at: datetime, customer: str, text: str, intent: str, *, channel: str = "message", rating=None,
            sentiment: str = "neutral", theme: str | None = None, answered: bool = True, chat: str | None = None) -> None:
        self.n += 1
        message_id = f"m{self.n}"
        chat = chat or f"chat-{customer}"
        if channel == "message":
            self.messages.append({"message_id": message_id, "chat_key": chat, "author_key": customer,
                                  "is_from_business": False, "created_at": at, "is_deleted": False, "text": text})
            voice_id = f"wa:{message_id}"
        else:
            voice_id = f"rv:{message_id}"
        self.voice.append({"voice_id": voice_id, "message_id": message_id, "platform": "whatsapp" if channel == "message"
                           else "shopee", "channel": channel, "author_key": customer, "is_from_business": False,
                           "created_at": at, "text": text, "rating": rating, "content_id": None, "intent": intent,
                           "sentiment": sentiment, "theme_id": theme})
        if channel == "message" and answered:
            self.n += 1
            self.messages.append({"message_id": f"m{self.n}", "chat_key": chat, "author_key": "biz",
                                  "is_from_business": True, "created_at": at + timedelta(minutes=12),
                                  "is_deleted": False, "text": "siap kak, terima kasih"})

    def post(self, posted: datetime, total: int, observe_hours: list[float], url: str | None = None) -> None:
        cid = f"tiktok:{len(self.content) + 1}"
        self.content.append({"content_id": cid, "platform": "tiktok", "account": "tokouji", "posted_at": posted,
                             "url": url or f"https://www.tiktok.com/@tokouji/video/{len(self.content) + 1}",
                             "title": "video baru"})
        for h in observe_hours:
            views = int(total * (1 - 2.718 ** (-h / 60)))
            self.metrics.append({"content_id": cid, "observed_at": posted + timedelta(hours=h), "views": views,
                                 "shares": views // 150})

    def steady(self, weeks: int = 9) -> Shop:
        """Weeks of ordinary days: a few customers a day, an occasional complaint, reviews, a post every two days."""
        start = NOW - timedelta(weeks=weeks)
        for day in range(weeks * 7):
            base = start + timedelta(days=day)
            for _ in range(self.rng.randint(3, 6)):
                at = base + timedelta(hours=self.rng.uniform(1, 14))
                who = f"c{self.rng.randint(1, 60)}"
                roll = self.rng.random()
                if roll < 0.12:
                    self.say(at, who, self.rng.choice(COMPLAINTS), "complaint", sentiment="negative")
                elif roll < 0.4:
                    self.say(at, who, self.rng.choice(QUESTIONS), "question")
                else:
                    self.say(at, who, self.rng.choice(PRAISE), "praise", sentiment="positive")
            for _ in range(self.rng.randint(1, 3)):
                at = base + timedelta(hours=self.rng.uniform(1, 14))
                stars = self.rng.choice([5, 5, 5, 4, 4, 3, 2, 1] if self.rng.random() < 0.15 else [5, 5, 4])
                self.say(at, f"r{self.rng.randint(1, 500)}", "barang sesuai" if stars > 2 else "kecewa kak",
                         "praise" if stars > 2 else "complaint", channel="review", rating=stars)
            if day % 2 == 0 and base < NOW - timedelta(days=3):
                self.post(base + timedelta(hours=5), int(self.rng.lognormvariate(7, 0.3)), [2, 8, 24, 72, 168])
        return self

    def plant(self, kinds: set[str] | None = None) -> Shop:
        """One event of each kind (or of those given) in the day before NOW."""
        kinds = kinds or {"viral_post", "complaint_surge", "review_surge", "rating_surge", "product_idea",
                          "unanswered_question", "campaign_mentions"}
        self.themes += [{"theme_id": "complaint-01", "intent": "complaint", "label": "botol bocor"},
                        {"theme_id": "product_idea-01", "intent": "product_idea", "label": "varian kopi pandan"}]
        if "complaint_surge" in kinds:
            lines = ["kak botolnya bocor, tumpah semua (hub 0812-3456-7890)", "tutup botol rembes kak, kardus basah",
                     "botol bocor lagi kak", "botolnya netes2 kak bocor", "bocor kak botol literan", "botol bocor parah"]
            for i, text in enumerate(lines):
                self.say(NOW - timedelta(hours=2 + 2 * i), f"surge{i}", text, "complaint", sentiment="negative",
                         theme="complaint-01")
        if "review_surge" in kinds or "rating_surge" in kinds:
            for i in range(6):
                self.say(NOW - timedelta(hours=1 + 3 * i), f"bad{i}", "kecewa, barang rusak", "complaint",
                         channel="review", rating=1, sentiment="negative")
        if "product_idea" in kinds:
            for i in range(6):
                self.say(NOW - timedelta(days=5) + timedelta(hours=18 * i), f"idea{i}", "kak tolong bikin varian pandan dong",
                         "product_idea", theme="product_idea-01")
        if "unanswered_question" in kinds:
            self.say(NOW - timedelta(days=2), "asker", "halo kak", "other", chat="chat-asker")
            self.say(NOW - timedelta(hours=6), "asker", "kak kirim ke makassar bisa? @budi_s", "question",
                     answered=False, chat="chat-asker")
        if "campaign_mentions" in kinds:
            for i in range(7):
                self.say(NOW - timedelta(hours=1 + 3 * i), f"promo{i}", "mau pakai kode PANDAN10 kak", "question")
        if "viral_post" in kinds:
            self.post(NOW - timedelta(hours=20), 12_000, [6, 19])
        return self

    def write(self, settings: Settings, tz: str = "Asia/Jakarta") -> None:
        con = connect(settings.warehouse_path(TENANT))
        try:
            voice = pl.DataFrame(self.voice, infer_schema_length=None).with_columns(
                tenant_id=pl.lit(TENANT), local_date=pl.col("created_at").dt.convert_time_zone(tz).dt.date())
            register_frame(con, "_v", voice)
            con.execute("""create or replace table marts.fct_customer_voice as select voice_id, tenant_id, platform,
                           channel, author_key, is_from_business, created_at, local_date, text, rating::integer as rating,
                           content_id from _v""")
            con.execute("create or replace table marts.fct_voice_signals as select voice_id, intent, sentiment from _v")
            con.execute("""create or replace table marts.fct_voice_theme as select voice_id, theme_id, intent, local_date,
                           author_key from _v where theme_id is not null""")
            con.execute("""create or replace table staging.stg_marketplace__reviews as select created_at,
                           rating::integer as rating, text from _v where channel = 'review'""")
            register_frame(con, "_m", pl.DataFrame(self.messages))
            con.execute("""create or replace table staging.stg_whatsapp__messages as
                           select message_id, chat_key, author_key, is_from_business, created_at, is_deleted, text,
                           md5('x') as unused from _m""")
            # the voice ids of WhatsApp rows are md5('whatsapp|' || message_id), as the voice mart makes them
            con.execute("""update marts.fct_customer_voice set voice_id = md5('whatsapp|' || substr(voice_id, 4))
                           where voice_id like 'wa:%'""")
            for table in ("marts.fct_voice_signals", "marts.fct_voice_theme"):
                con.execute(f"update {table} set voice_id = md5('whatsapp|' || substr(voice_id, 4)) where voice_id like 'wa:%'")
            register_frame(con, "_t", pl.DataFrame(self.themes or [{"theme_id": "x", "intent": "other", "label": "x"}]))
            con.execute("create or replace table marts.dim_theme as select * from _t")
            register_frame(con, "_c", pl.DataFrame(self.content))
            con.execute("create or replace table marts.dim_content as select * from _c")
            register_frame(con, "_cm", pl.DataFrame(self.metrics))
            con.execute("create or replace table marts.fct_content_metrics as select * from _cm")
        finally:
            con.close()


@pytest.fixture
def home(tmp_path, monkeypatch) -> Settings:
    root = tmp_path / "gaung"
    monkeypatch.setenv("GAUNG_HOME", str(root))
    monkeypatch.delenv("GAUNG_TENANTS_FILE", raising=False)
    monkeypatch.setenv("GAUNG_SECRET_KEY", "test-secret")
    for var in ("GAUNG_SMTP_HOST", "GAUNG_SMTP_USER", "GAUNG_WHATSAPP_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    settings = Settings()
    add_tenant(settings.tenants_path, tenant())
    return settings
