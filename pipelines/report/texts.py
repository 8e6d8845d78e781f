"""Every word the weekly report shows, in plain Bahasa Indonesia and English, and the number formats of each.

Sentences are keyed phrases with typed values (`Pct`, `Times`, dates, counts) so the numbers are computed
once (in data.py) and written the local way here: 1.234 and 12,5% in Indonesian, 1,234 and 12.5% in English.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

MONTHS = {
    "id": ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
           "November", "Desember"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}


@dataclass(frozen=True)
class Pct:
    """A share (0.125) written as a percentage (12,5%)."""

    value: float


@dataclass(frozen=True)
class Change:
    """A relative change (0.25) written with its sign (+25%)."""

    value: float


@dataclass(frozen=True)
class Times:
    """A multiple (7.5) written as 7,5x."""

    value: float


@dataclass(frozen=True)
class Quote:
    """Words someone wrote, shown in quotation marks (escaped like all text at rendering)."""

    value: str


@dataclass
class Phrase:
    """A sentence to be written in the report's language: a TEXTS key and its values."""

    key: str
    values: dict = field(default_factory=dict)
    evidence: Phrase | None = None


def fmt_int(n: float | int | None, lang: str) -> str:
    if n is None:
        return "–"
    s = f"{round(n):,}"
    return s.replace(",", ".") if lang == "id" else s


def fmt_dec(x: float | None, lang: str, digits: int = 1) -> str:
    if x is None:
        return "–"
    s = f"{x:,.{digits}f}"
    if lang == "id":
        s = s.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return s


def fmt_pct(x: float | None, lang: str) -> str:
    if x is None:
        return "–"
    value = round(100 * x, 1)
    return fmt_dec(value, lang, 0 if value == int(value) else 1) + "%"


def fmt_change(x: float | None, lang: str) -> str:
    if x is None:
        return "–"
    sign = "+" if x > 0 else ("−" if x < 0 else "±")
    return sign + fmt_pct(abs(x), lang)


def fmt_times(x: float | None, lang: str) -> str:
    if x is None:
        return "–"
    return fmt_dec(x, lang, 0 if x >= 20 else 1) + "x"


def fmt_date(d: date | None, lang: str, *, year: bool = False) -> str:
    if d is None:
        return "–"
    month = MONTHS[lang][d.month - 1]
    return f"{d.day} {month}" + (f" {d.year}" if year else "") if lang == "id" else \
        f"{month} {d.day}" + (f", {d.year}" if year else "")


def fmt_range(start: date, end: date, lang: str) -> str:
    """'16–22 November 2026' / 'November 16–22, 2026' (months and years written only where they change)."""
    if start.month == end.month and start.year == end.year:
        if lang == "id":
            return f"{start.day}–{end.day} {MONTHS['id'][end.month - 1]} {end.year}"
        return f"{MONTHS['en'][end.month - 1]} {start.day}–{end.day}, {end.year}"
    return f"{fmt_date(start, lang, year=start.year != end.year)} – {fmt_date(end, lang, year=True)}"


def fmt_value(value: object, lang: str) -> str:
    """One phrase value written the local way."""
    if isinstance(value, Pct):
        return fmt_pct(value.value, lang)
    if isinstance(value, Change):
        return fmt_change(value.value, lang)
    if isinstance(value, Times):
        return fmt_times(value.value, lang)
    if isinstance(value, Phrase):
        return say(value, lang)
    if isinstance(value, Quote):
        return f"“{value.value}”"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return fmt_int(value, lang)
    if isinstance(value, float):
        return fmt_dec(value, lang)
    if isinstance(value, date):
        return fmt_date(value, lang)
    if isinstance(value, list):
        return ", ".join(fmt_value(v, lang) for v in value)
    return str(value)


def say(phrase: Phrase | str, lang: str, **values: object) -> str:
    """The sentence for a phrase (or a TEXTS key with values) in lang, with its numbers formatted."""
    if isinstance(phrase, str):
        phrase = Phrase(phrase, values)
    table = TEXTS[phrase.key]
    template = table.get(lang, table["id"])
    return template.format(**{k: fmt_value(v, lang) for k, v in phrase.values.items()})


