"""Messages the CLI shows people, in Bahasa Indonesia (default) and English."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "themes_unchanged": {"id": "Tidak ada teks baru untuk {tenant}; tema tidak berubah (pakai --force untuk menghitung ulang).",
                         "en": "No new texts for {tenant}; themes unchanged (use --force to recompute)."},
    "themes_embedded": {"id": "Teks baru yang di-embed: {n:,} (sisanya dari cache).",
                        "en": "Newly embedded texts: {n:,} (the rest from the cache)."},
    "themes_title": {"id": "Tema masukan pelanggan", "en": "Customer feedback themes"},
    "themes_file_done": {"id": "{rows:,} baris, {themes} tema, {unassigned:,} tanpa tema. Hasil: {path}",
                         "en": "{rows:,} rows, {themes} themes, {unassigned:,} unassigned. Output: {path}"},
    "col_theme": {"id": "Tema", "en": "Theme"},
    "col_intent": {"id": "Maksud", "en": "Intent"},
    "col_label": {"id": "Kata kunci", "en": "Keywords"},
    "col_texts": {"id": "Teks", "en": "Texts"},
    "col_customers": {"id": "Pelanggan", "en": "Customers"},
    "intent_product_idea": {"id": "ide produk", "en": "product idea"},
    "intent_complaint": {"id": "keluhan", "en": "complaint"},
    "intent_question": {"id": "pertanyaan", "en": "question"},
    "intent_praise": {"id": "pujian", "en": "praise"},
    "intent_other": {"id": "lainnya", "en": "other"},
    "status_new": {"id": "baru", "en": "new"},
    "status_growing": {"id": "naik", "en": "growing"},
    "status_stable": {"id": "stabil", "en": "stable"},
    "status_fading": {"id": "menurun", "en": "fading"},
    "col_file": {"id": "Berkas", "en": "File"},
    "col_format": {"id": "Format", "en": "Format"},
    "col_loaded": {"id": "Baris dimuat", "en": "Rows loaded"},
    "col_quarantined": {"id": "Dikarantina", "en": "Quarantined"},
    "col_status": {"id": "Status", "en": "Status"},
    "status_loaded": {"id": "dimuat", "en": "loaded"},
    "status_duplicate": {"id": "duplikat", "en": "duplicate"},
    "status_rejected": {"id": "ditolak", "en": "rejected"},
    "status_skipped": {"id": "dilewati", "en": "skipped"},
    "ingest_title": {"id": "Impor untuk {tenant}", "en": "Ingest for {tenant}"},
    "ingest_summary": {
        "id": "{files} berkas: {loaded} dimuat, {duplicate} duplikat, {rejected} ditolak, {skipped} dilewati (media, bagian arsip yang tidak dibaca); "
              "{rows} baris masuk, {quarantined} baris dikarantina.",
        "en": "{files} files: {loaded} loaded, {duplicate} duplicate, {rejected} rejected, {skipped} skipped (media, archive parts not read); "
              "{rows} rows in, {quarantined} rows quarantined.",
    },
    "ingest_none": {
        "id": "Tidak ada berkas di {path}. Taruh ekspor di sana (chat WhatsApp .txt/.zip, unduhan TikTok, "
              "Instagram, ulasan Shopee/Tokopedia/Lazada; lihat: gaung formats), lalu jalankan lagi.",
        "en": "No files in {path}. Put exports there (WhatsApp chats .txt/.zip, TikTok and Instagram downloads, "
              "Shopee/Tokopedia/Lazada reviews; see: gaung formats) and run again.",
    },
    "path_missing": {
        "id": "tidak ditemukan: {paths}. Periksa nama dan foldernya; nama yang berisi spasi harus diberi tanda kutip "
              "(\"Ulasan Januari.csv\"). Tidak ada berkas yang diimpor.",
        "en": "not found: {paths}. Check the name and folder; quote names with spaces (\"Ulasan Januari.csv\"). "
              "Nothing was ingested.",
    },
    "ingest_progress": {"id": "Mengimpor", "en": "Ingesting"},
    "rejected_hint": {
        "id": "Berkas yang ditolak tidak diubah; perbaiki atau ekspor ulang, lalu impor lagi.",
        "en": "Rejected files are left as they are; fix or export them again, then ingest again.",
    },
    "quarantine_hint": {
        "id": "Baris yang dikarantina ada di tabel ops.quarantine beserta alasannya.",
        "en": "Quarantined rows are in ops.quarantine with their reasons.",
    },
    "models_built": {"id": "Tabel diperbarui: {tables}", "en": "Tables rebuilt: {tables}"},
    "view": {"id": "tampilan", "en": "view"},
    "tenant_added": {"id": "Usaha {tenant} ditambahkan ke {path}.", "en": "Tenant {tenant} added to {path}."},
    "no_tenants": {
        "id": "Belum ada usaha di {path}. Tambahkan dengan: gaung tenants add ID --name \"Nama Usaha\"",
        "en": "No tenants in {path} yet. Add one with: gaung tenants add ID --name \"Business name\"",
    },
    "warehouse_at": {"id": "Gudang data: {path}", "en": "Warehouse: {path}"},
    "error": {"id": "Galat", "en": "Error"},
    "report_at": {"id": "Laporan {tenant}: {path}", "en": "Report for {tenant}: {path}"},
    "report_no_pdf": {
        "id": "PDF tidak dibuat: {reason}",
        "en": "No PDF made: {reason}",
    },
    "warehouse_busy": {
        "id": "Gudang data {path} sedang dipakai proses lain (satu penulis per usaha dalam satu waktu); sudah ditunggu "
              "{seconds:g} detik. Tunggu proses itu selesai lalu jalankan lagi, atau perpanjang waktu tunggunya dengan "
              "GAUNG_WAREHOUSE_WAIT_SECONDS.",
        "en": "The warehouse {path} is in use by another process (one writer per tenant at a time); waited {seconds:g} "
              "seconds. Wait for that run to finish and run this again, or wait longer with GAUNG_WAREHOUSE_WAIT_SECONDS.",
    },
    "no_warehouse": {
        "id": "Belum ada gudang data untuk {tenant} ({path}): impor ekspor dulu dengan: gaung ingest --tenant {tenant}",
        "en": "No warehouse for {tenant} yet ({path}): ingest some exports first with: gaung ingest --tenant {tenant}",
    },
    "unknown_format": {
        "id": "format {fmt!r} tidak dikenal; pakai salah satu dari: {known} (daftar lengkap: gaung formats)",
        "en": "unknown format {fmt!r}; use one of: {known} (all of them: gaung formats)",
    },
    "bad_now": {
        "id": "--now {value!r} bukan tanggal dan jam: tulis seperti 2026-11-24T09:00 (jam usaha itu) atau "
              "2026-11-24T02:00Z",
        "en": "--now {value!r} is no date and time: write it as 2026-11-24T09:00 (the tenant's time) or "
              "2026-11-24T02:00Z",
    },
    "bad_week": {
        "id": "minggu {week!r} bukan minggu ISO yang ada dan bukan tanggal; tulis sebagai TTTT-Www, misalnya "
              "2026-W41, atau sebagai tanggal di minggu itu (TTTT-BB-HH), misalnya 2026-10-05 (tahun ISO punya 52 "
              "atau 53 minggu)",
        "en": "week {week!r} is not an existing ISO week nor a date; write it as YYYY-Www, for example 2026-W41, "
              "or as a date in that week (YYYY-MM-DD), for example 2026-10-05 (ISO years have 52 or 53 weeks)",
    },
    "bad_report_format": {
        "id": "format laporan {fmt!r} tidak dikenal; pakai {known} atau gabungannya dengan koma (html,pdf)",
        "en": "unknown report format {fmt!r}; use {known} or both, comma-separated (html,pdf)",
    },
    "bad_map": {
        "id": "--map ditulis sebagai bidang=Kolom (misalnya --map text=Ulasan), bukan {value!r}",
        "en": "--map takes field=Column (for example --map text=Ulasan), not {value!r}",
    },
    "tenant_invalid": {
        "id": "usaha {tenant!r} tidak bisa ditambahkan: {problems}",
        "en": "tenant {tenant!r} cannot be added: {problems}",
    },
    "delivery_sent": {"id": "{channel}: terkirim ({where})", "en": "{channel}: sent ({where})"},
    "delivery_skipped": {
        "id": "{channel}: minggu {week} sudah dikirim {when}; pakai --force untuk mengirim ulang.",
        "en": "{channel}: week {week} was already sent {when}; use --force to send it again.",
    },
}


def t(key: str, lang: str = "id", **values: object) -> str:
    """The message for key in lang (falling back to Indonesian), formatted with values."""
    table = MESSAGES[key]
    return table.get(lang, table["id"]).format(**values)
