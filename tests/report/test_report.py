"""The weekly report from the demo marts: content, safety (escaping, masking, tenant isolation), languages."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import duckdb
import pytest

from pipelines.demo.businesses import BUSINESSES
from pipelines.privacy import mask_quote, name_words
from pipelines.report.build import report_stage
from pipelines.report.data import build_report_data
from pipelines.report.items import ThemeItem
from pipelines.report.render import render_html
from pipelines.report.texts import Written, fmt_change, fmt_int, fmt_pct, fmt_range, say
from pipelines.report.weeks import last_complete_week, parse_week
from tests.report.conftest import NOW, WEEK

SECTIONS_ALWAYS = ["Ringkasan", "Konten paling viral", "Kampanye", "Tren", "Suara pelanggan", "Rekomendasi",
                   "Catatan data"]
SECTIONS_FEEDBACK = ["Ide produk dari pelanggan", "Keluhan yang perlu ditangani"]


def html_of(settings, tenant, lang="id") -> str:
    paths = report_stage(tenant, settings=settings, formats=("html",), lang=lang, now=NOW)
    return paths[0].read_text(encoding="utf-8")


def text_of(html: str) -> str:
    """The visible text, entities decoded, so assertions read like what a person sees."""
    import html as h

    body = re.sub(r"<style>.*?</style>|<title>.*?</title>", " ", html, flags=re.S)
    return h.unescape(re.sub(r"<[^>]+>", " ", body))


def feedback_ready(settings, tenant_id) -> bool:
    con = duckdb.connect(str(settings.warehouse_path(tenant_id)), read_only=True)
    try:
        return con.execute("select count(*) from information_schema.tables where table_schema = 'marts'"
                           " and table_name = 'fct_product_ideas'").fetchall()[0][0] > 0
    finally:
        con.close()


def test_weeks_are_iso_weeks_in_the_tenant_timezone() -> None:
    assert parse_week("2026-W47").start.isoformat() == "2026-11-16"
    assert parse_week("2026-W47").end.isoformat() == "2026-11-22"
    # Sunday 23:30 UTC is already Monday in Jakarta: the week that just ended is complete there.
    from datetime import UTC, datetime
    assert last_complete_week(datetime(2026, 11, 22, 23, 30, tzinfo=UTC), "Asia/Jakarta").label == "2026-W47"
    assert last_complete_week(datetime(2026, 11, 22, 12, 0, tzinfo=UTC), "Asia/Jakarta").label == "2026-W46"
    with pytest.raises(ValueError, match="YYYY-Www"):
        parse_week("47/2026")
    with pytest.raises(ValueError, match="does not exist"):
        parse_week("2026-W54")


def test_a_week_is_an_iso_week_or_a_date_in_it() -> None:
    from datetime import date

    assert parse_week("2026-10-05") == parse_week("2026-W41") == parse_week(" 2026-10-11 ") == parse_week(date(2026, 10, 8))
    assert parse_week("2026-10-05").label == "2026-W41"
    assert parse_week("2027-01-01").label == "2026-W53"  # a date early in January can sit in the last ISO year's week
    for bad in ("2026-13-45", "W41", "2026-w41", "pekan ini", ""):
        with pytest.raises(ValueError, match="YYYY-Www.*YYYY-MM-DD"):
            parse_week(bad)


def test_numbers_are_written_the_indonesian_way() -> None:
    assert fmt_int(1234567, "id") == "1.234.567" and fmt_int(1234567, "en") == "1,234,567"
    assert fmt_pct(0.125, "id") == "12,5%" and fmt_pct(0.2, "en") == "20%"
    assert fmt_change(-0.2, "id") == "−20%"
    assert fmt_range(parse_week("2026-W47").start, parse_week("2026-W47").end, "id") == "16–22 November 2026"


def test_a_reason_the_mart_wrote_is_shown_in_the_reports_language() -> None:
    reason = Written(id="tayangan 7,5x dari biasanya", en="views 7.5x the usual")
    assert say("content_why", "id", reason=reason) == "Kenapa: tayangan 7,5x dari biasanya"
    assert say("content_why", "en", reason=reason) == "Why: views 7.5x the usual"


def test_demo_report_names_the_planted_truths(demo, tenants) -> None:
    truth = json.loads((demo.home / "landing" / "demo_truth.json").read_text())["tenants"]
    for tenant_id, planted in truth.items():
        html = html_of(demo, tenants[tenant_id])
        seen = text_of(html)
        biz = BUSINESSES[tenant_id]
        assert f"Minggu {WEEK}" in seen
        for heading in SECTIONS_ALWAYS:
            assert f">{heading}</h2>" in html, (tenant_id, heading)
        # The planted viral video, with why (x times the usual views).
        assert biz["viral_caption"][:40] in seen, tenant_id
        assert re.search(r"tayangan \d+(,\d)?x dari biasanya", seen)
        assert planted["viral"]["native_id"] in html  # its link
        # The planted campaign and how far it spread.
        assert planted["campaign"]["name"] in seen
        assert re.search(r"Menyebar ke [2-9] saluran", seen), tenant_id
        assert "WhatsApp:" in seen and "ulasan:" in seen
        # The planted trend.
        assert planted["trend"]["term"] in seen, tenant_id
        # Recommendations cite their evidence; nothing generic, nothing empty.
        assert seen.count("Dasar:") >= 3
        assert "{" not in seen and "None" not in seen and "nan" not in seen.split()
        if feedback_ready(demo, tenant_id):
            for heading in SECTIONS_FEEDBACK:
                assert f">{heading}</h2>" in html, (tenant_id, heading)
            complaints = html.split(">Keluhan yang perlu ditangani</h2>", 1)[1].split("</section>", 1)[0]
            lines = [mask_quote(line) for key, ls in biz["themes"].items() if key.startswith("complaint") for line in ls]
            assert any(_escaped(line) in complaints for line in lines), tenant_id
            ideas = html.split(">Ide produk dari pelanggan</h2>", 1)[1].split("</section>", 1)[0]
            lines = [mask_quote(line) for key, ls in biz["themes"].items() if key.startswith("request") for line in ls]
            assert any(_escaped(line) in ideas for line in lines), tenant_id
            # themes span intents: each shows what it holds (complaints, questions, ideas, praise)
            voice = html.split(">Suara pelanggan</h2>", 1)[1].split("</section>", 1)[0]
            assert re.search(r"Isinya: \d+ (keluhan|pertanyaan|ide produk|pujian|lainnya)", voice), tenant_id
        else:
            assert "belum dijalankan" in seen


def _escaped(s: str) -> str:
    import html as h

    return h.escape(s, quote=True).replace("&#x27;", "&#39;")


def test_english_report(demo, tenants) -> None:
    seen = text_of(html_of(demo, tenants["kopi-senja-jambi"], lang="en"))
    for heading in ("Summary", "Most viral content", "Campaigns", "Trends", "Customer voice", "Recommendations",
                    "Data notes"):
        assert heading in seen
    assert "Ringkasan" not in seen and re.search(r"Why: views \d+(\.\d)?x the usual", seen)


def test_tenant_isolation(demo, tenants) -> None:
    """A report holds only its own business's data: none of the other's products, posts, names or words."""
    a, b = "kopi-senja-jambi", "konveksi-rapi-tasik"
    reports = {t: text_of(html_of(demo, tenants[t])) for t in (a, b)}
    for mine, other in ((a, b), (b, a)):
        theirs = BUSINESSES[other]
        own_lines = {line for ls in BUSINESSES[mine]["themes"].values() for line in ls}
        markers = [p for p, _ in theirs["products"]] + [theirs["name"], theirs["viral_caption"][:30],
                                                        theirs["campaign"]["name"], theirs["trend"]["term"]]
        markers += [c[:30] for c in theirs["captions"]]
        markers += [line for ls in theirs["themes"].values() for line in ls if line not in own_lines]
        leaked = [m for m in markers if m in reports[mine]]
        assert not leaked, (mine, leaked)


def test_customer_text_is_escaped_and_masked(demo, tenants) -> None:
    """A hostile theme label and quotes render as text; phone numbers, @handles and known names are masked."""
    tenant = tenants["kopi-senja-jambi"]
    con = duckdb.connect(str(demo.warehouse_path(tenant.id)), read_only=True)
    try:
        data = build_report_data(con, tenant, parse_week(WEEK))
        senders = [r[0] for r in con.execute("select distinct author from raw.whatsapp_export_messages"
                                             " where author like 'M% %'").fetchall()]
    finally:
        con.close()
    name = senders[0]  # e.g. 'Mbak Sari Rahayu': a real sender in this tenant's chats
    words = name_words([name])
    hostile = f"<script>alert('x')</script> hubungi 0812-3456-7890 atau @sari.cantik, kata {name}"
    theme = ThemeItem("t1", "complaint", "<img src=x onerror=alert(1)>", 3, 2, 1.0, 9, 5, None, None, -0.5, 0.9,
                      1.0, "growing", [mask_quote(hostile, words)])
    data = replace(data, feedback_ready=True, themes=[theme], complaints=[theme], ideas=[])
    html = render_html(data, "id")
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x" in html
    assert "3456-7890" not in html and "+62 812-****-90" in html
    assert "@sari.cantik" not in html and "@s***" in html
    for word in words:
        assert not re.search(rf"\b{re.escape(word)}\b", text_of(html)), word


def test_the_report_reads_marts_by_name_never_raw_or_staging() -> None:
    """Every query of the report is a named function over marts.* and ops.*, read by column name."""
    from pathlib import Path

    import pipelines.report

    for path in Path(pipelines.report.__file__).parent.glob("*.py"):
        code = path.read_text(encoding="utf-8")
        assert not re.search(r"\b(from|join)\s+(raw|staging)\.", code, re.I), path.name
        assert not re.search(r"\b\w+\[\d+\]\[\d+\]|\br\[\d+\]", code), path.name  # no rows read by position


def test_names_to_mask_come_from_ops_pseudonyms_never_the_business(demo, tenants) -> None:
    from pipelines.report import queries
    from pipelines.report.data import masking_words, name_candidates

    tenant = tenants["kopi-senja-jambi"]
    con = duckdb.connect(str(demo.warehouse_path(tenant.id)), read_only=True)
    try:
        tables = queries.tables(con)
        candidates = name_candidates(con, tenant, tables)
        week = parse_week(WEEK)
        queries.read_voice_once(con, tenant.id, week.start, week.end, tables, [w.casefold() for w in candidates])
        words = masking_words(candidates, queries.terms_shown(con, tables))
        people = [r for (r,) in con.execute("select raw from ops.pseudonyms").fetchall()]
    finally:
        con.close()
    assert not {"Kopi", "Senja", "Jambi"} & set(candidates)  # the business's own name (tenants.toml) is never masked
    assert set(words) <= set(name_words(people)) and "Sari" in words  # 'Mbak Sari Rahayu' wrote to the shop


def test_the_complaint_to_handle_counts_the_customers_who_complained(demo, tenants) -> None:
    """The recommendation counts what the complaints section beside it counts: this week's complaining customers,
    not everyone who wrote about the theme (5 of 7 here)."""
    from pipelines.report.recommendations import actions

    tenant = tenants["kopi-senja-jambi"]
    con = duckdb.connect(str(demo.warehouse_path(tenant.id)), read_only=True)
    try:
        data = build_report_data(con, tenant, parse_week(WEEK))
    finally:
        con.close()
    theme = ThemeItem("t1", "complaint", "botol rembes", 9, 7, 1.0, 30, 20, None, None, -0.5, 0.8, 0.7, "growing",
                      ["botolnya rembes kak"], week_complaints=6, week_complaint_customers=5)
    data = replace(data, themes=[theme], complaints=[theme])
    first = actions(data)[0]
    assert first.key == "r_complaint" and first.evidence.values["customers"] == 5
    html = text_of(render_html(replace(data, actions=[first]), "id"))
    assert "5 pelanggan minggu ini (6 pesan)" in html and "Dasar: 5 pelanggan minggu ini" in html
    quiet = replace(theme, week_complaints=0, week_complaint_customers=0)  # no complaint this week: all its texts
    assert actions(replace(data, themes=[quiet], complaints=[quiet]))[0].evidence.values["customers"] == 7
    # the summary's "Keluhan terbanyak" line counts the same customers
    from pipelines.report.recommendations import findings

    summary = next(f for f in findings(data) if f.key == "f_complaint")
    assert summary.values["customers"] == 5


def test_masking_helpers_keep_the_business_words() -> None:
    words = name_words(["Mbak Sari Rahayu", "Kopi Senja Jambi", "+62 812-1111-2222", "Bu Rina"], keep={"Kopi", "Senja",
                                                                                                       "Jambi"})
    assert set(words) == {"Sari", "Rahayu", "Rina"}
    assert mask_quote("makasih kak sari, kopi senja mantap @rina_x 08123456789", words) == \
        "makasih kak s***, kopi senja mantap @r*** +62 812-****-89"
    assert mask_quote("email saya a@b.com", words) == "email saya a@b.com"


def test_a_week_without_data_says_so(demo, tenants) -> None:
    seen = text_of(report_stage(tenants["kopi-senja-jambi"], settings=demo, week="2025-W10", formats=("html",),
                                now=NOW)[0].read_text())
    assert "Belum ada data untuk minggu ini" in seen
    assert "Rekomendasi" in seen and "Catatan data" in seen


def test_rejected_files_and_quarantined_rows_are_explained_in_the_report_language(demo, tenants, tmp_path) -> None:
    import shutil

    from pipelines.run import ingest_stage
    from pipelines.settings import Settings

    home = tmp_path / "home"
    shutil.copytree(demo.home, home)
    settings = Settings(home=home, secret_key="test-secret")
    page = tmp_path / "ulasan-shopee.csv"  # a login page saved instead of the export
    page.write_text("<!DOCTYPE html><html><head><title>Masuk</title></head><body>Login</body></html>")
    # and a review export with one row that cannot load: quarantined, its reason in the notes
    reviews = tmp_path / "ulasan-bulan-ini.csv"
    reviews.write_text("cmtid,ctime,comment,rating_star\n71,1714000000,enak,5\n72,1714000001,oke,7\n")
    tenant = tenants["kopi-senja-jambi"]
    ingest_stage(tenant, [page, reviews], fmt=None, settings=settings, now=NOW)
    seen_id = text_of(html_of(settings, tenant))
    assert "Ditolak: ulasan-shopee.csv" in seen_id and "ini halaman web (HTML), bukan ekspor" in seen_id
    assert "1 baris dikarantina: rating 7 di luar 1-5" in seen_id and "is outside" not in seen_id
    seen_en = text_of(html_of(settings, tenant, lang="en"))
    assert "Rejected: ulasan-shopee.csv" in seen_en and "this is a web page (HTML), not an export" in seen_en
    assert "1 row(s) quarantined: rating 7 is outside 1-5" in seen_en
