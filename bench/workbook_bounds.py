"""Benchmark: what bounding a workbook costs (pipelines.ingest.workbooks.workbook_problem, run on every .xlsx
before any reader opens it) against reading the same workbook with polars/fastexcel (calamine), which ingest
does next anyway, in the same run; and how fast a workbook bomb is refused.

    python bench/workbook_bounds.py [--rows 100000] [--repeat 3]

The workbook holds Shopee-shaped reviews whose texts are the real Indonesian reviews of SmSA
(/work/shared/fixtures/text/smsa, or tests/fixtures/text), each made distinct with its row number.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SMSA = [Path("/work/shared/fixtures/text/smsa/train_preprocess.tsv"),
        Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "text" / "smsa_test_sample.tsv"]


def texts() -> list[str]:
    path = next(p for p in SMSA if p.exists())
    return [line.split("\t", 1)[0] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def workbook(path: Path, rows: int) -> bytes:
    import xlsxwriter

    corpus = texts()
    with xlsxwriter.Workbook(str(path), {"constant_memory": True}) as wb:
        ws = wb.add_worksheet("Ulasan")
        ws.write_row(0, 0, ["cmtid", "ctime", "author_username", "comment", "rating_star"])
        for i in range(rows):
            ws.write_row(i + 1, 0, [str(9_000_000_000 + i), str(1_714_000_000 + 37 * i), f"pembeli{i % 5000}",
                                    f"{corpus[i % len(corpus)]} (#{i})", str(1 + i % 5)])
    return path.read_bytes()


def bomb(base: bytes) -> bytes:
    """The same workbook with its sheet replaced by two cells, A1 and XFD1048576."""
    sheet = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c>'
             b"</row></sheetData></worksheet>")
    src, out = zipfile.ZipFile(io.BytesIO(base)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info.filename, sheet if info.filename == "xl/worksheets/sheet1.xml" else src.read(info.filename))
    return out.getvalue()


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import polars as pl

    from pipelines.ingest.workbooks import workbook_problem

    limit, ratio = 2 * 1024**3, 200  # the defaults of GAUNG_MAX_ARCHIVE_BYTES and GAUNG_MAX_ARCHIVE_RATIO
    with tempfile.TemporaryDirectory() as tmp:
        data = workbook(Path(tmp) / "ulasan.xlsx", args.rows)
    assert workbook_problem(data, limit, ratio) is None
    check = timed(lambda: workbook_problem(data, limit, ratio), args.repeat)
    read = timed(lambda: pl.read_excel(data, infer_schema_length=0), args.repeat)
    print(f"workbook: {args.rows:,} review rows, {len(data) / 1e6:.1f} MB")
    print(f"bounds check (workbook_problem): {check:.3f} s")
    print(f"peer, polars.read_excel (fastexcel/calamine) of the same bytes: {read:.3f} s")
    print(f"check / read: {check / read:.2f}x")
    refused = bomb(data)
    why = workbook_problem(refused, limit, ratio)
    assert why is not None
    refuse = timed(lambda: workbook_problem(refused, limit, ratio), args.repeat)
    print(f"bomb ({len(refused) / 1e3:.1f} kB, cells A1 and XFD1048576): refused in {refuse * 1000:.1f} ms: {why}")


if __name__ == "__main__":
    main()
