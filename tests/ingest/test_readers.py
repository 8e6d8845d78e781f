"""CSV reading: every encoding real exports come in gives the same table, and ragged rows are set aside."""

from __future__ import annotations

import codecs

import polars as pl
import pytest

from pipelines.ingest.readers import ROW, csv_frame

TEXT = "Ulasan;Bintang;Nama\nCafé crème enak, mantap 👍;5;Andi\n\"baris\nkedua\";4;Siti\n"
EXPECTED = pl.DataFrame({"Ulasan": ["Café crème enak, mantap 👍", "baris\nkedua"], "Bintang": ["5", "4"],
                         "Nama": ["Andi", "Siti"]})


@pytest.mark.parametrize("encode", [
    lambda t: t.encode("utf-8"),
    lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    lambda t: t.encode("utf-16"),  # Excel's 'Unicode Text', with its BOM
    lambda t: t.replace(" 👍", "").encode("cp1252"),  # Excel's 'CSV' on Windows
], ids=["utf-8", "utf-8 with BOM", "utf-16", "windows-1252"])
def test_every_encoding_reads_to_the_same_table(encode) -> None:
    frame, set_aside = csv_frame(encode(TEXT))
    expected = EXPECTED if "👍" in frame["Ulasan"][0] else EXPECTED.with_columns(
        pl.col("Ulasan").str.replace(" 👍", "", literal=True))
    assert set_aside == []
    assert frame.equals(expected)


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_a_row_with_too_many_fields_is_set_aside_and_the_others_keep_their_row_numbers(encoding: str) -> None:
    data = "Ulasan;Bintang\nenak sekali;5\nterlalu;banyak;kolom\nCafé ok;4\n".encode(encoding)
    frame, set_aside = csv_frame(data)
    assert frame["Ulasan"].to_list() == ["enak sekali", "Café ok"]
    assert frame[ROW].to_list() == [2, 4]
    assert [(locator, reason.key) for locator, _, reason in set_aside] == [("row 3", "reason_csv_ragged")]
