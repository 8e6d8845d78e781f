"""`gaung demo --businesses N`: N small businesses whose behaviour follows a planted path structure.

Each business has three standardised latent scores, drawn as the structural model says:
KD (digital content) ~ N(0, 1); KV (viral campaign) = a·KD + e; KK (co-creation) = c·KD + b·KV + e.
They drive what the business and its customers do, written as real exports (TikTok Content and
FollowerHistory CSV, Meta Business Suite CSV, WhatsApp Android chat exports):
- KD: posting rate, share of weeks with a post, share of posts that are TikTok videos;
- KV: shares per view, how far single posts run above the account's usual views, views per follower;
- KK: product-idea messages per week, how many distinct customers send them, share the business answers.
Everything else (comments, reviews, small talk) is noise around the same level for every business. The
planted coefficients, each business's latent scores and what was planted go to <home>/lab/demo_truth.json.
"""

from __future__ import annotations

import json
import math
import random
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

from pipelines.demo.generate import Line, _customers, _rng, android_export, default_end
from pipelines.demo.social import Post, _month_day, _quoted_csv, instagram_file
from pipelines.settings import Settings
from pipelines.tenants import Delivery, Tenant, add_tenant

WEEKS = 8
# Planted structural paths: content -> viral (a), content -> co-creation (c), viral -> co-creation (b).
PLANTED = {"KD -> KV": 0.45, "KD -> KK": 0.15, "KV -> KK": 0.75}
PRODUCTS = ["keripik", "kopi bubuk", "sambal", "batik tulis", "tas rotan", "kue kering", "madu hutan", "tenun ikat",
            "sabun herbal", "dodol", "amplang", "kerupuk", "teh rempah", "gantungan kunci", "kaos sablon"]
VARIANTS = ["pedas", "original", "pandan", "coklat", "ukuran kecil", "ukuran jumbo", "kemasan sachet", "warna pastel",
            "motif baru", "tanpa gula", "rasa jahe", "paket hemat", "kemasan botol", "edisi lebaran"]
IDEAS = [
    "Kalau bisa tambahin pilihan {v} min",
    "Kak, kalau bisa dibuat {v} juga ya",
    "Saran kak, tolong tambahkan {v} untuk {p}nya",
    "Mending ditambah pilihan {v} kak",
    "Semoga nanti ada {p} {v} ya kak",
    "Request kak, adain {p} {v} dong",
    "Kedepannya tolong tambahin {v} ya kak",
    "Bisa gak kak {p}nya ditambahin varian {v}?",
]
OTHER = ["Kak, pesanan saya sudah dikirim belum?", "Mantap kak, {p}nya enak banget", "Berapa ongkir ke {c} kak?",
         "Makasih kak, sudah sampai", "Masih ada stok {p} kak?", "Ok kak siap, saya transfer ya", "Bisa COD kak?"]
REPLIES = ["Siap kak, terima kasih masukannya!", "Baik kak, kami catat ya", "Terima kasih kak 🙏", "Boleh kak, ditunggu ya"]
CITIES = ["Jambi", "Jepara", "Tasikmalaya", "Samarinda", "Medan", "Makassar", "Solo", "Padang"]


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def latent_scores(rng: random.Random) -> dict[str, float]:
    """One business's standardised KD, KV, KK drawn from the planted structural model."""
    a, c, b = PLANTED["KD -> KV"], PLANTED["KD -> KK"], PLANTED["KV -> KK"]
    kd = rng.gauss(0, 1)
    kv = a * kd + math.sqrt(1 - a * a) * rng.gauss(0, 1)
    explained = c * c + b * b + 2 * a * b * c
    kk = c * kd + b * kv + math.sqrt(1 - explained) * rng.gauss(0, 1)
    return {"KD": kd, "KV": kv, "KK": kk}


def behaviour(rng: random.Random, z: dict[str, float]) -> dict[str, float]:
    """The rates a business's latent scores set, each with its own noise (measurement error)."""
    kd, kv, kk = z["KD"], z["KV"], z["KK"]
    return {
        "active_week_prob": _sigmoid(0.8 + 1.4 * kd + 0.25 * rng.gauss(0, 1)),
        "posts_per_active_week": 0.8 + 2.4 * _sigmoid(1.2 * kd + 0.3 * rng.gauss(0, 1)),
        "video_prob": _sigmoid(0.2 + 1.2 * kd + 0.3 * rng.gauss(0, 1)),
        "share_rate": 0.004 * math.exp(0.6 * kv + 0.25 * rng.gauss(0, 1)),
        "spike_prob": 0.25 * _sigmoid(1.6 * kv - 0.5 + 0.3 * rng.gauss(0, 1)),
        "views_per_follower": 1.5 * math.exp(0.5 * kv + 0.25 * rng.gauss(0, 1)),
        "ideas_per_week": 0.4 + 1.6 * math.exp(0.6 * kk + 0.25 * rng.gauss(0, 1)),
        "new_idea_customer_prob": _sigmoid(0.3 + 1.0 * kk + 0.4 * rng.gauss(0, 1)),
        "idea_answer_prob": _sigmoid(1.2 * kk + 0.4 * rng.gauss(0, 1)),
    }