TEXTS: dict[str, dict[str, str]] = {
    # Page furniture.
    "title": {"id": "Laporan mingguan {tenant}", "en": "Weekly report for {tenant}"},
    "subtitle": {"id": "Minggu {week} ({range})", "en": "Week {week} ({range})"},
    "generated": {"id": "Dibuat {when} oleh Gaung dari data usaha Anda sendiri.",
                  "en": "Made {when} by Gaung from your own business data."},
    "compared": {"id": "Angka dibandingkan dengan rata-rata 4 minggu sebelumnya.",
                 "en": "Figures are compared with the average of the 4 weeks before."},
    "no_data_week": {
        "id": "Belum ada data untuk minggu ini. Unggah ekspor terbaru (WhatsApp, TikTok, Instagram, marketplace) "
              "lalu jalankan Gaung lagi.",
        "en": "There is no data for this week yet. Upload the latest exports (WhatsApp, TikTok, Instagram, "
              "marketplace) and run Gaung again."},
    # Section headings.
    "h_summary": {"id": "Ringkasan", "en": "Summary"},
    "h_content": {"id": "Konten paling viral", "en": "Most viral content"},
    "h_campaigns": {"id": "Kampanye", "en": "Campaigns"},
    "h_trends": {"id": "Tren", "en": "Trends"},
    "h_voice": {"id": "Suara pelanggan", "en": "Customer voice"},
    "h_ideas": {"id": "Ide produk dari pelanggan", "en": "Product ideas from customers"},
    "h_complaints": {"id": "Keluhan yang perlu ditangani", "en": "Complaints to handle"},
    "h_actions": {"id": "Rekomendasi", "en": "Recommendations"},
    "h_notes": {"id": "Catatan data", "en": "Data notes"},
    # Key figures.
    "kpi_views": {"id": "Tayangan", "en": "Views"},
    "kpi_engagements": {"id": "Interaksi", "en": "Engagements"},
    "kpi_followers": {"id": "Pengikut baru", "en": "New followers"},
    "kpi_posts": {"id": "Konten diunggah", "en": "Posts published"},
    "kpi_messages": {"id": "Pesan pelanggan", "en": "Customer messages"},
    "kpi_customers": {"id": "Pelanggan yang menghubungi", "en": "Customers in touch"},
    "kpi_reviews": {"id": "Ulasan baru", "en": "New reviews"},
    "kpi_rating": {"id": "Rata-rata bintang", "en": "Average stars"},
    "vs_before": {"id": "{change} dari biasanya ({before})", "en": "{change} on usual ({before})"},
    "no_before": {"id": "belum ada pembanding", "en": "nothing to compare yet"},
    # Charts.
    "chart_weekly": {"id": "Tayangan dan interaksi per minggu ({platforms})",
                     "en": "Views and engagements per week ({platforms})"},
    "chart_weekly_alt": {"id": "Grafik batang tayangan per minggu selama {n} minggu; minggu ini {views} tayangan.",
                         "en": "Bar chart of views per week over {n} weeks; this week {views} views."},
    "chart_voice": {"id": "Pesan dan ulasan pelanggan per minggu", "en": "Customer messages and reviews per week"},
    "chart_top": {"id": "Konten dengan tayangan terbanyak, 12 minggu terakhir",
                  "en": "Content with the most views, last 12 weeks"},
    "chart_themes": {"id": "Topik pembicaraan pelanggan minggu ini (merah: bernada negatif)",
                     "en": "What customers talked about this week (red: negative)"},
    "chart_trends": {"id": "Istilah yang sedang naik, jumlah percakapan per minggu",
                     "en": "Rising terms, conversations per week"},
    "legend_views": {"id": "tayangan", "en": "views"},
    "legend_engagements": {"id": "interaksi", "en": "engagements"},
    "legend_messages": {"id": "pesan", "en": "messages"},
    "legend_reviews": {"id": "ulasan", "en": "reviews"},
    "legend_viral": {"id": "viral", "en": "viral"},
    "legend_negative": {"id": "negatif", "en": "negative"},
    "legend_other": {"id": "netral/positif", "en": "neutral/positive"},
    # Content.
    "content_week": {"id": "Diunggah minggu ini", "en": "Posted this week"},
    "content_none_week": {"id": "Tidak ada konten baru yang diunggah minggu ini.",
                          "en": "No new content was posted this week."},
    "content_highlights": {"id": "Yang viral dalam 12 minggu terakhir", "en": "What went viral in the last 12 weeks"},
    "content_no_viral": {"id": "Belum ada konten yang viral dalam 12 minggu terakhir (tayangan minimal 3x biasanya, "
                               "atau suka bila tak ada data tayangan).",
                         "en": "Nothing went viral in the last 12 weeks (at least 3x the usual views, or likes where "
                               "there are no views)."},
    "content_line": {"id": "{platform}, {date}: {views} tayangan, {shares} dibagikan",
                     "en": "{platform}, {date}: {views} views, {shares} shares"},
    "content_why": {"id": "Kenapa: {reason}", "en": "Why: {reason}"},
    "content_why_multiple": {"id": "tayangan {views} dari biasanya, dibagikan {shares}",
                             "en": "views {views} the usual, shares {shares}"},
    "content_why_likes": {"id": "disukai {likes} dari biasanya (tanpa data tayangan)",
                          "en": "liked {likes} the usual (no views in this data)"},
    "content_why_likes_comments": {"id": "disukai {likes} dari biasanya, komentar {comments} (tanpa data tayangan)",
                                   "en": "liked {likes} the usual, comments {comments} (no views in this data)"},
    "content_line_likes": {"id": "{platform}, {date}: {likes} suka",
                           "en": "{platform}, {date}: {likes} likes"},
    "content_no_baseline": {"id": "belum bisa dibandingkan (kurang dari 3 konten sebelumnya)",
                            "en": "cannot be compared yet (fewer than 3 earlier posts)"},
    "content_open": {"id": "buka", "en": "open"},
    "no_content_data": {"id": "Belum ada data konten TikTok atau Instagram. Unggah ekspor Content dari TikTok Studio "
                              "atau ekspor Meta Business Suite.",
                        "en": "No TikTok or Instagram content data yet. Upload the Content export from TikTok Studio "
                              "or a Meta Business Suite export."},
    # Campaigns.
    "campaign_active": {"id": "berjalan {start} – {end}", "en": "running {start} – {end}"},
    "campaign_ended": {"id": "selesai {end} (berjalan sejak {start})", "en": "ended {end} (started {start})"},
    "campaign_reach": {"id": "{content} konten, {views} tayangan, {viral} viral; tingkat interaksi {rate}.",
                       "en": "{content} posts, {views} views, {viral} viral; engagement rate {rate}."},
    "campaign_spread": {"id": "Menyebar ke {channels} saluran: {mentions} sebutan dari {customers} pelanggan.",
                        "en": "Spread to {channels} channels: {mentions} mentions by {customers} customers."},
    "campaign_uplift": {"id": "Pesan pelanggan {voice} dibanding 4 minggu sebelum kampanye; ulasan {reviews}.",
                        "en": "Customer messages {voice} against the 4 weeks before; reviews {reviews}."},
    "campaign_week": {"id": "Minggu ini: {mentions} sebutan.", "en": "This week: {mentions} mentions."},
    "campaign_top": {"id": "Konten terkuat: {title}", "en": "Strongest post: {title}"},
    "campaign_none": {"id": "Tidak ada kampanye yang berjalan atau baru selesai dalam 4 minggu ini. Daftarkan kampanye "
                            "(tagar, kata kunci, tanggal) di tenants.toml agar penyebarannya diukur.",
                      "en": "No campaign ran or ended in the last 4 weeks. Declare campaigns (hashtags, keywords, "
                            "dates) in tenants.toml to have their spread measured."},
    "ch_content": {"id": "konten", "en": "content"},
    "ch_whatsapp": {"id": "WhatsApp", "en": "WhatsApp"},
    "ch_reviews": {"id": "ulasan", "en": "reviews"},
    "ch_comments": {"id": "komentar", "en": "comments"},
    "ch_forwards": {"id": "diteruskan", "en": "forwarded"},
    # Trends.
    "trend_line": {"id": "{support} percakapan minggu ini (biasanya {usual}), ramai sejak {since}",
                   "en": "{support} conversations this week (usually {usual}), notable since {since}"},
    "trend_none": {"id": "Tidak ada istilah atau tagar yang naik tajam minggu ini.",
                   "en": "No term or hashtag rose sharply this week."},
    "trend_not_yet": {"id": "Tren baru bisa dinilai setelah ada data 4 minggu.",
                      "en": "Trends can be judged once there are 4 weeks of data."},
    "status_emerging": {"id": "baru muncul", "en": "emerging"},
    "status_rising": {"id": "terus naik", "en": "rising"},
    "status_steady": {"id": "bertahan", "en": "steady"},
    "status_fading": {"id": "mulai turun", "en": "fading"},
    "status_new": {"id": "baru", "en": "new"},
    "status_growing": {"id": "bertambah", "en": "growing"},
    "status_stable": {"id": "stabil", "en": "stable"},
    # Customer voice.
    "feedback_missing": {
        "id": "Analisis masukan pelanggan (topik, ide produk, keluhan) belum dijalankan untuk usaha ini. Jalankan "
              "'gaung themes --tenant {tenant}', lalu buat laporan lagi.",
        "en": "The customer feedback analysis (themes, product ideas, complaints) has not run for this business yet. "
              "Run 'gaung themes --tenant {tenant}', then make the report again."},
    "voice_total": {"id": "{texts} pesan, ulasan dan komentar dari {customers} pelanggan minggu ini ({change} dari "
                          "biasanya).",
                    "en": "{texts} messages, reviews and comments from {customers} customers this week ({change} on "
                          "usual)."},
    "voice_none": {"id": "Tidak ada pesan atau ulasan pelanggan minggu ini.",
                   "en": "No customer messages or reviews this week."},
    "theme_line": {"id": "{texts} kali dari {customers} pelanggan minggu ini; {negative} bernada negatif",
                   "en": "{texts} times from {customers} customers this week; {negative} negative"},
    "theme_before": {"id": "biasanya {usual} per minggu", "en": "usually {usual} a week"},
    "intent_product_idea": {"id": "ide produk", "en": "product idea"},
    "intent_complaint": {"id": "keluhan", "en": "complaint"},
    "intent_question": {"id": "pertanyaan", "en": "question"},
    "intent_praise": {"id": "pujian", "en": "praise"},
    "intent_other": {"id": "lainnya", "en": "other"},
    # A theme's intent mix: every text of the theme, by what the customer was doing.
    "theme_mix": {"id": "Isinya: {parts}", "en": "It holds: {parts}"},
    "mix_complaint": {"id": "{n} keluhan", "en": "{n} complaints"},
    "mix_question": {"id": "{n} pertanyaan", "en": "{n} questions"},
    "mix_product_idea": {"id": "{n} ide produk", "en": "{n} product ideas"},
    "mix_praise": {"id": "{n} pujian", "en": "{n} praise"},
    "mix_other": {"id": "{n} lainnya", "en": "{n} other"},
    "idea_theme": {"id": "tema: {label}", "en": "theme: {label}"},
    "sent_positive": {"id": "positif", "en": "positive"},
    "sent_neutral": {"id": "netral", "en": "neutral"},
    "sent_negative": {"id": "negatif", "en": "negative"},
    "idea_line": {"id": "diminta {customers} pelanggan ({texts} kali), terakhir {last}",
                  "en": "asked for by {customers} customers ({texts} times), last on {last}"},
    "idea_week": {"id": "{texts} kali minggu ini", "en": "{texts} times this week"},
    "idea_growth": {"id": "naik {growth}", "en": "up {growth}"},
    "ideas_none": {"id": "Belum ada permintaan produk dari pelanggan yang tercatat.",
                   "en": "No product requests from customers recorded yet."},
    "complaint_line": {"id": "{customers} pelanggan minggu ini ({texts} pesan), {total} pelanggan sejak {first}",
                       "en": "{customers} customers this week ({texts} messages), {total} customers since {first}"},
    "complaint_quiet": {"id": "tidak muncul minggu ini; {total} pelanggan sejak {first}",
                        "en": "not heard this week; {total} customers since {first}"},
    "complaints_none": {"id": "Tidak ada keluhan pelanggan dalam 4 minggu terakhir.",
                        "en": "No customer complaints in the last 4 weeks."},
    # Summary findings.
    "f_views": {"id": "Tayangan minggu ini {views}, {change} dari rata-rata 4 minggu sebelumnya ({before}).",
                "en": "Views this week: {views}, {change} on the 4 weeks before ({before})."},
    "f_viral_week": {"id": "{title} di {platform} viral: {reason}.", "en": "{title} on {platform} went viral: {reason}."},
    "f_viral_recent": {"id": "Konten paling viral 12 minggu terakhir: {title} ({date}), {reason}.",
                       "en": "Most viral content of the last 12 weeks: {title} ({date}), {reason}."},
    "f_trend": {"id": "Sedang ramai: {term}, {support} percakapan minggu ini.",
                "en": "Trending: {term}, {support} conversations this week."},
    "f_campaign": {"id": "Kampanye {name} sampai ke {channels} saluran dengan {mentions} sebutan pelanggan.",
                   "en": "Campaign {name} reached {channels} channels with {mentions} customer mentions."},
    "f_complaint": {"id": "Keluhan terbanyak: {label}, dari {customers} pelanggan minggu ini.",
                    "en": "Most frequent complaint: {label}, from {customers} customers this week."},
    "f_idea": {"id": "Permintaan produk teratas: {label}, dari {customers} pelanggan.",
               "en": "Top product request: {label}, from {customers} customers."},
    "f_messages": {"id": "{messages} pesan dan ulasan dari {customers} pelanggan, {change} dari biasanya.",
                   "en": "{messages} messages and reviews from {customers} customers, {change} on usual."},
    # Recommendations and their evidence.
    "r_viral": {"id": "Buat video lanjutan seperti {title} di {platform}.",
                "en": "Make a follow-up video like {title} on {platform}."},
    "e_viral_likes": {"id": "Disukai {likes} dari biasanya ({date}); data ini tanpa jumlah tayangan.",
                      "en": "Liked {likes} the usual ({date}); this data has no view counts."},
    "e_viral": {"id": "Ditonton {views} dari biasanya dan dibagikan {shares} ({date}).",
                "en": "Watched {views} the usual and shared {shares} ({date})."},
    "r_trend": {"id": "Manfaatkan tren {term}: buat konten atau tawarkan produknya minggu ini.",
                "en": "Ride the {term} trend: post about it or offer it this week."},
    "e_trend": {"id": "{support} percakapan minggu ini, biasanya {usual}; ramai sejak {since}.",
                "en": "{support} conversations this week, usually {usual}; notable since {since}."},
    "r_complaint": {"id": "Tanggapi keluhan {label}: balas pelanggan yang mengeluh dan perbaiki penyebabnya.",
                    "en": "Handle the {label} complaints: answer those customers and fix the cause."},
    "e_complaint": {"id": "{customers} pelanggan minggu ini, {negative} bernada negatif. Contoh: {quote}",
                    "en": "{customers} customers this week, {negative} negative. For example: {quote}"},
    "r_idea": {"id": "Pertimbangkan permintaan {label}: coba dalam jumlah kecil dan umumkan ke pelanggan yang meminta.",
               "en": "Consider the {label} request: try a small batch and tell the customers who asked."},
    "e_idea": {"id": "Diminta {customers} pelanggan ({texts} kali). Contoh: {quote}",
               "en": "Asked for by {customers} customers ({texts} times). For example: {quote}"},
    "r_question": {"id": "Jawab pertanyaan {label} di bio, katalog atau balasan cepat WhatsApp.",
                   "en": "Answer the {label} question in your bio, catalogue or WhatsApp quick replies."},
    "e_question": {"id": "Ditanyakan {customers} pelanggan minggu ini. Contoh: {quote}",
                   "en": "Asked by {customers} customers this week. For example: {quote}"},
    "r_campaign_repeat": {"id": "Ulangi pola kampanye {name}: kode promo yang mudah diteruskan di WhatsApp.",
                          "en": "Repeat what worked in {name}: a promo code that is easy to forward on WhatsApp."},
    "e_campaign": {"id": "{mentions} sebutan di {channels} saluran, {forwards} kali diteruskan; pesan pelanggan {voice} "
                         "dari sebelum kampanye.",
                   "en": "{mentions} mentions across {channels} channels, forwarded {forwards} times; customer messages "
                         "{voice} on before the campaign."},
    "r_campaign_push": {"id": "Dorong kampanye {name} yang sedang berjalan: bagikan ulang kontennya di WhatsApp dan "
                              "marketplace.",
                        "en": "Push the running campaign {name}: share its content again on WhatsApp and the "
                              "marketplace."},
    "r_stale": {"id": "Unggah ekspor terbaru dari {source}.", "en": "Upload the latest export from {source}."},
    "e_stale": {"id": "Data {source} baru sampai {last}, sebelum akhir minggu ini ({end}).",
                "en": "{source} data only reaches {last}, before the end of this week ({end})."},
    "r_post": {"id": "Unggah konten minggu ini: akun yang rutin mengunggah lebih mudah ditemukan.",
               "en": "Post this week: accounts that post regularly are easier to find."},
    "e_post": {"id": "Tidak ada konten baru minggu ini; biasanya {usual} per minggu.",
               "en": "No new content this week; usually {usual} a week."},
    "actions_none": {"id": "Data minggu ini belum cukup untuk saran yang bisa dipertanggungjawabkan.",
                     "en": "This week's data is not enough for recommendations we can stand behind."},
    "evidence": {"id": "Dasar", "en": "Evidence"},
    # Delivery.
    "email_subject": {"id": "Laporan mingguan {tenant}: {range}", "en": "Weekly report for {tenant}: {range}"},
    "email_body": {
        "id": "Halo,\n\nTerlampir laporan mingguan {tenant} untuk {range}: apa yang terjadi minggu ini, konten yang "
              "paling ramai, tren, suara pelanggan, dan saran langkah berikutnya.\n\nSalam,\nGaung",
        "en": "Hello,\n\nAttached is the weekly report for {tenant} covering {range}: what happened this week, the "
              "content that took off, trends, what customers said, and suggested next steps.\n\nRegards,\nGaung"},
    "wa_caption": {"id": "Laporan mingguan {tenant}, {range}. Buka PDF ini untuk ringkasan dan saran minggu depan.",
                   "en": "Weekly report for {tenant}, {range}. Open this PDF for the summary and next week's actions."},
    # Data notes.
    "notes_sources": {"id": "Sumber data dan tanggal terakhirnya", "en": "Data sources and how far they reach"},
    "notes_source_line": {"id": "{source}: {first} – {last}", "en": "{source}: {first} – {last}"},
    "notes_source_stale": {"id": "belum mencakup akhir minggu ini", "en": "does not reach the end of this week"},
    "notes_files": {"id": "{loaded} berkas dimuat, {rejected} ditolak, {quarantined} baris dikarantina.",
                    "en": "{loaded} files loaded, {rejected} rejected, {quarantined} rows quarantined."},
    "notes_rejected": {"id": "Ditolak: {name}: {error}", "en": "Rejected: {name}: {error}"},
    "notes_quarantine": {"id": "{n} baris dikarantina: {reason}", "en": "{n} row(s) quarantined: {reason}"},
    "notes_no_account_daily": {"id": "Grafik tayangan memakai data harian akun; belum ada ekspor Overview.",
                               "en": "The views chart uses daily account data; there is no Overview export yet."},
    "notes_feedback_ready": {"id": "Analisis masukan pelanggan terakhir mencakup sampai {last}.",
                             "en": "The customer feedback analysis reaches {last}."},
    "notes_privacy": {"id": "Nama, nomor telepon dan akun pelanggan disamarkan di laporan ini.",
                      "en": "Customers' names, phone numbers and handles are masked in this report."},
    "src_account": {"id": "{platform} (harian akun)", "en": "{platform} (daily account)"},
    "src_content": {"id": "{platform} (konten)", "en": "{platform} (content)"},
    "src_voice_message": {"id": "{platform} (pesan)", "en": "{platform} (messages)"},
    "src_voice_review": {"id": "{platform} (ulasan)", "en": "{platform} (reviews)"},
    "src_voice_comment": {"id": "{platform} (komentar)", "en": "{platform} (comments)"},
}

PLATFORMS = {"tiktok": "TikTok", "instagram": "Instagram", "whatsapp": "WhatsApp", "shopee": "Shopee",
             "tokopedia": "Tokopedia", "lazada": "Lazada", "tiktok_shop": "TikTok Shop", "facebook": "Facebook"}


def platform_name(platform: str) -> str:
    return PLATFORMS.get(platform, platform.replace("_", " ").title())
