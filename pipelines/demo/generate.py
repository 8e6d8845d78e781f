"""Write deterministic demo exports (WhatsApp Android .txt, iOS .zip, Cloud API NDJSON) and tenants.toml.

Twelve weeks of customer chat per business, ending the Monday of the run week unless an end date is
given. Planted themes and campaign mentions are written to a truth file next to the exports so later
stages can be checked against known answers. The same seed and end date give the same bytes.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pipelines.demo import alerts
from pipelines.demo.businesses import BUSINESSES, CUSTOMER_FIRST, CUSTOMER_LAST, HONORIFICS, SMALL_TALK
from pipelines.demo.social import write_social
from pipelines.settings import Settings
from pipelines.tenants import Campaign, Delivery, Tenant, add_tenant

WEEKS = 12
LRM = "\u200e"


@dataclass
class Customer:
    name: str
    phone: str  # "+62 8xx-xxxx-xxxx"
    saved: bool

    @property
    def shown(self) -> str:
        """How the business's phone shows this person in an export."""
        return self.name if self.saved else self.phone

    @property
    def wa_id(self) -> str:
        return "".join(ch for ch in self.phone if ch.isdigit())


@dataclass
class Line:
    at: datetime  # local, naive
    author: str | None
    text: str
    kind: str = "text"  # text | media | deleted | system
    forwarded: bool = False


@dataclass
class Truth:
    themes: dict[str, int] = field(default_factory=dict)
    campaign_mentions: int = 0
    trend_mentions: int = 0
    messages: int = 0


def _rng(seed: int, *parts: str) -> random.Random:
    return random.Random(zlib.crc32("|".join([str(seed), *parts]).encode()))


def _customers(rng: random.Random, n: int) -> list[Customer]:
    out = []
    for i in range(n):
        first, last = rng.choice(CUSTOMER_FIRST), rng.choice(CUSTOMER_LAST)
        hon = rng.choice(HONORIFICS)
        name = " ".join(p for p in (hon, first, last) if p)
        digits = f"8{rng.randint(11, 59)}{rng.randint(1000, 9999)}{rng.randint(1000, 9999)}"
        phone = f"+62 {digits[:3]}-{digits[3:7]}-{digits[7:]}"
        out.append(Customer(name=name + ("" if i < len(CUSTOMER_FIRST) else f" {i}"), phone=phone, saved=rng.random() < 0.6))
    return out


def _conversation(rng: random.Random, biz: dict, customer: Customer, start: date, truth: Truth,
                  per_week: float) -> list[Line]:
    """One customer's messages with the business over twelve weeks."""
    lines: list[Line] = []
    campaign = biz["campaign"]
    for week in range(WEEKS):
        n = int(per_week) + (1 if rng.random() < per_week % 1 else 0)
        in_campaign = campaign["start_week"] <= week < campaign["start_week"] + campaign["weeks"]
        for _ in range(n):
            day = start + timedelta(weeks=week, days=rng.randint(0, 6))
            at = datetime.combine(day, time(rng.randint(7, 21), rng.randint(0, 59), rng.randint(0, 59)))
            roll = rng.random()
            if week >= biz["trend"]["start_week"] and roll > 0.82:
                lines.append(Line(at, customer.shown, rng.choice(biz["trend"]["lines"])))
                truth.trend_mentions += 1
            elif in_campaign and roll < 0.35:
                text = rng.choice(biz["campaign_lines"])
                truth.campaign_mentions += 1
                lines.append(Line(at, customer.shown, text, forwarded=rng.random() < 0.6))
            elif roll < 0.75:
                theme = rng.choice(sorted(biz["themes"]))
                lines.append(Line(at, customer.shown, rng.choice(biz["themes"][theme])))
                truth.themes[theme] = truth.themes.get(theme, 0) + 1
            else:
                lines.append(Line(at, customer.shown, rng.choice(SMALL_TALK)))
            if rng.random() < 0.08:
                lines.append(Line(at + timedelta(minutes=1), customer.shown, "", kind="media"))
            if rng.random() < 0.05:
                lines.append(Line(at + timedelta(minutes=2), customer.shown, "", kind="deleted"))
            if rng.random() < 0.1:
                lines.append(Line(at + timedelta(minutes=3), customer.shown,
                                  f"alamat: Jl. Merdeka No. {rng.randint(1, 200)}\nRT 0{rng.randint(1, 9)}/RW 0{rng.randint(1, 9)}\n{biz['city']}"))
            reply_at = at + timedelta(minutes=rng.randint(2, 90))
            lines.append(Line(reply_at, biz["name"], rng.choice(biz["business_replies"])))
    truth.messages += sum(1 for ln in lines if ln.author == customer.shown)
    return sorted(lines, key=lambda ln: ln.at)


