"""Why a row was quarantined, in the reader's language.

Parsers write each reason in English into ops.quarantine.reason: one language for analysts to query and
group by, whatever language the run was in. The report (Bahasa Indonesia by default) shows the commonest
reasons, so each reason a parser writes has its Indonesian here, keyed by its English shape; what the
reason quotes from the file (a cell, a column name, line numbers, an error) is carried over as written.
A reason with no entry is shown in English rather than not at all.
"""

from __future__ import annotations

import re

_KINDS = {"post": "postingan", "comment": "komentar", "insight": "insight", "media": "media", "message": "pesan",
          "video": "video", "status": "status"}
_ORDERS = {"day first (DD/MM/YYYY)": "hari dulu (DD/MM/YYYY)", "month first (MM/DD/YYYY)": "bulan dulu (MM/DD/YYYY)",
           "dmy": "hari-bulan-tahun", "mdy": "bulan-hari-tahun"}
_TIMES_READ = "seperti 04/25/2024 14:30, 04/25/2024 2:30 PM, 25/04/2024 14.30 atau 2024-04-25T14:30:00+07:00"
_FIX_CELL = "perbaiki sel itu lalu muat ulang berkasnya"

# (English shape, Indonesian); {name} in the Indonesian takes the group of that name from the English.
_INDONESIAN: list[tuple[str, str]] = [
    # marketplace reviews (pipelines/ingest/reviews.py, shopee.py, tokopedia.py)
    (r"review has neither text nor a rating", "ulasan tanpa teks dan tanpa rating"),
    (r"rating '(?P<v>.*)' is not a whole number of stars from 1 to 5",
     "rating '{v}' bukan jumlah bintang bulat dari 1 sampai 5"),
    (r"rating (?P<v>\S+) is outside 1-5", "rating {v} di luar 1-5"),
    (r"time '(?P<v>.*)' is not a date Gaung can read \(.*\)",
     "waktu '{v}' bukan tanggal yang bisa dibaca Gaung (epoch, 2024-01-31 10:00, 31/01/2024, '3 hari yang lalu')"),
    (r"a rating must be an object", "ulasan harus berupa objek JSON"),
    (r"a review must be an object", "ulasan harus berupa objek JSON"),
    # any CSV (pipelines/ingest/tabular.py)
    (r"has (?P<n>\d+) fields where the header has (?P<m>\d+) \(line (?P<line>\d+) of the file\); .*",
     "berisi {n} kolom padahal header-nya {m} kolom (baris {line} di berkas); nilai yang memuat tanda pemisah "
     "harus diapit tanda kutip: perbaiki baris itu lalu muat ulang berkasnya"),
    # Meta Business Suite, TikTok analytics
    (r"row has neither a post id nor a permalink", "baris tanpa ID postingan dan tanpa permalink"),
    (r"'(?P<v>.*)' in column '(?P<c>.*)' is not a publish time Gaung can read \(this file's dates are "
     r"(?P<order>.*?); times are read .*\); fix that cell and load the file again",
     "'{v}' di kolom '{c}' bukan waktu terbit yang bisa dibaca Gaung (tanggal di berkas ini {order}; waktu "
     f"dibaca {_TIMES_READ}); {_FIX_CELL}"),
    (r"'(?P<v>.*)' in column '(?P<c>.*)' is not a post time Gaung can read \(.*\); fix that cell and load the file again",
     "'{v}' di kolom '{c}' bukan waktu posting yang bisa dibaca Gaung (yang terbaca: 'April 12', '12 Apr 2024', "
     f"'Apr 12, 2024 2:30 PM' dan waktu berbentuk angka {_TIMES_READ}); {_FIX_CELL}"),
    (r"no TikTok video link \(…/video/<id>\) in 'Video link'; cannot tell which video this is",
     "tidak ada tautan video TikTok (…/video/<id>) di 'Video link'; tidak bisa diketahui video yang mana"),
    (r"sheet is not a known TikTok analytics tab", "sheet ini bukan tab analitik TikTok yang dikenal"),
    # JSON exports and API responses
    (r"unreadable (?P<kind>[a-z]+): (?P<error>.*)", "{kind} tidak terbaca: {error}"),
    (r"a metric must be an object", "metrik harus berupa objek JSON"),
    (r"insights page names no media id \(each metric's 'id' starts with it\)",
     "halaman insights tidak menyebut ID media (setiap 'id' metrik diawali ID itu)"),
    (r"page holds neither media nor insight metrics", "halaman ini tidak berisi media maupun metrik insights"),
    # WhatsApp
    (r"not valid JSON \((?P<error>.*) at column (?P<col>\d+)\)", "bukan JSON yang sah ({error} di kolom {col})"),
    (r"object is (?P<v>.*), not 'whatsapp_business_account'", "object-nya {v}, bukan 'whatsapp_business_account'"),
    (r"entry has no 'changes' list", "entry tidak punya daftar 'changes'"),
    (r"change has no 'value' object", "change tidak punya objek 'value'"),
    (r"not a WhatsApp Cloud API webhook payload \(no 'entry' list or 'messaging_product'\)",
     "bukan payload webhook WhatsApp Cloud API (tidak ada daftar 'entry' atau 'messaging_product')"),
    (r"date or time '(?P<v>.*)' is not a real moment under this file's (?P<order>\S+) order; fix the header or leave it out",
     "tanggal atau jam '{v}' tidak ada di kalender menurut urutan {order} berkas ini; perbaiki kepala pesannya "
     "atau hapus baris itu"),
    (r"text before the first message header belongs to no message; the export may be cut at the start",
     "teks sebelum kepala pesan pertama bukan bagian pesan mana pun; mungkin ekspornya terpotong di awal"),
]
_PATTERNS = [(re.compile(english, re.S), indonesian) for english, indonesian in _INDONESIAN]


def reason_text(reason: str, lang: str = "id") -> str:
    """A quarantine reason as written by a parser (English), in `lang`: 'id' (Bahasa Indonesia) or 'en'."""
    if lang != "id":
        return reason
    for pattern, indonesian in _PATTERNS:
        m = pattern.fullmatch(reason)
        if m:
            values = m.groupdict()
            if "kind" in values:
                values["kind"] = _KINDS.get(values["kind"], values["kind"]).capitalize()
            if "order" in values:
                values["order"] = _ORDERS.get(values["order"], values["order"])
            return indonesian.format(**values)
    return reason
