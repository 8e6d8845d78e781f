"""Intent of a customer's words: product idea or request (the co-creation signal), complaint, question,
praise, or other. Rules over normalised text (see normalise.py), in that order of precedence, with the
star rating as a tie-breaker where the text is a review. Measured on the PRDECT-ID development set by
bench/intent_quality.py; the labelling guide is tests/fixtures/devset/README.md.
"""

from __future__ import annotations

import polars as pl

from pipelines.feedback.normalise import normalise_expr

INTENTS = ("product_idea", "complaint", "question", "praise", "other")

_CHANGE_VERBS = (r"(?:tambah|tambahin|tambahkan|dibuat|buat|bikin|bikinin|adain|adakan|sediakan|disediakan|produksi|"
                 r"keluarin|keluarkan|rilis|jual|dijual|ganti|diganti|kurangi|kurangin|dikurangi|dikurangin|dibesarin|"
                 r"diperbesar|besarin|gedein|digedein|dikecilin|diperkecil|dibanyakin|banyakin|dibagusin|"
                 r"ditambah|ditambahin|disamakan|dipanjangin|dipanjangkan)")
_VARIANTS = r"(?:varian|variant|rasa|ukuran|size|size_\w+|model|warna|pilihan|opsi|versi|menu|paket|kemasan|isi|level)"
PRODUCT_IDEA = "|".join([
    rf"\b(?:tolong|mohon|minta|please|plis|pls)\b(?:\s+\w+){{0,3}}\s+{_CHANGE_VERBS}\b",
    r"\b(?:semoga|moga|mudah mudahan|mudah2an|semoga saja)\s+(?:ada|bisa ada|nanti ada|segera ada|dibuat|disediakan|tersedia|dijual)\b",
    r"\b(?:kalau|jika|kalo|klo|andai|seandainya)\s+bisa\b",
    rf"\bditunggu\s+(?:\w+\s+){{0,2}}{_VARIANTS}",
    r"\b(?:request|req|usul|usulan)\b",
    r"\bsaran\b",
    r"\b(?:lebih baik|sebaiknya|mending)\s+(?:kalau|jika|kalo|klo|ditambah|dibuat|dikasih|diberi|pakai)\b",
    rf"\b(?:next|kedepannya|ke depannya|lain kali|selanjutnya)\b(?:\s+\w+){{0,3}}\s+(?:agar|supaya|biar|tolong|bisa|{_CHANGE_VERBS})",
    rf"\bbisa\s+(?:tidak|ga|gak)\b(?:\s+\w+){{0,3}}\s+{_CHANGE_VERBS}\b",
    r"\b(?:bikin|buat|bikinin)\s+(?:yang|yg)\b",
    r"\bbisa\s+(?:custom|dicustom|kustom|pesan khusus|request)\b",
    r"\b(?:pengen|pengin|ingin|mau)\s+(?:yang|yg)\s+(?:lebih|tidak terlalu|kurang)\b",
    r"\bada\s+(?:\w+\s+){0,2}(?:size_xxl|size_xxxl|size_xxxxl|jumbo|big size|bigsize|versi|varian)\b",
    r"\b(?:mungkin|kayaknya|sepertinya)\s+(?:\w+\s+){0,3}(?:kurang|terlalu)\s+(?:panjang|pendek|besar|kecil|manis|tebal|tipis)\b",
])
NEGATIVE_WORDS = (
    r"(?:kecewa|mengecewakan|rusak|cacat|jelek|buruk|parah|payah|lambat|lelet|lemot|telat|bocor|rembes|penyok|peyok|"
    r"peot|pecah|patah|sobek|robek|retak|lecet|baret|gepeng|jebol|hancur|mampet|macet|error|drift|noise|luntur|kotor|"
    r"basi|asem|kadaluarsa|kadaluwarsa|expired|palsu|tiruan|penipu|penipuan|nipu|bohong|kapok|zonk|nyesel|menyesal|"
    r"ribet|berbelit|kasar|ghosting|hilang|refund|retur|komplain|complain|mahal|kemahalan|overpriced|ampas|tipis|"
    r"menerawang|letoy|ringkih|karatan|seiprit|sedih|ngeselin|kesal|kesel|salah|netes|menetes|tumpah|basah)"
)
COMPLAINT = "|".join([
    rf"\b{NEGATIVE_WORDS}\b",
    r"\bbukan\s+(?:ori|original|asli)\b",
    r"\btidak\s+(?:sesuai|sebagus|seperti|berfungsi|bisa|nyala|menyala|bunyi|dikirim|dibalas|direspon|ada|amanah|aman|rapi|bagus|enak|"
    r"lengkap|sampai|datang|muat|worth|recommended|rekomendasi|sama|jalan|bertanggung)\b",
    r"\bkurang\s+(?:rapi|bagus|aman|kuat|enak|puas|memuaskan|responsif|ramah|worth|sesuai|tebal|lengkap|recommended|"
    r"rekomendasi|memadai|suka|friendly|manis|rapat|padat|jelas|cepat)\b",
    r"\bbelum\s+(?:dikirim|sampai|datang|diproses|dibalas|direspon|diterima)\b",
    r"\b(?:kurir|resi|paket|pesanan)\b(?:\s+\w+){0,2}\s+(?:lama|lambat|lelet|belum|tidak gerak|tidak bergerak)\b",
    r"\blewat\s+(?:janji|jadwal|estimasi|deadline)\b",
    r"\b(?:lama|lamban)\s+(?:banget|sekali|sampai|datang|nunggu|dikirim|respon|balas|prosesnya|pengiriman)\b",
    r"\bpengiriman\s+(?:lama|lambat)\b",
    r"\b(?:cuma|hanya)\s+(?:dikirim|datang|dapat|dapet)\b",
])
QUESTION_WORDS = (r"\b(?:berapa|brp|kapan|dimana|di mana|gimana|bagaimana|apakah|apa|ready|redi|tersedia|bisa|boleh|"
                  r"masih|ada)\b")