def _poisson(rng: random.Random, lam: float) -> int:
    k, p, limit = 0, 1.0, math.exp(-lam)
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _posts(rng: random.Random, rates: dict, handle: str, start: date, followers: int) -> list[Post]:
    posts: list[Post] = []
    active = [w for w in range(WEEKS) if rng.random() < rates["active_week_prob"]] or [rng.randrange(WEEKS)]
    for week in active:
        for _ in range(max(1, _poisson(rng, rates["posts_per_active_week"]))):
            posted = datetime.combine(start + timedelta(weeks=week, days=rng.randint(0, 6)),
                                      time(rng.randint(8, 20), rng.choice([0, 15, 30, 45])))
            views = followers * rates["views_per_follower"] * rng.lognormvariate(0, 0.3)
            if rng.random() < rates["spike_prob"]:
                views *= rng.uniform(4, 10)
            caption = f"{rng.choice(PRODUCTS).title()} favorit pelanggan! #umkm #{handle}"
            if rng.random() < rates["video_prob"]:
                nid = str(7_300_000_000_000_000_000 + rng.randint(0, 10**15))
                posts.append(Post("tiktok", nid, f"https://www.tiktok.com/@{handle}/video/{nid}", caption, posted,
                                  int(views), rates["share_rate"], "video"))
            else:
                code = "".join(rng.choice("abcdefghijkLMNOPQ0123456789") for _ in range(11))
                nid = str(17_900_000_000_000_000 + rng.randint(0, 10**14))
                posts.append(Post("instagram", nid, f"https://www.instagram.com/p/{code}/", caption, posted,
                                  int(views * 0.6), rates["share_rate"], "IG image", code))
    return posts


def _tiktok_files(folder: Path, posts: list[Post], start: date, end: date, followers: int) -> list[Path]:
    """One Content export on the last day and the FollowerHistory of the period."""
    folder.mkdir(parents=True, exist_ok=True)
    moment = datetime.combine(end, time(8, 0))
    rows = []
    for v in sorted((p for p in posts if p.platform == "tiktok"), key=lambda p: p.posted, reverse=True):
        m = v.metrics_at(moment)
        rows.append([_month_day(end - timedelta(days=1)), v.caption, v.url, _month_day(v.posted.date()),
                     f"{m['likes']:,}", m["comments"], m["shares"], f"{m['views']:,}"])
    content = folder / f"Content_{end:%Y-%m-%d}.csv"
    content.write_bytes(_quoted_csv(["Time", "Video title", "Video link", "Post time", "Total likes", "Total comments",
                                     "Total shares", "Total views"], rows))
    history, count = [], followers
    for i in range((end - start).days):
        d = start + timedelta(days=i)
        delta = sum(1 for p in posts if p.posted.date() == d) * 3 + (i % 3 == 0)
        count += delta
        history.append([_month_day(d), count, delta])
    follower_file = folder / f"FollowerHistory_{end:%Y-%m-%d}.csv"
    follower_file.write_bytes(_quoted_csv(["Date", "Followers", "Difference in followers from previous day"], history))
    return [content, follower_file]


def _chats(rng: random.Random, rates: dict, name: str, start: date, city: str) -> tuple[list[tuple[str, list[Line]]], dict]:
    """WhatsApp one-to-one chats: product ideas at the planted rate (some answered), plus ordinary messages."""
    customers = _customers(rng, 40)
    used: list = []
    chats: dict[str, list[Line]] = {}
    planted = {"idea_texts": 0, "idea_customers": 0, "ideas_answered": 0}
    idea_authors: set[str] = set()
    for week in range(WEEKS):
        for kind, count in (("idea", _poisson(rng, rates["ideas_per_week"])), ("other", _poisson(rng, 2.0))):
            for _ in range(count):
                if kind == "idea" and (not used or rng.random() < rates["new_idea_customer_prob"]) and len(used) < len(customers):
                    customer = customers[len(used)]
                    used.append(customer)
                else:
                    customer = rng.choice(used or customers[:1])
                at = datetime.combine(start + timedelta(weeks=week, days=rng.randint(0, 6)),
                                      time(rng.randint(7, 20), rng.randint(0, 59)))
                product = rng.choice(PRODUCTS)
                if kind == "idea":
                    text = rng.choice(IDEAS).format(v=rng.choice(VARIANTS), p=product)
                    answered = rng.random() < rates["idea_answer_prob"]
                    planted["idea_texts"] += 1
                    planted["ideas_answered"] += answered
                    idea_authors.add(customer.shown)
                else:
                    text = rng.choice(OTHER).format(p=product, c=city)
                    answered = rng.random() < 0.7
                lines = chats.setdefault(customer.shown, [])
                lines.append(Line(at, customer.shown, text))
                if answered:
                    lines.append(Line(at + timedelta(minutes=rng.randint(5, 600)), name, rng.choice(REPLIES)))
    planted["idea_customers"] = len(idea_authors)
    return [(who, sorted(lines, key=lambda ln: ln.at)) for who, lines in chats.items()], planted


