"""The words of an alert, in Bahasa Indonesia and English: what happened, the figure, one thing to do, a link or quote."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from pipelines.alerts.detect import Detection
from pipelines.report.texts import fmt_dec, fmt_int, fmt_times, platform_name

WEEKDAYS = {"id": ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"],
            "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]}
HEADINGS = {
    "viral_post": {"id": "🚀 Unggahan ramai", "en": "🚀 Post taking off"},
    "complaint_surge": {"id": "⚠️ Keluhan naik", "en": "⚠️ Complaints up"},
    "review_surge": {"id": "⚠️ Ulasan negatif naik", "en": "⚠️ Negative reviews up"},
    "rating_surge": {"id": "⭐ Rating bintang 1 naik", "en": "⭐ One-star ratings up"},
    "product_idea": {"id": "💡 Ide produk dari pelanggan", "en": "💡 Product idea from customers"},
    "unanswered_question": {"id": "⏰ Pertanyaan belum dibalas", "en": "⏰ Question not answered"},
    "campaign_mentions": {"id": "📣 Kampanye ramai dibicarakan", "en": "📣 Campaign talked about"},
}


def _quotes(quotes: list[str]) -> str:
    return " · ".join(f"“{q}”" for q in quotes)


def _usual(baseline: float | None, lang: str, weekday: int) -> str:
    day = WEEKDAYS[lang][weekday]
    if lang == "id":
        return f"biasanya {fmt_dec(baseline or 0, lang, 0 if (baseline or 0) == int(baseline or 0) else 1)} pada hari {day}"
    return f"usually {fmt_dec(baseline or 0, lang, 0 if (baseline or 0) == int(baseline or 0) else 1)} on a {day}"


def body(d: Detection, lang: str, weekday: int) -> str:
    """The alert's lines without its heading: the figure, one thing to do, then the link or quotes."""
    f = d.facts
    n = fmt_int(d.figure, lang)
    if d.kind == "viral_post":
        where = platform_name(f.get("platform") or "")
        if lang == "id":
            text = (f"{where}: {n} tayangan dalam {fmt_dec(f['hours'], lang, 0)} jam, {fmt_times(f['ratio'], lang)} "
                    f"biasanya ({fmt_int(d.baseline, lang)} di umur yang sama). Balas komentar dan siapkan unggahan lanjutan hari ini.")
        else:
            text = (f"{where}: {n} views in {fmt_dec(f['hours'], lang, 0)} hours, {fmt_times(f['ratio'], lang)} the usual "
                    f"({fmt_int(d.baseline, lang)} at the same age). Reply to comments and post a follow-up today.")
        return text + (f"\n{d.link}" if d.link else "")
    if d.kind in ("complaint_surge", "review_surge", "rating_surge"):
        what = {"complaint_surge": ("pelanggan mengeluh", "customers complained"),
                "review_surge": ("ulasan negatif", "negative reviews"),
                "rating_surge": ("rating bintang 1", "one-star ratings")}[d.kind][lang != "id"]
        if lang == "id":
            text = f"{n} {what} dalam 24 jam terakhir ({_usual(d.baseline, lang, weekday)})."
            if f.get("theme"):
                text += f" Paling banyak soal: {f['theme']} ({fmt_int(f['shared'], lang)} pelanggan)."
            text += {"complaint_surge": " Balas mereka hari ini dan cek penyebabnya (batch, kurir, stok).",
                     "review_surge": " Balas ulasannya hari ini dan cek produk yang disebut.",
                     "rating_surge": " Cek pesanan terakhir dan balas pembelinya hari ini."}[d.kind]
        else:
            text = f"{n} {what} in the last 24 hours ({_usual(d.baseline, lang, weekday)})."
            if f.get("theme"):
                text += f" Most are about: {f['theme']} ({fmt_int(f['shared'], lang)} customers)."
            text += {"complaint_surge": " Answer them today and check the cause (batch, courier, stock).",
                     "review_surge": " Reply to the reviews today and check the product they name.",
                     "rating_surge": " Check the latest orders and reply to the buyers today."}[d.kind]
        return text + (f"\n{_quotes(f['quotes'])}" if f.get("quotes") else "")
    if d.kind == "product_idea":
        if lang == "id":
            text = (f"{n} pelanggan berbeda kini meminta: {f['theme']}. Pertimbangkan mencobanya; "
                    f"tanyakan ke mereka harga yang pas.")
        else:
            text = (f"{n} different customers now ask for: {f['theme']}. Consider trying it; "
                    f"ask them what price suits them.")
        return text + (f"\n{_quotes(f['quotes'])}" if f.get("quotes") else "")
    if d.kind == "unanswered_question":
        where = "WhatsApp" if f.get("channel") == "whatsapp" else platform_name(f.get("platform") or "") + (
            " (komentar)" if lang == "id" else " (comment)")
        if lang == "id":
            text = f"Pertanyaan pelanggan di {where} menunggu {fmt_dec(d.figure, lang, 0)} jam. Balas sekarang."
        else:
            text = f"A customer's question on {where} has waited {fmt_dec(d.figure, lang, 0)} hours. Answer it now."
        return text + (f"\n{_quotes(f['quotes'])}" if f.get("quotes") else "")
    if d.kind == "campaign_mentions":
        channels = f.get("channels") or {}
        names = {"message": "WhatsApp", "review": "ulasan" if lang == "id" else "reviews",
                 "comment": "komentar" if lang == "id" else "comments"}
        split = ", ".join(f"{names.get(c, c)} {fmt_int(k, lang)}" for c, k in sorted(channels.items()))
        if lang == "id":
            text = (f"“{f['campaign']}” disebut {n} kali dalam 24 jam ({split}; {_usual(d.baseline, lang, weekday)}). "
                    f"Siapkan stok dan balasan cepat untuk kodenya.")
        else:
            text = (f"“{f['campaign']}” was mentioned {n} times in 24 hours ({split}; {_usual(d.baseline, lang, weekday)}). "
                    f"Get stock and quick replies ready for its code.")
        return text + (f"\n{_quotes(f['quotes'])}" if f.get("quotes") else "")
    raise ValueError(f"unknown alert kind {d.kind!r}")


