"""Messages the CLI shows people, in Bahasa Indonesia (default) and English."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
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
        "id": "{files} berkas: {loaded} dimuat, {duplicate} duplikat, {rejected} ditolak, {skipped} media dilewati; "
              "{rows} baris masuk, {quarantined} baris dikarantina.",
        "en": "{files} files: {loaded} loaded, {duplicate} duplicate, {rejected} rejected, {skipped} media skipped; "
              "{rows} rows in, {quarantined} rows quarantined.",
    },
    "ingest_none": {
        "id": "Tidak ada berkas di {path}. Taruh ekspor WhatsApp (.txt/.zip) di sana, lalu jalankan lagi.",
        "en": "No files in {path}. Put WhatsApp exports (.txt/.zip) there and run again.",
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
    "tenant_added": {"id": "Usaha {tenant} ditambahkan ke {path}.", "en": "Tenant {tenant} added to {path}."},
    "no_tenants": {
        "id": "Belum ada usaha di {path}. Tambahkan dengan: gaung tenants add ID --name \"Nama Usaha\"",
        "en": "No tenants in {path} yet. Add one with: gaung tenants add ID --name \"Business name\"",
    },
    "warehouse_at": {"id": "Gudang data: {path}", "en": "Warehouse: {path}"},
    "error": {"id": "Galat", "en": "Error"},
}


def t(key: str, lang: str = "id", **values: object) -> str:
    """The message for key in lang (falling back to Indonesian), formatted with values."""
    table = MESSAGES[key]
    return table.get(lang, table["id"]).format(**values)
