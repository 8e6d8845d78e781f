"""`gaung themes-file`: the feedback analysis on any CSV of texts, with no tenant set up.

Embeddings are cached in $GAUNG_HOME/cache/themes-file.duckdb, so a second run on the same texts embeds
nothing new.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.settings import Settings


class FileInputError(ValueError):
    """The CSV cannot be analysed as asked (missing column, unreadable file); the message says what to do."""


@dataclass
class FileResult:
    rows: int
    unassigned: int
    themes: pl.DataFrame   # theme_id, intent, label, n_texts


def read_texts_csv(path: Path, text_column: str, id_column: str | None, rating_column: str | None) -> pl.DataFrame:
    """The CSV as strings (delimiter sniffed, BOM and bad UTF-8 tolerated) with id, text and rating columns."""
    raw = path.read_bytes()
    if not raw.strip():
        raise FileInputError(f"{path}: the file is empty. Export the texts with a header row and try again.")
    sample = raw[:65536].decode("utf-8", errors="replace").lstrip("\ufeff")
    try:
        delimiter = csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    try:
        frame = pl.read_csv(raw, separator=delimiter, infer_schema=False, encoding="utf8-lossy",
                            truncate_ragged_lines=True)
    except pl.exceptions.ComputeError:
        frame = _read_strict(path, raw, delimiter)
    frame = frame.rename({c: c.lstrip("\ufeff").strip() for c in frame.columns})
    if frame.height == 0:
        raise FileInputError(f"{path}: the header is there but no rows follow. Export the texts again, one per row.")
    for name, role in ((text_column, "--text-column"), (id_column, "--id-column"), (rating_column, "--rating-column")):
        if name is not None and name not in frame.columns:
            raise FileInputError(f"{path}: no column {name!r} for {role}; the columns are: {', '.join(frame.columns)}.")
    ids = frame[id_column] if id_column else pl.Series([str(i) for i in range(1, frame.height + 1)])
    out = pl.DataFrame({"id": ids.cast(pl.String), "text": frame[text_column].cast(pl.String).fill_null("")})
    if rating_column:
        out = out.with_columns(rating=frame[rating_column].str.strip_chars().cast(pl.Float64, strict=False)
                               .round(0).cast(pl.Int32, strict=False))
        out = out.with_columns(rating=pl.when(pl.col("rating").is_between(1, 5)).then(pl.col("rating")))
    return out


def _read_strict(path: Path, raw: bytes, delimiter: str) -> pl.DataFrame:
    """Python's csv reader, which copes with some files polars refuses; else an error naming the line."""
    import io

    reader = csv.reader(io.StringIO(raw.decode("utf-8", errors="replace").lstrip("\ufeff")), delimiter=delimiter,
                        strict=True)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise FileInputError(f"{path}, near line {reader.line_num}: {exc} (a quote opened and never closed?). "
                             "Fix that line or export the file again, then run once more.") from None
    if not rows:
        raise FileInputError(f"{path}: no header row. Export the texts with a header row and try again.")
    header, body = rows[0], rows[1:]
    width = len(header)
    body = [(r + [""] * width)[:width] for r in body]
    return pl.DataFrame({name: [r[i] for r in body] for i, name in enumerate(header)},
                        schema={name: pl.String for name in header})


def themes_for_file(path: Path, *, text_column: str, out: Path, settings: Settings, id_column: str | None = None,
                    rating_column: str | None = None, embedder=None, progress: bool = False) -> FileResult:
    """Analyse a CSV and write one row per input text: id, theme_id, theme_label, intent, sentiment."""
    from pipelines.feedback.analyse import analyse_texts
    from pipelines.feedback.embeddings import SentenceTransformerEmbedder, cached_embeddings
    from warehouse.connection import warehouse

    frame = read_texts_csv(path, text_column, id_column, rating_column)
    if embedder is None:
        embedder = SentenceTransformerEmbedder(settings.embedding_model, allow_download=settings.allow_model_download)
    with warehouse(settings.home / "cache" / "themes-file.duckdb") as con:
        vectors, _ = cached_embeddings(con, frame["text"].to_list(), embedder, progress=progress)
    analysis = analyse_texts(frame, vectors)
    labels = dict(zip(analysis.themes["theme_id"], analysis.themes["label"], strict=True))
    result = analysis.texts.select(
        "id", "theme_id",
        theme_label=pl.col("theme_id").replace_strict(labels, default="", return_dtype=pl.String),
        intent="intent", sentiment="sentiment")
    out.parent.mkdir(parents=True, exist_ok=True)
    result.write_csv(out)
    themes = analysis.themes.select("theme_id", "intent", "label", n_texts="size").with_columns(
        n_customers=pl.lit(None, dtype=pl.Int32), status=pl.lit(None, dtype=pl.String))
    return FileResult(rows=frame.height, unassigned=int((result["theme_id"] == "").sum()), themes=themes)