def android_export(lines: list[Line], *, first_at: datetime) -> str:
    """Android, Indonesian UI: '30/08/25 18.00 - Nama: pesan', LF line ends, no seconds."""
    out = [f"{first_at:%d/%m/%y %H.%M} - Pesan dan panggilan terenkripsi secara end-to-end. Tidak seorang pun di luar "
           "chat ini, termasuk WhatsApp, yang dapat membaca atau mendengarkannya. Ketuk untuk info selengkapnya."]
    for ln in lines:
        stamp = f"{ln.at:%d/%m/%y %H.%M}"
        body = {"media": "<Media tidak disertakan>", "deleted": "Pesan ini dihapus"}.get(ln.kind, ln.text)
        out.append(f"{stamp} - {ln.author}: {body}")
    return "\n".join(out) + "\n"


def ios_export(lines: list[Line], *, group: str, admin: str, members: list[Customer], first_at: datetime) -> tuple[str, list[str]]:
    """iOS, Indonesian UI, ID region: '[26/01/21 21.05.53] Nama: pesan', CRLF, U+200E on system/media lines."""
    def who(name: str) -> str:
        return f"\u202a{name.replace(' ', chr(0xA0))}\u202c" if name.startswith("+") else name

    media_files = []
    out = [f"[{first_at:%d/%m/%y %H.%M.%S}] {group}: {LRM}Pesan dan panggilan terenkripsi secara end-to-end. "
           "Tidak seorang pun di luar chat ini, termasuk WhatsApp, yang dapat membaca atau mendengarkannya.",
           f"{LRM}[{first_at:%d/%m/%y %H.%M.%S}] {group}: {LRM}{admin} membuat grup \u201c{group}\u201d"]
    for m in members:
        out.append(f"{LRM}[{first_at:%d/%m/%y %H.%M.%S}] {group}: {LRM}{admin} menambahkan {who(m.shown)}")
    for i, ln in enumerate(lines):
        stamp = f"[{ln.at:%d/%m/%y %H.%M.%S}]"
        if ln.kind == "media":
            fname = f"{i:08d}-PHOTO-{ln.at:%Y-%m-%d-%H-%M-%S}.jpg"
            media_files.append(fname)
            out.append(f"{LRM}{stamp} {who(ln.author)}: {LRM}<terlampir: {fname}>")
        elif ln.kind == "deleted":
            out.append(f"{LRM}{stamp} {who(ln.author)}: {LRM}Pesan ini dihapus.")
        else:
            out.append(f"{stamp} {who(ln.author)}: {ln.text}")
    return "\r\n".join(out), media_files


def cloud_payloads(lines: list[Line], customers: dict[str, Customer], biz: dict, rng: random.Random, tz: ZoneInfo) -> str:
    """Cloud API webhook payloads, one per line (NDJSON), as the webhook receiver lands them."""
    display = "".join(ch for ch in biz["phone"] if ch.isdigit())
    rows = []
    for i, ln in enumerate(lines):
        if ln.author not in customers or ln.kind == "deleted":
            continue
        c = customers[ln.author]
        epoch = int(ln.at.replace(tzinfo=tz).timestamp())
        msg: dict = {"from": c.wa_id, "id": f"wamid.DEMO{zlib.crc32(f'{c.wa_id}{i}{epoch}'.encode()):010d}{i:06d}",
                     "timestamp": str(epoch)}
        if ln.kind == "media":
            msg |= {"type": "image", "image": {"mime_type": "image/jpeg", "id": str(rng.randint(10**14, 10**15)),
                                               "sha256": "ZGVtbw==", "caption": "ini kak fotonya"}}
        else:
            msg |= {"type": "text", "text": {"body": ln.text}}
        if ln.forwarded:
            msg["context"] = {"forwarded": True}
        payload = {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
            "field": "messages", "value": {
                "messaging_product": "whatsapp",
                "metadata": {"display_phone_number": display, "phone_number_id": "106540352242922"},
                "contacts": [{"profile": {"name": c.name}, "wa_id": c.wa_id}],
                "messages": [msg]}}]}]}
        rows.append(json.dumps(payload, ensure_ascii=False))
    return "\n".join(rows) + "\n"


def default_end() -> date:
    """The Monday of the current week: demo data then covers the twelve complete weeks before it."""
    today = datetime.now(UTC).date()
    return today - timedelta(days=today.weekday())


