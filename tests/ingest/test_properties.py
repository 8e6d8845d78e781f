"""Property-based: any bytes either load or are quarantined/rejected with a reason; nothing raises."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from pipelines.ingest.base import FormatError
from pipelines.ingest.io import Unit
from pipelines.ingest.loader import ingest_unit
from pipelines.ingest.whatsapp_export import TABLE as WHATSAPP_TABLE
from pipelines.ingest.whatsapp_export import parse as parse_whatsapp
from tests.conftest import EXPORTS
from warehouse.connection import connect

NOW = datetime(2026, 11, 24, tzinfo=UTC)
VALID = "".join(f"25/04/21 10.{i:02d} - Rina: pesan {i}\n" for i in range(40)).encode()


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    c = connect(tmp_path_factory.mktemp("prop") / "p.duckdb")
    yield c
    c.close()


def check(con, data: bytes, fmt: str | None) -> None:
    before = con.execute("select count(*) from raw.whatsapp_export_messages").fetchall()[0][0]
    out = ingest_unit(con, "toko-a", Unit("fuzz.txt", data=data), fmt=fmt, ingested_at=NOW)
    after = con.execute("select count(*) from raw.whatsapp_export_messages").fetchall()[0][0]
    assert out.status in ("loaded", "duplicate", "rejected")
    if out.status == "rejected":
        assert out.error and out.error.startswith("fuzz.txt:")
        assert after == before
    if out.status == "loaded":
        q = con.execute("select count(*) from ops.quarantine where file_id = ? and (reason is null or reason = '')",
                        [out.file_id]).fetchall()[0][0]
        assert q == 0
        assert after - before <= out.rows_loaded


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2000), fmt=st.sampled_from([None, "whatsapp_export", "whatsapp_cloud_api"]))
def test_arbitrary_bytes(con, data: bytes, fmt: str | None) -> None:
    check(con, data, fmt)


@pytest.mark.slow  # 100 examples, each an ingest
@hsettings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=len(VALID)))
def test_truncated_files(con, cut: int) -> None:
    check(con, VALID[:cut], None)


@pytest.mark.slow  # 100 examples, each an ingest
@hsettings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(noise=st.lists(st.tuples(st.integers(0, 39), st.text(max_size=60)), max_size=8))
def test_random_line_noise(con, noise: list[tuple[int, str]]) -> None:
    lines = VALID.decode().splitlines()
    for pos, text in noise:
        lines.insert(pos, text)
    check(con, "\n".join(lines).encode("utf-8", errors="surrogatepass"), None)


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.from_regex(r"\A\[?\d{1,4}[./-]\d{1,2}[./-]\d{1,4},? \d{1,2}[:.]\d{2}( [ap]m)?(\] | - )[^\n]{0,20}\Z"))
def test_header_like_lines_with_impossible_dates(con, header: str) -> None:
    check(con, (header + "\n").encode() + VALID, None)


# A real export (chat-miner's test log: mixed header shapes, multi-line bodies, system lines) and its messages.
REAL = (EXPORTS / "testlog_legacy.txt").read_bytes()
REAL_ROWS = parse_whatsapp(REAL, "testlog_legacy.txt").tables[WHATSAPP_TABLE]


def _refused_for_cause(data: bytes) -> bool:
    """Bytes the parser may refuse as a whole: binary (many NULs) or made UTF-16 by a BOM in front."""
    return data[:4096].count(b"\x00") > 16 or data.startswith((b"\xff\xfe", b"\xfe\xff"))


def _with(data: bytes, inserts: list[tuple[int, bytes]]) -> bytes:
    out = bytearray(data)
    for pos, noise in sorted(inserts, key=lambda x: x[0], reverse=True):
        out[pos:pos] = noise
    return bytes(out)


@pytest.mark.slow  # 150 examples, each an ingest of a whole export
@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(inserts=st.lists(st.tuples(st.integers(0, len(REAL)), st.binary(min_size=1, max_size=12)), min_size=1, max_size=6))
def test_bytes_inserted_anywhere_in_a_real_export(con, inserts: list[tuple[int, bytes]]) -> None:
    data = _with(REAL, inserts)
    check(con, data, None)
    try:
        result = parse_whatsapp(data, "testlog_legacy.txt")
    except FormatError:
        assert _refused_for_cause(data)
        return
    # A byte inside a header can at most fold that message into the one above (its text is kept there);
    # every other message loads or is quarantined with its lines.
    assert result.rows_loaded + result.quarantine.height >= REAL_ROWS.height - len(inserts)
    assert result.quarantine.filter(pl.col("reason").is_null() | (pl.col("reason") == "")).is_empty()


@pytest.mark.slow  # 150 examples, each an ingest of a whole export
@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(inserts=st.lists(st.tuples(st.integers(0, REAL.count(b"\n") - 1),
                                  st.binary(min_size=1, max_size=12).filter(lambda b: b"\n" not in b and b"\r" not in b)),
                        min_size=1, max_size=6))
def test_undecodable_bytes_in_message_text_lose_no_message(con, inserts: list[tuple[int, bytes]]) -> None:
    ends = [i for i, b in enumerate(REAL) if b == 0x0A]  # noise at the end of a line: in a body, never a header
    data = _with(REAL, [(ends[line], noise) for line, noise in inserts])
    check(con, data, "whatsapp_export")
    try:
        got = parse_whatsapp(data, "testlog_legacy.txt").tables[WHATSAPP_TABLE]
    except FormatError:
        assert _refused_for_cause(data)
        return
    assert got.select("line_start", "sent_at_local").equals(REAL_ROWS.select("line_start", "sent_at_local"))


SAMPLES = {
    "tiktok_analytics": b'"Date","Video Views","Profile Views","Likes","Comments","Shares"\n"April 12","1,200","3","4","-1","0"\n',
    "meta_business_suite": b"Post ID,Publish time,Permalink,Views,Reach,Likes\n1,04/12/2026 10:00,https://www.instagram.com/p/AB/,1,2,3\n",
    "shopee_reviews": b'cmtid,ctime,author_username,comment,rating_star\n1,1714000000,a*****1,"Kemasan:rapi. ok",5\n',
    "tokopedia_reviews": b"Product Name,Customer Rating,Customer Review\nKopi,5,enak\n",
    "lazada_reviews": b'[{"reviewContent": "bagus", "rating": 5, "reviewTime": "12 Jan 2024"}]',
    "tiktok_data_download": b'{"Post": {"Posts": {"VideoList": [{"Date": "2025-08-06 19:08:26", "Link": "https://www.tiktok.com/@a/video/1"}]}}}',
    "instagram_data_download": b'[{"media": [{"uri": "a.jpg", "creation_timestamp": 1714000000, "title": "x"}]}]',
    "instagram_graph_api": b'{"data": [{"id": "1", "permalink": "https://www.instagram.com/p/AB/", "timestamp": "2019-05-02T11:42:01+0000"}]}',
    "tiktok_display_api": b'{"data": {"videos": [{"id": "1", "create_time": 1714000000, "view_count": 3}]}}',
}


@hsettings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fmt=st.sampled_from(sorted(SAMPLES)), cut=st.integers(0, 200), noise=st.binary(max_size=40),
       at=st.integers(0, 200))
def test_every_format_takes_truncated_or_corrupted_input_without_raising(con, fmt: str, cut: int, noise: bytes, at: int) -> None:
    sample = SAMPLES[fmt]
    data = sample[:cut] + noise + sample[cut:][at % (len(sample) + 1):]
    for forced in (fmt, None):
        out = ingest_unit(con, "toko-a", Unit("fuzz.bin", data=data), fmt=forced, ingested_at=NOW)
        assert out.status in ("loaded", "duplicate", "rejected")
        if out.status == "rejected":
            assert out.error and out.error.startswith("fuzz.bin:")


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_every_sample_loads_as_its_format(tmp_path, fmt: str) -> None:
    # a warehouse of its own: the fuzz test above may already have loaded these very bytes
    fresh = connect(tmp_path / "s.duckdb")
    try:
        out = ingest_unit(fresh, "toko-a", Unit(f"sample-{fmt}", data=SAMPLES[fmt] + b"\n"), fmt=None, ingested_at=NOW)
    finally:
        fresh.close()
    assert (out.status, out.source_format) == ("loaded", fmt), out.error