PRAISE_WORDS = (
    r"(?:bagus|mantap|enak|puas|memuaskan|suka|cepat|cepet|rapi|aman|rekomendasi|terima kasih|makasih|thanks|thank|"
    r"thx|tks|trims|top|oke|ok|keren|cantik|lucu|lembut|adem|nyaman|sesuai|original|ori|worth|murah|ramah|juara|awet|"
    r"love|best|terbaik|sukses|berkualitas|kokoh|kuat|halus|wangi|selamat|baik|amanah|jujur|mantul|joss|langganan|"
    r"cakep|kece|gercep|responsif|fast|lancar|pas|favorit|rekomen|recommend|mendarat)"
)
PRAISE = rf"\b{PRAISE_WORDS}\b"


def intent_expr(text: pl.Expr, rating: pl.Expr | None = None, normalised: pl.Expr | None = None) -> pl.Expr:
    """Intent per text (and star rating when there is one), one of INTENTS. Pass `normalised` (the text
    through normalise_expr, as a column) where it exists: polars does not share the normalisation between the
    rules below, and computing it once is six times faster."""
    norm = normalised if normalised is not None else normalise_expr(text)
    rating = rating.cast(pl.Int32, strict=False) if rating is not None else pl.lit(None, dtype=pl.Int32)
    # a negated negative word is not a complaint ("tidak luntur"); a negated praise word is not praise
    complaint_hits = norm.str.replace_all(rf"\b(?:tidak|bukan|anti|tanpa)\s+{NEGATIVE_WORDS}\b", " ").str.count_matches(COMPLAINT)
    praise_hits = norm.str.replace_all(rf"\b(?:tidak|kurang|belum|bukan)\s+(?:{PRAISE_WORDS})\b", " ").str.count_matches(PRAISE)
    is_question = norm.str.contains(r"\?") | norm.str.contains(rf"^(?:(?:kak|admin|halo|permisi|pagi|siang|sore|malam)\s+)*{QUESTION_WORDS}")
    # What follows "tapi", "namun", "sayang"... is what the customer wants heard.
    turns_negative = norm.str.contains(rf"\b(?:tapi|tetapi|namun|sayang|sayangnya|cuma|hanya|sedangkan)\b.*(?:{COMPLAINT})")
    is_complaint = (
        (complaint_hits > praise_hits)
        | turns_negative
        | ((complaint_hits > 0) & (rating <= 3).fill_null(False))
        | ((complaint_hits > 0) & (complaint_hits == praise_hits) & rating.is_null())
        | ((rating <= 2).fill_null(False) & (praise_hits == 0))
    )
    return (
        pl.when(text.is_null() | (norm.str.strip_chars() == "")).then(pl.lit("other"))
        .when(norm.str.contains(PRODUCT_IDEA)).then(pl.lit("product_idea"))
        .when(is_complaint).then(pl.lit("complaint"))
        .when(is_question & (praise_hits == 0)).then(pl.lit("question"))
        .when((praise_hits > 0) | (rating >= 4).fill_null(False)).then(pl.lit("praise"))
        .when(is_question).then(pl.lit("question"))
        .otherwise(pl.lit("other"))
    )


def classify_intent(texts: pl.Series, ratings: pl.Series | None = None) -> pl.Series:
    """intent_expr over Series."""
    frame = pl.DataFrame({"t": texts.cast(pl.String)}).with_columns(n=normalise_expr(pl.col("t")))
    if ratings is not None:
        frame = frame.with_columns(r=ratings)
    rating = pl.col("r") if ratings is not None else None
    return frame.select(intent_expr(pl.col("t"), rating, normalised=pl.col("n")).alias("intent")).to_series()