def write_demo(settings: Settings, *, out_dir: Path | None = None, seed: int = 7, scale: float = 1.0,
               end: date | None = None) -> dict[str, list[Path]]:
    """Write every demo business's exports and declare the businesses in tenants.toml."""
    end = end or default_end()
    start = end - timedelta(weeks=WEEKS)
    root = out_dir or settings.home / "landing"
    written: dict[str, list[Path]] = {}
    truths: dict[str, dict] = {}
    for tenant_id, biz in BUSINESSES.items():
        rng = _rng(seed, tenant_id)
        tz = ZoneInfo(biz["timezone"])
        folder = root / tenant_id / "whatsapp"
        folder.mkdir(parents=True, exist_ok=True)
        truth = Truth()
        n_customers = max(4, int(round(14 * scale)))
        customers = _customers(rng, n_customers)
        first_at = datetime.combine(start, time(8, 0))
        files: list[Path] = []
        # Android one-to-one chats: the first half of the customers.
        half = n_customers // 2
        chats = [[c.shown, _conversation(rng, biz, c, start, truth, per_week=1.2)] for c in customers[:half]]
        # one event of each alert kind in the last week, from a random stream of its own (pipelines/demo/alerts.py)
        planted: dict = {}
        alerts.plant_chats(chats, Line, tenant_id, biz, start, WEEKS, alerts.rng(seed, tenant_id), planted)
        for c, (_, lines) in zip(customers[:half], chats, strict=True):
            path = folder / f"Chat WhatsApp dengan {c.shown}.txt"
            path.write_text(android_export(lines, first_at=first_at), encoding="utf-8")
            files.append(path)
        # An iOS group of customers, exported with media as a zip.
        group = f"Pelanggan {biz['name']}"
        members = customers[half:]
        group_lines = sorted((ln for c in members[: len(members) // 2 or 1]
                              for ln in _conversation(rng, biz, c, start, truth, per_week=0.8)), key=lambda ln: ln.at)
        text, media = ios_export(group_lines, group=group, admin=biz["name"], members=members, first_at=first_at)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            info = zipfile.ZipInfo("_chat.txt", date_time=(2020, 1, 1, 0, 0, 0))
            zf.writestr(info, "\ufeff" + text)
            for name in media[:5]:
                zf.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), b"\xff\xd8\xff\xe0demo-jpeg")
        path = folder / f"WhatsApp Chat - {group}.zip"
        path.write_bytes(buf.getvalue())
        files.append(path)
        # Cloud API webhooks for the other half of the group's members (messages since the number went live).
        cloud_customers = members[len(members) // 2 or 1:]
        cloud_lines = sorted((ln for c in cloud_customers for ln in _conversation(rng, biz, c, start, truth, per_week=1.0)),
                             key=lambda ln: ln.at)
        hooks = folder / "webhooks"
        hooks.mkdir(exist_ok=True)
        path = hooks / f"cloud-api-{end:%Y%m%d}.ndjson"
        path.write_text(cloud_payloads(cloud_lines, {c.shown: c for c in cloud_customers}, biz, rng, tz), encoding="utf-8")
        files.append(path)
        social: dict = {"alerts": planted["alerts"], "alerts_seed": seed}
        files += write_social(root, tenant_id, biz, rng, start, end, scale, social,
                              indonesian_instagram=tenant_id == "konveksi-rapi-tasik")
        written[tenant_id] = files
        truths[tenant_id] = {"themes": truth.themes, "campaign": biz["campaign"] | {
                                 "whatsapp_mentions": truth.campaign_mentions,
                                 "review_mentions": social.get("campaign_review_mentions", 0),
                                 "start_date": str(start + timedelta(weeks=biz["campaign"]["start_week"]))},
                             "viral": social.get("viral"), "trend": social["trend"] | {
                                 "whatsapp_mentions": truth.trend_mentions, "review_mentions": social.get("trend_mentions", 0)},
                             "review_themes": social["review_themes"],
                             "customer_messages": truth.messages, "weeks": [str(start), str(end)],
                             "alerts": social["alerts"]}
        camp = biz["campaign"]
        c_start = start + timedelta(weeks=camp["start_week"])
        add_tenant(settings.tenants_path, Tenant(
            id=tenant_id, name=biz["name"], timezone=biz["timezone"], language="id",
            accounts={"whatsapp": [biz["name"], biz["phone"]], "tiktok": [biz["handle"]], "instagram": [biz["handle"]]},
            campaigns=[Campaign(name=camp["name"], hashtags=camp["hashtags"], keywords=camp["keywords"],
                                start=c_start, end=c_start + timedelta(weeks=camp["weeks"], days=-1)),
                       Campaign(**alerts.flash_promo(start, WEEKS))],
            delivery=Delivery(channels=["outbox"]),
        ), replace=True)
    truth_path = root / "demo_truth.json"
    truth_path.write_text(json.dumps({"seed": seed, "scale": scale, "end": str(end), "tenants": truths},
                                     ensure_ascii=False, indent=2), encoding="utf-8")
    return written
