"""Cheap language identification (id / en / other) from function words, column-wise with polars."""

from __future__ import annotations

import polars as pl

# Frequent Indonesian words, formal and informal (chat and review slang included).
INDONESIAN = frozenset("""
yang dan di ke dari ini itu tidak gak ga nggak ngga enggak engga tdk gk udah sudah sdh aja saja kak ka min
kakak bang dong sih kok ya yg dgn utk untuk dengan ada bisa bs mau apa kalau kalo klo banget bgt juga jg
lagi lg sama sm tapi tp buat bwt kami saya aku gue gw kita mas mbak mba pak bu ibu enak bagus harga barang
brg kirim pengiriman pesan terima kasih makasih trims belum blm masih jadi jd atau karena krn pada akan
lebih sangat semua tolong mohon gimana gmn berapa brp sudah mantap mantul sesuai cepat lama kurang rapi
murah mahal ukuran warna beli pesanan paket ongkir seller penjual toko produk kualitas recommended rekomen
baru lagi nya pas kecil besar manis pedas rasa kopi minum makan terus dulu nanti kapan dimana mana siapa
boleh ready stok stock promo diskon hari minggu besok kemarin sekarang ini wah deh nih tuh loh lho kan
""".split())
ENGLISH = frozenset("""
the and is are to of in it you this that for with was were not be have has my your please thanks thank
good great very what how can will would do does i we they on at but so just really love nice product item
delivery shipping fast slow quality price order received seller recommend bad well also too our from an
as if or all would could should there their them me he she his her its been being am did done
""".split())


def detect_language(texts: pl.Series) -> pl.Series:
    """'id', 'en' or 'other' per text: more Indonesian than English function words wins; none is 'other'."""
    words = texts.str.to_lowercase().str.extract_all(r"[a-z]+")
    frame = pl.DataFrame({"w": words}).select(
        id_hits=pl.col("w").list.eval(pl.element().is_in(list(INDONESIAN))).list.sum(),
        en_hits=pl.col("w").list.eval(pl.element().is_in(list(ENGLISH))).list.sum(),
    )
    return frame.select(
        pl.when(pl.lit(texts).is_null()).then(None)
        .when((pl.col("id_hits") == 0) & (pl.col("en_hits") == 0)).then(pl.lit("other"))
        .when(pl.col("en_hits") > pl.col("id_hits")).then(pl.lit("en"))
        .otherwise(pl.lit("id"))
        .alias("lang")
    ).to_series()
