"""Migrations move what existing warehouses hold: a warehouse made by an older Gaung keeps every row."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from warehouse.connection import connect, migrations

COLUMNS = ("file_id, tenant_id, locator, source_format, platform, review_id, rating, text, author, is_anonymous, "
           "created_at_utc, created_at_is_estimated, raw_json")
OLD_REVIEWS = [
    ("f1", "toko-a", "row 2", "shopee_reviews", "shopee", "11", 5, "enak", "a***1", False, datetime(2024, 1, 2), False, None),
    ("f1", "toko-a", "row 10", "shopee_reviews", "shopee", "12", 1, "bocor", None, True, datetime(2024, 1, 3), False, None),
    ("f2", "toko-a", "Januari row 2", "lazada_reviews", "lazada", "1", 4, "oke", "B***i", False, None, True, '{"x": "1"}'),
    ("f2", "toko-a", "Februari row 7", "lazada_reviews", "lazada", "2", 3, None, None, True, None, True, None),
    ("f3", "toko-a", "/ratings/0", "shopee_reviews", "shopee", "13", 5, "mantap", "c***3", False, datetime(2024, 2, 1), False, None),
]


def _warehouse_before(path: Path, version: int) -> None:
    """A warehouse file as Gaung left it when `version` was its newest migration."""
    con = duckdb.connect(str(path))
    con.execute("create schema ops")
    con.execute("create table ops.schema_migrations (version integer primary key, name varchar not null,"
                " applied_at timestamptz not null default now())")
    for v, name, sql in migrations():
        if v <= version:
            con.execute(sql)
            con.execute("insert into ops.schema_migrations (version, name) values (?, ?)", [v, name])
    con.close()


def test_reviews_landed_before_011_keep_every_value_and_locator(tmp_path: Path) -> None:
    path = tmp_path / "toko-a.duckdb"
    _warehouse_before(path, 10)
    con = duckdb.connect(str(path))
    con.executemany(f"insert into raw.reviews ({COLUMNS}) values ({', '.join('?' * 13)})", OLD_REVIEWS)
    con.close()

    con = connect(path)
    assert con.sql(f"select {COLUMNS} from raw.reviews order by file_id, review_id").fetchall() == OLD_REVIEWS
    assert con.sql("select file_id, part, tenant_id, platform, locator_prefix from raw.review_files order by all").fetchall() == [
        ("f1", 0, "toko-a", "shopee", "row "), ("f2", 0, "toko-a", "lazada", "Februari row "),
        ("f2", 1, "toko-a", "lazada", "Januari row "), ("f3", 0, "toko-a", "shopee", "/ratings/")]
    assert con.sql("select count(*) from raw.review_rows").fetchall() == [(5,)]
    assert con.sql("select table_type from information_schema.tables where table_schema = 'raw' and table_name = 'reviews'"
                   ).fetchall() == [("VIEW",)]
    con.close()
    con = connect(path)  # opening again applies nothing twice
    assert con.sql("select count(*) from raw.reviews").fetchall() == [(5,)]
