"""Sentiment on real data: a slice of SmSA's test split (never trained on), informal shop Indonesian,
star ratings, emoji-only and empty texts, and the model cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import f1_score

from pipelines.feedback import sentiment as sentiment_module
from pipelines.feedback.sentiment import sentiment, sentiment_model
from pipelines.feedback.sentiment_features import prepare

SAMPLE = Path(__file__).parents[1] / "fixtures" / "text" / "smsa_test_sample.tsv"


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache directory holding the model trained once for the whole session."""
    path = tmp_path_factory.mktemp("sentiment-cache")
    sentiment_model(path)
    return path


def test_smsa_test_slice_macro_f1(cache_dir: Path) -> None:
    rows = [line.rsplit("\t", 1) for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts, truth = [r[0] for r in rows], [r[1] for r in rows]
    pred = sentiment_model(cache_dir).predict(texts)
    assert len(texts) == 250
    assert f1_score(truth, pred, average="macro") >= 0.75


def test_informal_shop_indonesian(cache_dir: Path) -> None:
    labels, scores = sentiment(["mantul bgt", "ga enak, kemanisan", "pengiriman lama bgt",
                                "barangnya bagus, pengiriman cepat, recommended seller"], cache_dir=cache_dir)
    assert labels == ["positive", "negative", "negative", "positive"]
    assert scores[0] > 0.5 and scores[1] < -0.5 and scores[2] < 0 and scores[3] > 0.5
    assert np.all((scores >= -1) & (scores <= 1))


def test_negation_is_kept() -> None:
    assert prepare(["gak enak", "tidak terlalu manis"]) == ["tidak_enak", "tidak_terlalu_manis"]


def test_ratings_decide_and_three_stars_go_by_text(cache_dir: Path) -> None:
    texts = ["barang rusak, kecewa berat", "mantap, pengiriman cepat", "kualitas jelek, tidak sesuai gambar",
             "mantap", "pengiriman lama bgt"]
    labels, scores = sentiment(texts, [5, 1, 3, None, 4], cache_dir=cache_dir)
    assert labels == ["positive", "negative", "negative", "positive", "positive"]
    assert scores[0] == 1.0 and scores[1] == -1.0 and scores[4] == 0.5
    assert -0.5 <= scores[2] < 0  # 3 stars: the text's score, halved


def test_empty_and_emoji_only(cache_dir: Path) -> None:
    labels, scores = sentiment(["", None, "👍👍", "😡😡", "🙂?", "   "], [None, None, None, None, None, None],
                               cache_dir=cache_dir)
    assert labels == ["neutral", "neutral", "positive", "negative", "neutral", "neutral"]
    assert list(scores) == [0.0, 0.0, 1.0, -1.0, 0.0, 0.0]
    assert sentiment([], cache_dir=cache_dir)[0] == []


def test_ratings_must_match_texts(cache_dir: Path) -> None:
    with pytest.raises(ValueError, match="2 texts but 1 ratings"):
        sentiment(["a", "b"], [5], cache_dir=cache_dir)


def test_cached_pickle_is_reused(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (pickled,) = cache_dir.glob("sentiment-*.pkl")
    monkeypatch.setattr(sentiment_module, "_MEMO", {})  # as in a fresh process
    monkeypatch.setattr(sentiment_module, "train_model", lambda: pytest.fail("retrained despite the cache"))
    mtime = pickled.stat().st_mtime_ns
    model = sentiment_model(cache_dir)
    assert model.predict(["enak sekali"])[0] == "positive"
    assert sentiment_model(cache_dir) is model
    assert pickled.stat().st_mtime_ns == mtime


def test_default_cache_is_under_gaung_home(cache_dir: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (pickled,) = cache_dir.glob("sentiment-*.pkl")
    (home / "cache").mkdir(parents=True)
    (home / "cache" / pickled.name).write_bytes(pickled.read_bytes())
    monkeypatch.setattr(sentiment_module, "train_model", lambda: pytest.fail("retrained despite the cache"))
    assert sentiment(["kecewa, barang rusak"])[0] == ["negative"]


def test_training_data_holds_nusax_in_every_language() -> None:
    texts, labels, langs, ids = sentiment_module.nusax_data("train")
    assert len(texts) == len(labels) == len(langs) == len(ids) == 12 * 500
    assert set(langs) >= {"javanese", "sundanese", "banjarese", "indonesian"}
    assert set(labels) == set(sentiment_module.LABELS)
    assert sentiment_module.nusax_data("valid", ["banjarese"])[2] == ["banjarese"] * 100


def test_emoji_are_words_the_model_has_read() -> None:
    assert prepare(["enak 😍", "kecewa 😡", "wkwk 😂"]) == [
        "enak senang", "kecewa kecewa", "hahaha hahaha"]


def test_regional_comments_and_food_words(cache_dir: Path) -> None:
    texts = ["Rasane enak tenan, ora ngapusi", "pesanan kada datang, kecewa banar",   # Javanese, Banjarese
             "pedasnya nampol, bikin nagih", "enak bgt 😍😍"]                          # food words, emoji
    labels, _ = sentiment(texts, cache_dir=cache_dir)
    assert labels == ["positive", "negative", "positive", "positive"]


def test_swearing_beside_praise_intensifies_it(cache_dir: Path) -> None:
    assert prepare(["bikin nagih parah", "parah sih enaknya"]) == ["bikin ketagihan", "sih enaknya"]
    # alone, beside a complaint or a negated praise word, or past a contrast word, it stays
    assert prepare(["parah, pelayanannya lama", "tidak enak parah", "enak tapi parah lamanya"]) == [
        "parah pelayanannya lama", "tidak_enak parah", "enak tapi parah lamanya"]
    labels, _ = sentiment(["gila enak banget ini", "bikin nagih parah", "parah, pelayanannya lama banget"],
                          cache_dir=cache_dir)
    assert labels == ["positive", "positive", "negative"]


def test_a_plain_question_is_neutral(cache_dir: Path) -> None:
    labels, scores = sentiment(["harganya berapa kak?", "lokasinya dimana kak?", "ready ukuran L kak?",
                                "kok lama sih kak?", "kenapa belum dikirim?", "enak banget, ada cabang di solo?"],
                               cache_dir=cache_dir)
    assert labels[:3] == ["neutral"] * 3 and list(scores[:3]) == [0.0] * 3
    # rhetorical questions and questions with a verdict keep the model's reading
    assert labels[3:] == ["negative", "negative", "positive"]
