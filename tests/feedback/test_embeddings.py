"""Embeddings: the offline bundled model, loaded once per test session; the cache embeds each text once."""

from __future__ import annotations

import numpy as np
import pytest

from pipelines.feedback.embeddings import (
    ModelUnavailable,
    SentenceTransformerEmbedder,
    _load,
    cached_embeddings,
)
from warehouse.connection import connect


@pytest.fixture(scope="session")
def embedder() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder()


def test_bundled_model_embeds_offline(embedder) -> None:
    v = embedder.embed(["kopi susu enak banget", "pengiriman lama sekali"])
    assert v.shape == (2, 384) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)


def test_cache_embeds_each_text_once(embedder, tmp_path) -> None:
    con = connect(tmp_path / "e.duckdb")
    texts = ["kopi enak", "botol bocor", "kopi enak", "ukuran jumbo dong"]
    first, new = cached_embeddings(con, texts, embedder)
    assert new == 3 and first.shape == (4, 384)
    assert np.allclose(first[0], first[2])
    again, new_again = cached_embeddings(con, texts + ["kopi enak"], embedder)
    assert new_again == 0
    assert np.allclose(again[:4], first, atol=1e-6)
    assert con.execute("select count(*) from ops.embedding_cache").fetchall() == [(3,)]


def test_unknown_model_fails_offline_with_advice() -> None:
    with pytest.raises(ModelUnavailable, match="GAUNG_ALLOW_MODEL_DOWNLOAD"):
        _load("sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2", False)