def message(d: Detection, lang: str, weekday: int) -> str:
    """One alert as a short message."""
    return f"{HEADINGS[d.kind][lang]}\n{body(d, lang, weekday)}"


def digest(tenant_name: str, messages: list[str], more: int, lang: str) -> str:
    """Several alerts at once: one message, each alert a paragraph, the rest counted."""
    head = (f"Gaung · {tenant_name}: {len(messages) + more} hal perlu perhatian hari ini" if lang == "id"
            else f"Gaung · {tenant_name}: {len(messages) + more} things need you today")
    tail = ([f"…dan {more} lainnya (lihat laporan)."] if lang == "id" else [f"…and {more} more (see the report)."]) if more else []
    return "\n\n".join([head, *messages, *tail])


RUN_TEXTS = {
    "found": {"id": "{tenant}: {n} sinyal ditemukan, {new} peringatan baru ({when})",
              "en": "{tenant}: {n} signals found, {new} new alerts ({when})"},
    "sent": {"id": "Terkirim lewat {channels}: {count} peringatan dalam satu pesan",
             "en": "Sent on {channels}: {count} alerts in one message"},
    "quiet_hours": {"id": "Jam tenang: {count} peringatan ditahan, dikirim pagi nanti",
                    "en": "Quiet hours: {count} alerts held for the morning"},
    "daily_cap": {"id": "Batas harian tercapai: {count} peringatan ditahan sampai besok",
                  "en": "Daily cap reached: {count} alerts held until tomorrow"},
    "failed": {"id": "Gagal terkirim (dicoba lagi pada jalan berikutnya): {errors}",
               "en": "Not delivered (retried on the next run): {errors}"},
    "dry_run": {"id": "Uji coba: tidak ada yang ditulis atau dikirim", "en": "Dry run: nothing written or sent"},
    "disabled": {"id": "Peringatan dimatikan untuk usaha ini (alerts.enabled = false)",
                 "en": "Alerts are switched off for this business (alerts.enabled = false)"},
    "no_warehouse": {"id": "Belum ada data: jalankan gaung ingest dulu", "en": "No data yet: run gaung ingest first"},
}


def run_lines(run, tenant, lang: str) -> list[str]:
    """What `gaung alerts` prints: the count, each new alert's message, and what happened to the sending."""
    local = run.now.astimezone(ZoneInfo(tenant.timezone))
    lines = [RUN_TEXTS["found"][lang].format(tenant=tenant.id, n=len(run.found), new=len(run.new),
                                             when=f"{local:%Y-%m-%d %H:%M} {tenant.timezone}")]
    for alert in run.new:
        lines += ["", alert["message_id"] if lang == "id" else alert["message_en"]]
    for sent in run.sent:
        lines.append(RUN_TEXTS["sent"][lang].format(channels=", ".join(sent["channels"]), count=len(sent["alert_ids"])))
    if run.reason in ("quiet_hours", "daily_cap"):
        lines.append(RUN_TEXTS[run.reason][lang].format(count=len(run.held)))
    elif run.reason in RUN_TEXTS and run.reason != "failed":
        lines.append(RUN_TEXTS[run.reason][lang])
    if run.errors:
        lines.append(RUN_TEXTS["failed"][lang].format(errors="; ".join(run.errors)))
    return lines
