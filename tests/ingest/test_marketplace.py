"""Marketplace reviews: Shopee JSON and CSV with template answers, Tokopedia JSON and PRDECT-ID, Lazada,
and any other export through a column mapping."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest import lazada_reviews, mapped_reviews, shopee_reviews, tokopedia_reviews
from pipelines.ingest.base import FormatError, Hints
from pipelines.ingest.schemas import REVIEWS
from pipelines.settings import Settings
from pipelines.tenants import Tenant, add_tenant
from tests.conftest import FIXTURES, ingest_one, write_workbook
from warehouse.connection import connect

HINTS = Hints(date(2026, 5, 1))


def test_prdect_id_fixture_loads_every_real_review() -> None:
    data = (FIXTURES / "marketplace" / "tokopedia" / "PRDECT-ID_Dataset.csv").read_bytes()
    assert tokopedia_reviews.sniff(data, "PRDECT-ID_Dataset.csv") > 0.5
    r = tokopedia_reviews.parse(data, "PRDECT-ID_Dataset.csv", HINTS)
    df = r.tables[REVIEWS]
    assert df.height == 5400 and r.quarantine.height == 0
    assert set(df["rating"].unique()) <= {1, 2, 3, 4, 5}
    assert set(df["label_sentiment"].unique()) == {"Positive", "Negative"}
    assert df["created_at_is_estimated"].all()


SHOPEE = {"error": 0, "data": {"ratings": [
    {"cmtid": 1, "ctime": 1714000000, "rating_star": 5, "comment": "Kemasan:rapi\nKetahanan:6-7 jam\nWangi:segar\nWanginya enak kak",
     "author_username": "p*****0", "anonymous": False, "product_items": [{"itemid": 9, "modelid": 1, "name": "Parfum", "model_name": "30ml"}],
     "ItemRatingReply": {"comment": "Terima kasih kak", "ctime": 1714003600}, "like_count": 2, "images": ["a"], "videos": []},
    {"cmtid": 2, "ctime": 1714000001, "rating_star": 2, "comment": "pengiriman lama", "author_username": "", "anonymous": True,
     "product_items": [], "ItemRatingReply": None},
    {"cmtid": 3, "ctime": 1714000002, "rating_star": 9, "comment": "??"},
]}}


def test_shopee_json_template_answers_replies_and_anonymous() -> None:
    data = json.dumps(SHOPEE).encode()
    assert shopee_reviews.sniff(data, "r.json") > 0.5
    r = shopee_reviews.parse(data, "r.json", HINTS)
    rows = {row["review_id"]: row for row in r.tables[REVIEWS].iter_rows(named=True)}
    first = rows["1"]
    assert json.loads(first["attributes_json"]) == {"kemasan": "rapi", "ketahanan": "6-7 jam", "wangi": "segar"}
    assert first["text"] == "Wanginya enak kak"
    assert (first["product_name"], first["variant"], first["seller_reply"], first["media_count"]) == ("Parfum", "30ml", "Terima kasih kak", 1)
    assert first["created_at_utc"] == datetime(2024, 4, 24, 23, 6, 40)
    assert rows["2"]["is_anonymous"] and rows["2"]["author"] is None
    assert "outside 1-5" in r.quarantine["reason"][0] and r.quarantine["locator"][0] == "/ratings/2"


def test_shopee_csv() -> None:
    data = b'cmtid,ctime,author_username,comment,rating_star\n1,1714000000,p*****0,"Kemasan:rapi. Wangi:segar. Mantap",5\n'
    assert shopee_reviews.sniff(data, "r.csv") > 0.5
    row = shopee_reviews.parse(data, "r.csv", HINTS).tables[REVIEWS].row(0, named=True)
    assert (row["text"], json.loads(row["attributes_json"])) == ("Mantap", {"kemasan": "rapi", "wangi": "segar"})


def test_review_time_text_is_kept_unless_a_whole_unix_time_holds_it_exactly() -> None:
    data = (b'cmtid,ctime,comment,rating_star\n1,1714000000,a,5\n2,1714000000.5,b,5\n3,2024-04-25 10:00,c,5\n'
            b'4,3 hari yang lalu,d,5\n')
    rows = shopee_reviews.parse(data, "r.csv", HINTS).tables[REVIEWS].select("created_at_text", "created_at_utc").rows()
    assert [text for text, _ in rows] == [None, "1714000000.5", "2024-04-25 10:00", "3 hari yang lalu"]
    assert rows[0][1] == datetime(2024, 4, 24, 23, 6, 40)
    # a column of Unix times only (read without the date parsers): the same rule
    data = b'cmtid,ctime,comment,rating_star\n1,1714000000,a,5\n2, 1714000000.5 ,b,5\n3,,c,5\n'
    rows = shopee_reviews.parse(data, "r.csv", HINTS).tables[REVIEWS].select("created_at_text", "created_at_utc").rows()
    assert rows == [(None, datetime(2024, 4, 24, 23, 6, 40)), ("1714000000.5", datetime(2024, 4, 24, 23, 6, 40)),
                    (None, None)]


@pytest.mark.parametrize("written", [
    ["1714000000", None, "1714000000123"],           # seconds and milliseconds: read as numbers
    ["1714000000", "+1714000000"], ["-171400000", "1714000000"], ["12345678", "1714000000"],  # not Unix times
    ["1714000000.5", "1714000000"], ["0000000001", "1714000000"], ["1714000000", "3 hari yang lalu"],
])
def test_review_times_read_as_numbers_match_the_general_time_parser(written) -> None:
    from pipelines.ingest.dates import when_expr, when_series

    values = pl.Series(written, dtype=pl.String)
    general = pl.DataFrame({"c": values}).select(when_expr(pl.col("c"), HINTS.export_date).alias("w")).unnest("w")
    got = when_series(values, HINTS.export_date)
    assert got.select("utc", "local", "estimated").rows() == general.rows()
    whole = [v is not None and v.isdigit() and 9 <= len(v) <= 13 for v in written]
    assert got["text"].to_list() == [None if w else v for v, w in zip(written, whole, strict=True)]


def test_ratings_of_one_digit_each_and_written_otherwise_give_the_same_stars_and_reasons() -> None:
    head = b"cmtid,ctime,comment,rating_star\n"
    digits = b"1,1714000000,a,5\n2,1714000000,b,1\n3,1714000000,c,0\n4,1714000000,d,9\n5,1714000000,e,\n"
    # one digit in every row: read as numbers directly; any other spelling: read through the pattern
    plain = shopee_reviews.parse(head + digits, "r.csv", HINTS)
    spelled = shopee_reviews.parse(head + digits + b'6,1714000000,f,"4,00"\n7,1714000000,g, 3 \n8,1714000000,h,05\n', "r.csv", HINTS)
    assert plain.tables[REVIEWS].select("review_id", "rating").rows() == [("1", 5), ("2", 1), ("5", None)]
    assert spelled.tables[REVIEWS].select("review_id", "rating").rows() == [("1", 5), ("2", 1), ("5", None), ("6", 4), ("7", 3)]
    assert plain.quarantine.select("locator", "reason").rows() == [
        ("row 4", "rating 0 is outside 1-5"), ("row 5", "rating 9 is outside 1-5")]
    assert spelled.quarantine.select("locator", "reason").rows() == plain.quarantine.select("locator", "reason").rows() + [
        ("row 9", "rating '05' is not a whole number of stars from 1 to 5")]


def test_shopee_csv_template_after_leading_blanks_keeps_the_whole_free_text() -> None:
    data = b'cmtid,ctime,comment,rating_star\n1,1714000000,"  Kemasan:rapi. Rasa:enak. Gula arennya kerasa",5\n'
    row = shopee_reviews.parse(data, "r.csv", HINTS).tables[REVIEWS].row(0, named=True)
    assert (row["text"], json.loads(row["attributes_json"])) == ("Gula arennya kerasa", {"kemasan": "rapi", "rasa": "enak"})


def test_shopee_template_answers_keep_decimals_prices_and_times() -> None:
    comment = "Ketahanan: 4.5 jam\nHarga: Rp. 25.000\nJam kirim: 10:30\nWanginya awet. Recommended"
    data = json.dumps({"data": {"ratings": [{"cmtid": 7, "ctime": 1714000000, "rating_star": 5, "comment": comment}]}}).encode()
    row = shopee_reviews.parse(data, "r.json", HINTS).tables[REVIEWS].row(0, named=True)
    assert json.loads(row["attributes_json"]) == {"ketahanan": "4.5 jam", "harga": "Rp. 25.000", "jam kirim": "10:30"}
    assert row["text"] == "Wanginya awet. Recommended"


def test_tokopedia_json_with_relative_time() -> None:
    page = {"data": {"productrevGetProductReviewList": {"productName": "Kopi", "list": [
        {"feedbackID": "11", "variantName": "1L", "message": "enak", "productRating": 5, "reviewCreateTime": "1 Bulan yang lalu",
         "reviewCreateTimestamp": "", "user": {"fullName": "Rina W"}, "likeDislike": {"totalLike": 3},
         "reviewResponse": {"message": "makasih kak"}}]}}}
    data = json.dumps([page]).encode()
    assert tokopedia_reviews.sniff(data, "t.json") > 0.5
    row = tokopedia_reviews.parse(data, "t.json", HINTS).tables[REVIEWS].row(0, named=True)
    assert (row["product_name"], row["variant"], row["author"], row["like_count"]) == ("Kopi", "1L", "Rina W", 3)
    assert row["created_at_is_estimated"] and row["created_at_local"] == datetime(2026, 4, 1)


def test_lazada_json_and_csv() -> None:
    records = [{"itemId": 1, "reviewId": 5, "rating": 4, "reviewContent": "bagus", "buyerName": "B***i", "skuInfo": "Merah",
                "reviewTime": "12 Jan 2024", "likeCount": 1, "sellerReply": None}]
    data = json.dumps({"model": {"items": records}}).encode()
    assert lazada_reviews.sniff(data, "l.json") > 0.5
    row = lazada_reviews.parse(data, "l.json", HINTS).tables[REVIEWS].row(0, named=True)
    assert (row["variant"], row["created_at_local"]) == ("Merah", datetime(2024, 1, 12))
    csv_data = b"itemId,reviewId,rating,reviewContent,buyerName,skuInfo,reviewTime\n1,6,5,mantap,A,Biru,2024-02-01 10:00\n"
    assert lazada_reviews.parse(csv_data, "l.csv", HINTS).tables[REVIEWS]["rating"].to_list() == [5]


def test_mapped_reviews_from_tenant_mapping() -> None:
    data = b"Produk,Bintang,Ulasan,Tanggal\nKopi 1L,5,enak bgt,31/01/2026\nKopi 1L,lima,??,kemarin\n"
    hints = Hints(date(2026, 2, 1), {"tiktok_shop": {"platform": "tiktok_shop", "text": "Ulasan", "rating": "Bintang",
                                                    "created_at": "Tanggal", "product_name": "Produk"}})
    assert mapped_reviews.sniff(data, "export.csv", hints) > 0.5
    assert mapped_reviews.sniff(data, "export.csv", Hints(date(2026, 2, 1))) == 0.0
    r = mapped_reviews.parse(data, "export.csv", hints)
    row = r.tables[REVIEWS].row(0, named=True)
    assert (row["platform"], row["rating"], row["created_at_local"]) == ("tiktok_shop", 5, datetime(2026, 1, 31))
    assert r.quarantine["locator"].to_list() == ["row 3"] and "lima" in r.quarantine["reason"][0]


def test_mapping_naming_missing_columns_is_a_clear_error() -> None:
    hints = Hints(date(2026, 2, 1), {"m": {"text": "Komentar"}}, mapping="m")
    with pytest.raises(FormatError, match="Komentar"):
        mapped_reviews.parse(b"Ulasan\nenak\n", "x.csv", hints)
    with pytest.raises(ValueError, match="unknown field"):
        mapped_reviews.validate_mapping("m", {"txt": "Ulasan"})


def test_shopee_csv_row_with_an_unquoted_comma_is_quarantined_whole_and_the_rest_keep_their_rows() -> None:
    data = (b"cmtid,ctime,author_username,comment,rating_star\n1,1714000000,a***b,bagus,5\n"
            b"2,1714000001,a***c,jelek, banget,1\n3,1714000002,a***d,oke,4\n")
    r = shopee_reviews.parse(data, "ratings.csv", HINTS)
    df = r.tables[REVIEWS]
    assert df["text"].to_list() == ["bagus", "oke"] and locators(df) == ["row 2", "row 4"]
    assert r.quarantine["locator"].to_list() == ["row 3"]
    assert json.loads(r.quarantine["raw"][0]) == ["2", "1714000001", "a***c", "jelek", " banget", "1"]


def test_windows_1252_csv_from_excel_is_read_as_such() -> None:
    data = "Ulasan;Bintang;Nama\nCaf\u00e9 cr\u00e8me enak;5;Andi\n".encode("cp1252")
    hints = Hints(date(2026, 5, 1), mappings={"toko": {"text": "Ulasan", "rating": "Bintang", "author": "Nama"}},
                  mapping="toko")
    df = mapped_reviews.parse(data, "ulasan.csv", hints).tables[REVIEWS]
    assert df["text"].to_list() == ["Caf\u00e9 cr\u00e8me enak"]
    assert df["is_anonymous"].to_list() == [False]


def test_quarantined_json_review_keeps_all_it_said() -> None:
    doc = {"data": {"productrevGetProductReviewList": {"list": [
        {"feedbackID": "1", "message": "Kurang manis", "productRating": 9, "user": {"fullName": "Budi S."}},
        {"feedbackID": "2", "message": "Mantap", "productRating": 5, "user": {"fullName": "Sari"}, "reviewCreateTime": "Kemarin"}]}}}
    r = tokopedia_reviews.parse(json.dumps(doc).encode(), "reviews.json", HINTS)
    assert "Kurang manis" in r.quarantine["raw"][0] and "outside 1-5" in r.quarantine["reason"][0]
    df = r.tables[REVIEWS]
    assert df["text"].to_list() == ["Mantap"] and df["is_anonymous"].to_list() == [False]


@pytest.mark.parametrize(("written", "utc"), [
    ("2024-04-25T22:30:00Z", datetime(2024, 4, 25, 22, 30)),
    ("2024-04-25 10:00:00 +0700", datetime(2024, 4, 25, 3, 0)),
    ("2024-04-25T10:00:00.250+07:00", datetime(2024, 4, 25, 3, 0, 0, 250000)),
    ("2024-04-25 10:00:00 UTC", datetime(2024, 4, 25, 10, 0)),
])
def test_lazada_times_with_zones_keep_their_time_of_day(written: str, utc: datetime) -> None:
    doc = [{"reviewContent": "oke", "rating": 5, "reviewTime": written}]
    df = lazada_reviews.parse(json.dumps(doc).encode(), "lazada.json", HINTS).tables[REVIEWS]
    assert df["created_at_utc"].to_list() == [utc]


def test_lazada_csv_rating_column_is_checked_as_written_and_quarantined_whole() -> None:
    # Lazada's own column is called 'rating', like the cleaned one: the written value must still be judged
    data = b"reviewContent,rating,reviewTime\nenak,lima,2024-04-25\nmantap,9,2024-04-25\noke,5,2024-04-25\n"
    r = lazada_reviews.parse(data, "lazada.csv", HINTS)
    assert r.tables[REVIEWS]["text"].to_list() == ["oke"]
    assert r.quarantine["locator"].to_list() == ["row 2", "row 3"]
    assert json.loads(r.quarantine["raw"][0]) == {"reviewContent": "enak", "rating": "lima", "reviewTime": "2024-04-25"}
    assert "'lima' is not a whole number" in r.quarantine["reason"][0]


def test_workbooks_opening_with_a_cover_sheet_are_detected_and_load_their_review_sheets(settings: Settings,
                                                                                         tmp_path: Path) -> None:
    cover = [["Ulasan toko, diunduh admin"], [], ["Catatan: data di sheet berikutnya"]]
    lazada_xlsx = write_workbook(tmp_path / "ulasan_lazada.xlsx", {
        "Catatan": cover,
        "Ulasan": [["itemId", "reviewId", "rating", "reviewContent", "buyerName", "reviewTime"],
                   ["1", "501", 5, "mantap, wangi awet", "R***a", "2024-02-01 10:00"],
                   ["1", "502", 2, "pengiriman lama", "B***i", "2024-02-02 11:00"]],
        "Ringkasan": [["Bintang", "Jumlah"], ["5", "1"], ["2", "1"]],
    })
    add_tenant(settings.tenants_path, Tenant(id="toko-c", name="Toko C", mappings={
        "tiktok_shop": {"platform": "tiktok_shop", "text": "Ulasan", "rating": "Bintang", "product_name": "Produk"}}))
    mapped_xlsx = write_workbook(tmp_path / "ulasan_tiktok_shop.xlsx", {
        "Petunjuk": cover, "Data": [["Produk", "Bintang", "Ulasan"], ["Kopi 1L", 5, "enak bgt"], ["Kopi 1L", 4, "oke"],
                                    ["Kopi 250ml", 3, "kurang manis"]]})
    for tenant, path, fmt, n in (("toko-a", lazada_xlsx, "lazada_reviews", 2), ("toko-c", mapped_xlsx, "mapped_reviews", 3)):
        outcomes, con = ingest_one(settings, path, datetime(2026, 5, 1, tzinfo=UTC), tenant)
        assert outcomes == [("loaded", fmt, n, 0)]
        con.close()
    con = connect(settings.warehouse_path("toko-a"), read_only=True)
    assert con.execute("select review_id, rating, text from raw.reviews order by review_id").fetchall() == [
        ("501", 5, "mantap, wangi awet"), ("502", 2, "pengiriman lama")]
    con = connect(settings.warehouse_path("toko-c"), read_only=True)
    assert con.execute("select platform, product_name, rating, text from raw.reviews order by rating").fetchall() == [
        ("tiktok_shop", "Kopi 250ml", 3, "kurang manis"), ("tiktok_shop", "Kopi 1L", 4, "oke"),
        ("tiktok_shop", "Kopi 1L", 5, "enak bgt")]


def test_mapping_that_fits_no_sheet_of_a_workbook_names_the_sheets(tmp_path: Path) -> None:
    data = write_workbook(tmp_path / "x.xlsx", {"Catatan": [["Judul"]], "Data": [["Nama", "Pesan"], ["A", "halo"]]}).read_bytes()
    hints = Hints(date(2026, 2, 1), {"m": {"text": "Ulasan"}}, mapping="m")
    with pytest.raises(FormatError, match="no sheet of the workbook.*Data: nama, pesan"):
        mapped_reviews.parse(data, "x.xlsx", hints)


def test_lazada_review_api_pages_saved_as_a_list_load_every_page(settings: Settings, tmp_path: Path) -> None:
    def page(number: int, items: list[dict]) -> dict:
        return {"success": True, "model": {
            "ratings": {"average": 4.3, "rateCount": 3, "scores": [1, 0, 1, 0, 1]}, "items": items,
            "paging": {"currentPage": number, "pageSize": 2, "totalItems": 3, "totalPages": 3}}}

    def review(review_id: int, rating: int, text: str, when: str, reply: str | None = None) -> dict:
        return {"itemId": 2771234567, "reviewId": review_id, "rating": rating, "reviewContent": text,
                "buyerName": "R***a", "skuInfo": "Varian:Original", "reviewTime": when, "boughtDate": "01 Jan 2024",
                "likeCount": 1, "sellerReply": reply, "images": ["https://img.lazcdn.com/a.jpg"]}

    pages = [page(1, [review(901, 5, "Wangi banget, pengiriman cepat", "12 Jan 2024", "Terima kasih kak"),
                      review(902, 1, "Botol bocor", "13 Jan 2024")]),
             page(2, [review(903, 4, "Oke", "2024-01-20 09:15")]),
             page(3, [])]
    path = tmp_path / "lazada_reviews.json"
    path.write_text(json.dumps(pages), encoding="utf-8")
    outcomes, con = ingest_one(settings, path, datetime(2024, 2, 1, tzinfo=UTC))
    assert outcomes == [("loaded", "lazada_reviews", 3, 0)]
    assert con.execute("select review_id, rating, text, seller_reply, created_at_local from raw.reviews"
                       " order by review_id").fetchall() == [
        ("901", 5, "Wangi banget, pengiriman cepat", "Terima kasih kak", datetime(2024, 1, 12)),
        ("902", 1, "Botol bocor", None, datetime(2024, 1, 13)),
        ("903", 4, "Oke", None, datetime(2024, 1, 20, 9, 15))]


def locators(frame) -> list[str]:
    return frame.select(pl.concat_str("locator_prefix", pl.col("row_number").cast(pl.String))).to_series().to_list()


def test_workbook_with_two_review_sheets_names_the_sheet_in_locators(tmp_path, settings) -> None:
    head = ["itemId", "reviewId", "rating", "reviewContent", "buyerName"]
    path = write_workbook(tmp_path / "ulasan.xlsx", {
        "Januari": [head, ["1", "1", "5", "mantap", "B***i"]],
        "Februari": [head, ["1", "2", "4", "bagus", "R***a"], ["1", "3", "lima", "oke", "S***i"]]})
    r = lazada_reviews.parse(path.read_bytes(), path.name, HINTS)
    assert locators(r.tables[REVIEWS]) == ["Januari row 2", "Februari row 2"]
    assert r.quarantine["locator"].to_list() == ["Februari row 3"]
    # Stored as one part per sheet (raw.review_files) and rows with their numbers; raw.reviews shows the locators.
    outcomes, con = ingest_one(settings, path, datetime(2026, 5, 1, tzinfo=UTC))
    assert outcomes == [("loaded", "lazada_reviews", 2, 1)]
    assert con.sql("select locator, review_id, tenant_id, platform, source_format from raw.reviews order by review_id").fetchall() == [
        ("Januari row 2", "1", "toko-a", "lazada", "lazada_reviews"), ("Februari row 2", "2", "toko-a", "lazada", "lazada_reviews")]
    assert con.sql("select part, locator_prefix from raw.review_files order by part").fetchall() == [
        (0, "Januari row "), (1, "Februari row ")]
    assert con.sql("select locator from ops.quarantine").fetchall() == [("Februari row 3",)]


def test_workbook_rows_keep_the_numbers_excel_shows_across_empty_rows(tmp_path) -> None:
    head = ["itemId", "reviewId", "rating", "reviewContent"]
    path = write_workbook(tmp_path / "ulasan.xlsx", {"Data": [head, ["1", "1", "5", "a"], [], ["1", "2", "lima", "b"],
                                                              ["1", "3", "4", "c"], [], []]})
    r = lazada_reviews.parse(path.read_bytes(), path.name, HINTS)
    assert locators(r.tables[REVIEWS]) == ["row 2", "row 5"]
    assert r.quarantine["locator"].to_list() == ["row 4"]  # 'lima', on Excel's row 4 (row 3 is empty)



def test_text_columns_are_cleaned_only_where_a_value_needs_it_and_the_same_either_way(monkeypatch) -> None:
    from pipelines.ingest import reviews
    from pipelines.ingest.readers import tables

    data = (b"cmtid,ctime,comment,rating_star,author_username,product_name,model_name\n"
            b"1,1714000000,enak,5,a*****1,Kopi, 1L\n"          # a blank before the variant
            b"2,1714000001,  mantap  ,4,undefined,Kopi,500ml\n"  # padded text, author 'undefined'
            b"3,1714000002,N/A,5,c*****3,Kopi,-\n")     # missing markers in text and variant
    rows = shopee_reviews.parse(data, "r.csv", HINTS).tables[REVIEWS].select(
        "review_id", "text", "author", "is_anonymous", "product_name", "variant").rows()
    assert rows == [("1", "enak", "a*****1", False, "Kopi", "1L"), ("2", "mantap", None, True, "Kopi", "500ml"),
                    ("3", None, "c*****3", False, "Kopi", None)]
    # the pre-scan tells clean columns from the rest; cleaning every column gives the same rows
    frame = tables(data)[""]
    assert reviews._clean_columns(frame, frame.columns) == {"cmtid", "ctime", "rating_star", "product_name"}
    monkeypatch.setattr(reviews, "_clean_columns", lambda frame, names: set())
    assert shopee_reviews.parse(data, "r.csv", HINTS).tables[REVIEWS].select(
        "review_id", "text", "author", "is_anonymous", "product_name", "variant").rows() == rows