def write_businesses(settings: Settings, n: int, *, seed: int = 7, end: date | None = None) -> tuple[list[str], Path]:
    """Write N businesses' exports under landing/, declare them in tenants.toml, and the truth file."""
    end = end or default_end()
    start = end - timedelta(weeks=WEEKS)
    root = settings.home / "landing"
    truth: dict = {"seed": seed, "weeks": [str(start), str(end)], "planted_paths": PLANTED,
                   "model": "KD (digital content) -> KV (viral campaign) -> KK (co-creation); preset konten-viral-kokreasi",
                   "expected_order": sorted(PLANTED, key=PLANTED.get, reverse=True), "businesses": {}}
    ids = []
    for i in range(1, n + 1):
        tenant_id = f"umkm-{i:03d}"
        rng = _rng(seed, "lab-business", tenant_id)
        name = f"UMKM {rng.choice(PRODUCTS).title()} {i:03d}"
        handle = f"umkm{i:03d}"
        city = rng.choice(CITIES)
        z = latent_scores(rng)
        rates = behaviour(rng, z)
        followers = int(rng.lognormvariate(math.log(800), 0.6))
        posts = _posts(rng, rates, handle, start, followers)
        folder = root / tenant_id
        files = _tiktok_files(folder / "tiktok", posts, start, end, followers)
        files.append(instagram_file(folder / "instagram", {"handle": handle, "name": name}, posts, end, indonesian=True))
        chats, planted = _chats(rng, rates, name, start, city)
        (folder / "whatsapp").mkdir(parents=True, exist_ok=True)
        first_at = datetime.combine(start, time(7, 0))
        for who, lines in chats:
            path = folder / "whatsapp" / f"Chat WhatsApp dengan {who}.txt"
            path.write_text(android_export(lines, first_at=first_at), encoding="utf-8")
        add_tenant(settings.tenants_path, Tenant(
            id=tenant_id, name=name, timezone="Asia/Jakarta", language="id",
            accounts={"whatsapp": [name], "tiktok": [handle], "instagram": [handle]},
            delivery=Delivery(channels=["outbox"])), replace=True)
        truth["businesses"][tenant_id] = {"latent": {k: round(v, 6) for k, v in z.items()},
                                          "rates": {k: round(v, 6) for k, v in rates.items()},
                                          "posts": len(posts), "followers": followers, **planted}
        ids.append(tenant_id)
    path = settings.home / "lab" / "demo_truth.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(truth, ensure_ascii=False, indent=2), encoding="utf-8")
    return ids, path


_WORKER: dict = {}


def _init_worker(model: str, allow_download: bool) -> None:
    from pipelines.feedback.embeddings import SentenceTransformerEmbedder

    _WORKER["embedder"] = SentenceTransformerEmbedder(model, allow_download=allow_download)


def _run_one(tenant_id: str, now: datetime, embedder=None) -> str:
    """Ingest, score, feedback and constructs of one business (its own warehouse file)."""
    from pipelines.lab.io import constructs_stage
    from pipelines.run import ingest_stage, score_stage, themes_stage
    from pipelines.settings import get_settings
    from pipelines.tenants import get_tenant

    settings = get_settings()
    tenant = get_tenant(settings.tenants_path, tenant_id)
    ingest_stage(tenant, [settings.landing_dir(tenant_id)], fmt=None, settings=settings, now=now)
    score_stage(tenant, settings=settings)
    themes_stage(tenant, settings=settings, now=now, embedder=embedder or _WORKER["embedder"])
    constructs_stage(tenant, settings=settings)
    return tenant_id


def run_businesses(settings: Settings, tenant_ids: list[str], *, now: datetime, embedder=None, progress: bool = False,
                   workers: int | None = None) -> None:
    """Every stage for each demo business, then its constructs mart. Businesses are independent (one
    warehouse file each), so `workers` processes (default: the CPUs, at most 8) run them side by side,
    each loading the embedding model once."""
    import os
    from concurrent.futures import ProcessPoolExecutor

    workers = workers or min(8, os.cpu_count() or 1)
    settings.master_key  # noqa: B018  (made once here, not raced for by the workers)
    done = 0

    def tick(tenant_id: str) -> None:
        nonlocal done
        done += 1
        if progress:
            print(f"{tenant_id} ({done}/{len(tenant_ids)})", end="\r", file=sys.stderr, flush=True)

    if workers <= 1 or len(tenant_ids) <= 1:
        if embedder is None:
            _init_worker(settings.embedding_model, settings.allow_model_download)
        for tenant_id in tenant_ids:
            tick(_run_one(tenant_id, now, embedder))
        return
    with ProcessPoolExecutor(workers, initializer=_init_worker,
                             initargs=(settings.embedding_model, settings.allow_model_download)) as pool:
        for tenant_id in pool.map(_run_one, tenant_ids, [now] * len(tenant_ids)):
            tick(tenant_id)
