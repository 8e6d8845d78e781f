"""Feedback themes: deterministic topics over all texts (intent a facet), readable labels, stable ids (also
from a warehouse of the within-intent themes), the marts on the demo data, and `gaung themes-file` on a real CSV."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.feedback.embeddings import SentenceTransformerEmbedder
from pipelines.feedback.intent import classify_intent
from pipelines.feedback.theme_ids import KnownTheme, legacy_keys, match_themes, text_key
from pipelines.feedback.theme_labels import group_keywords, theme_label
from pipelines.feedback.themes import ThemeFit, find_themes
from pipelines.privacy import mask_quote_line as mask_quote
from pipelines.run import themes_stage
from pipelines.settings import Settings
from pipelines.tenants import load_tenants
from tests.conftest import DEMO_NOW, demo_settings
from warehouse.build import create_macros, materialise
from warehouse.connection import connect, register_frame

DEVSET = Path(__file__).parents[1] / "fixtures" / "devset" / "prdect_id_intent_theme.csv"
NOW = DEMO_NOW  # when the session's demo build ran its themes stage


@pytest.fixture(scope="module")
def embedder() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder()


@pytest.fixture(scope="module")
def devset(embedder):
    frame = pl.read_csv(DEVSET)
    texts = frame["text"].to_list()
    return texts, frame["rating"].to_list(), embedder.embed(texts)


def test_themes_are_deterministic_and_ignore_input_order(devset) -> None:
    texts, ratings, emb = devset
    intents = classify_intent(pl.Series(texts), pl.Series(ratings)).to_list()
    first = find_themes(texts, emb, intents)
    again = find_themes(texts, emb, intents)
    assert np.array_equal(first.cluster, again.cluster) and first.labels == again.labels
    order = np.random.default_rng(1).permutation(len(texts))
    shuffled = find_themes([texts[i] for i in order], emb[order], [intents[i] for i in order])
    # the same partition and the same labels, whatever order the rows came in
    back = np.empty_like(shuffled.cluster)
    back[order] = shuffled.cluster
    assert np.array_equal(back, first.cluster)
    assert shuffled.labels == first.labels


def test_themes_span_intents_and_leave_few_unassigned(devset) -> None:
    texts, ratings, emb = devset
    intents = classify_intent(pl.Series(texts), pl.Series(ratings)).to_list()
    fit = find_themes(texts, emb, intents)
    assert 3 <= fit.n_themes <= 15
    assert np.mean(fit.cluster < 0) <= 0.10
    # intent is a facet: the same topic holds complaints and praise, so some theme mixes intents
    mixed = [c for c in range(fit.n_themes) if len({intents[i] for i in np.flatnonzero(fit.cluster == c)}) > 1]
    assert mixed
    # the main intent recorded is the most common one of each theme's texts
    for c in range(fit.n_themes):
        values, counts = np.unique([intents[i] for i in np.flatnonzero(fit.cluster == c)], return_counts=True)
        assert fit.intents[c] in values[counts == counts.max()]
    # labels are words of the texts, not placeholders
    assert all(label and "tanpa kata kunci" not in label for label in fit.labels)


def test_labels_are_customers_phrases_without_particles_mentions_or_numbers() -> None:
    texts = ["@warung_bjm kpn buka cabang di banjarmasin kah 🙏", "buka cabang di banjarmasin dong kak 123",
             "user kapan buka cabang di banjarmasin nah", "ditunggu cabang di banjarmasin ja gin",
             "pengiriman lama banget sih", "pengiriman lama, 5 hari blm sampai", "kok pengiriman lama deh",
             "user user pengiriman lama kah 😭"]
    from pipelines.feedback.normalise import normalise
    from pipelines.feedback.themes import clean_texts

    norms = normalise(pl.Series(clean_texts(texts))).fill_null("").to_list()
    group = np.asarray([0, 0, 0, 0, 1, 1, 1, 1])
    keywords = group_keywords(norms, np.ones(len(texts)), group, 2)
    labels = [theme_label(k) for k in keywords]
    assert labels[0].startswith("cabang di banjarmasin"), labels
    assert labels[1].startswith("pengiriman lama"), labels
    junk = {"kah", "nah", "dong", "ja", "gin", "deh", "sih", "user", "warung_bjm", "kak", "123", "5", "🙏", "😭"}
    for label in labels:
        assert not set(label.replace(" / ", " ").split()) & junk, label


def test_a_topic_said_as_complaint_question_and_praise_is_one_theme(embedder) -> None:
    wifi = ["wifi di kamar mati terus", "wifinya lemot banget", "password wifi apa ya kak?", "wifi kencang, mantap",
            "sinyal wifi hilang2an di lantai 3", "kapan wifi diperbaiki?", "wifi lancar jaya", "wifi putus2"]
    breakfast = ["sarapan nasi gorengnya enak", "menu sarapan kurang variasi", "jam berapa sarapan dibuka?",
                 "sarapan sudah habis jam 9", "sarapannya mantap, lengkap", "sarapan dingin semua", "roti sarapan keras",
                 "sarapan buffet banyak pilihan"]
    texts = wifi + breakfast
    intents = ["complaint", "complaint", "question", "praise", "complaint", "question", "praise", "complaint"] * 2
    fit = find_themes(texts, embedder.embed(texts), intents)
    # each topic is one theme, whatever the intent (one text in eight may stray), and named by its word
    wifi_theme = np.bincount(fit.cluster[:8][fit.cluster[:8] >= 0]).argmax()
    breakfast_theme = np.bincount(fit.cluster[8:][fit.cluster[8:] >= 0]).argmax()
    assert wifi_theme != breakfast_theme
    assert (fit.cluster[:8] == wifi_theme).sum() >= 7 and (fit.cluster[8:] == breakfast_theme).sum() >= 7
    assert "wifi" in fit.labels[wifi_theme] and "sarapan" in fit.labels[breakfast_theme]


def _fit(clusters: list[int], intents: list[str], centres: np.ndarray) -> ThemeFit:
    n = len(intents)
    return ThemeFit(cluster=np.asarray(clusters), intents=intents, labels=[f"t{i}" for i in range(n)],
                    keywords=[[] for _ in range(n)], quotes=[[] for _ in range(n)], centres=centres)


def test_theme_ids_follow_their_texts_and_new_themes_get_new_ids() -> None:
    centres = np.eye(3, dtype=np.float32)
    fit = _fit([0, 0, 1, 1, 2, 2], ["complaint", "complaint", "product_idea"], centres)
    keys = ["a", "b", "c", "d", "e", "f"]
    previous = {"a": "tema-004", "b": "tema-004", "c": "tema-002", "d": "tema-002"}
    known = [KnownTheme("tema-001", "product_idea", np.asarray([0, 0.1, 0.995], dtype=np.float32))]
    numbers = {"tema": 5}
    ids = match_themes(fit, keys, previous, known, numbers)
    # clusters keep the id most of their already-seen texts had; the third matches by its centre
    assert ids == ["tema-004", "tema-002", "tema-001"]
    fresh = match_themes(_fit([0, 1], ["complaint", "question"], np.eye(2, dtype=np.float32)), ["x", "y"], {}, [],
                         numbers)
    assert fresh == ["tema-005", "tema-006"] and numbers["tema"] == 7


def test_ids_from_a_warehouse_of_within_intent_themes_carry_over() -> None:
    # before, a text was keyed by intent and text: its theme is found under whichever intent it had
    texts = ["botol bocor", "tutup rembes", "kurir lama", "belum dikirim"]
    previous = {legacy_keys(texts[0])[1]: "keluhan-003", legacy_keys(texts[1])[3]: "keluhan-003",
                legacy_keys(texts[2])[1]: "keluhan-001"}
    fit = _fit([0, 0, 1, 1], ["complaint", "complaint"], np.eye(2, dtype=np.float32))
    numbers: dict[str, int] = {"keluhan": 4}
    ids = match_themes(fit, [text_key(t) for t in texts], previous, [], numbers, [legacy_keys(t) for t in texts])
    assert ids == ["keluhan-003", "keluhan-001"]


def test_status_and_masking(tmp_path: Path) -> None:
    con = connect(tmp_path / "themes.duckdb")
    create_macros(con)
    as_of = date(2026, 11, 23)

    def status(first_seen: date, recent: int, previous: int) -> str:
        return con.execute("select gaung_trend_status(?, ?, ?, ?)", [first_seen, as_of, recent, previous]).fetchall()[0][0]

    assert status(date(2026, 11, 15), 5, 0) == "new"
    assert status(date(2026, 9, 1), 9, 3) == "growing"
    assert status(date(2026, 9, 1), 1, 8) == "fading"
    assert status(date(2026, 9, 1), 5, 5) == "stable"
    # a theme said 8 times in the four weeks before and once in the last four: fading, growth -87.5%
    # (the last day with customer texts, as_of, is that of a text in no theme)
    days = [date(2026, 10, 1) + timedelta(days=i) for i in range(8)] + [date(2026, 11, 20), as_of]
    register_frame(con, "texts", pl.DataFrame({
        "tenant_id": "t", "voice_id": [str(i) for i in range(10)], "local_date": days,
        "author_key": [f"a{i}" for i in range(10)], "intent": "complaint", "sentiment": "negative",
        "sentiment_score": -0.8, "theme_id": ["keluhan-001"] * 9 + [None]}))
    con.execute("insert into ops.voice_analysis by name select * from texts")
    con.execute("insert into ops.themes values ('t', 'keluhan-001', 'complaint', 'kurir lama', ['kurir'], ['lama'], [])")
    materialise(con, "marts", "fct_voice_theme")
    materialise(con, "marts", "dim_theme")
    row = con.execute("select n_texts_recent, n_texts_previous, status, growth from marts.dim_theme").fetchall()[0]
    assert row[:3] == (1, 8, "fading")
    assert row[3] == pytest.approx(-0.875)
    con.close()
    quote = mask_quote("wa aku 0812-3456-7890 ya kak, atau dm @budi.santoso")
    assert "3456" not in quote and "@budi" not in quote and "@b***" in quote


def _demo(home: Path) -> tuple[Path, Settings, dict]:
    settings = demo_settings(home)
    return home, settings, load_tenants(settings.tenants_path)


@pytest.fixture(scope="module")
def demo(demo_home):
    """The session's demo build (tests/conftest.py), read only."""
    return _demo(demo_home)


@pytest.fixture
def demo_to_change(demo_copy):
    """A copy of the demo build of the test's own."""
    return _demo(demo_copy)


def _db(home: Path, tenant: str) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(home / "warehouse" / f"{tenant}.duckdb"), read_only=True)


PLANTED = {"kopi-senja-jambi": ("request_less_sweet", ["complaint_leaking", "complaint_slow"]),
           "konveksi-rapi-tasik": ("request_bigger_size", ["complaint_slow"]),
           "rotan-mahakam-samarinda": ("request_custom", ["complaint_packaging"])}


def _from_pool(quotes: list[str], pool: list[str]) -> float:
    return sum(any(p in q for p in pool) for q in quotes) / max(len(quotes), 1)


def _words(pool: list[str]) -> set[str]:
    from pipelines.feedback.normalise import normalise

    return {w for text in normalise(pl.Series(pool)).to_list() for w in text.split()}


@pytest.mark.parametrize("tenant", sorted(PLANTED))
def test_planted_themes_come_out_with_fitting_labels(demo, tenant) -> None:
    from pipelines.demo.businesses import BUSINESSES

    home, _settings, _tenants = demo
    pools = BUSINESSES[tenant]["themes"]
    request, complaints = PLANTED[tenant]
    con = _db(home, tenant)
    ideas = con.sql("select * from marts.fct_product_ideas order by idea_rank").pl()
    themes = con.sql("select * from marts.dim_theme").pl()
    signals = con.sql("select count(*) n, count(*) filter (where intent is null or sentiment is null) bad "
                      "from marts.fct_voice_signals").fetchall()[0]
    assigned = con.sql("select count(*) from marts.fct_voice_theme").fetchall()[0][0]
    weekly = con.sql("select count(*), count(distinct theme_id) from marts.fct_theme_weekly").fetchall()[0]
    con.close()
    # the planted request leads the product ideas, counted by distinct customers, in the customers' own words,
    # under a label made of words they used
    top = ideas.row(0, named=True)
    assert top["idea_rank"] == 1 and top["n_customers"] >= 5
    # (its two first quotes, the texts nearest its centre: a request new this week that shares the product's word
    # with it, as rotan's "tempat tisu rotan" shares "rotan" with "tas rotan", may join the group; see themes.py)
    assert len(top["quotes"]) >= 2 and _from_pool(top["quotes"][:2], pools[request]) == 1.0
    assert set(top["label"].replace(" / ", " ").split()) & _words(pools[request])
    # each planted complaint leads a theme of its own, labelled with its words, mostly complaints and negative (half
    # its quotes or more from the complaint: a theme is a topic, so praise of the same thing may share it)
    for name in complaints:
        best = max(themes.to_dicts(), key=lambda th: _from_pool(th["quotes"], pools[name]))
        assert _from_pool(best["quotes"], pools[name]) >= 0.5, (name, best["label"])
        assert set(best["label"].replace(" / ", " ").split()) & _words(pools[name])
        assert best["n_complaints"] >= best["n_texts"] / 2 and best["negative_share"] > 0.5
    # the intent mix adds up to the theme's texts
    mix = themes.select(pl.sum_horizontal("n_complaints", "n_questions", "n_product_ideas", "n_praise", "n_other"))
    assert (mix.to_series() == themes["n_texts"]).all()
    assert signals[0] > 200 and signals[1] == 0
    assert assigned / signals[0] >= 0.9
    assert weekly[1] == themes.height and weekly[0] > themes.height
    assert set(themes["status"]) <= {"new", "growing", "stable", "fading"}
    assert (themes["n_customers"] <= themes["n_texts"]).all()


def test_rerun_changes_nothing_and_embeds_nothing(demo_to_change, embedder) -> None:
    home, settings, tenants = demo_to_change
    tenant = tenants["kopi-senja-jambi"]
    con = _db(home, tenant.id)
    before = con.sql("select theme_id, label, n_texts from marts.dim_theme order by theme_id").fetchall()
    con.close()
    assert themes_stage(tenant, settings=settings, now=NOW, embedder=embedder) == {}
    forced = themes_stage(tenant, settings=settings, now=NOW, embedder=embedder, force=True)
    assert forced["embedded"] == 0
    con = _db(home, tenant.id)
    after = con.sql("select theme_id, label, n_texts from marts.dim_theme order by theme_id").fetchall()
    runs = con.sql("select n_new_embeddings from ops.theme_runs where tenant_id = 'kopi-senja-jambi' "
                   "order by run_at").fetchall()
    con.close()
    assert after == before
    assert runs[-1] == (0,)


def test_tenants_keep_their_own_themes(demo) -> None:
    home, _settings, _tenants = demo
    con = _db(home, "rotan-mahakam-samarinda")
    quotes = " ".join(q for row in con.sql("select quotes from marts.dim_theme").fetchall() for q in row[0])
    tenants = {r[0] for r in con.sql("select distinct tenant_id from marts.fct_voice_theme").fetchall()}
    con.close()
    assert tenants == {"rotan-mahakam-samarinda"}
    assert "kopi" not in quotes.lower() and "gamis" not in quotes.lower()


@pytest.mark.slow  # trains the sentiment model for its fresh GAUNG_HOME
def test_themes_file_on_a_real_csv(tmp_path, monkeypatch, embedder) -> None:
    monkeypatch.setenv("GAUNG_HOME", str(tmp_path / "home"))
    out = tmp_path / "out.csv"
    runner = CliRunner()
    result = runner.invoke(app, ["themes-file", str(DEVSET), "--text-column", "text", "--id-column", "source_row",
                                 "--rating-column", "rating", "--out", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    written = pl.read_csv(out, infer_schema=False)
    source = pl.read_csv(DEVSET, infer_schema=False)
    assert written.columns == ["id", "theme_id", "theme_label", "intent", "sentiment"]
    assert written["id"].to_list() == source["source_row"].to_list()
    assert set(written["intent"]) <= {"product_idea", "complaint", "question", "praise", "other"}
    assert set(written["sentiment"]) <= {"positive", "neutral", "negative"}
    assert written["theme_id"].is_null().mean() <= 0.10
    assert "themes" in result.output and str(out) in result.output.replace("\n", "")
    # the second run finds every embedding in the cache and writes the same file
    first = out.read_bytes()
    assert runner.invoke(app, ["themes-file", str(DEVSET), "--text-column", "text", "--id-column", "source_row",
                               "--rating-column", "rating", "--out", str(out)]).exit_code == 0
    assert out.read_bytes() == first


def test_themes_file_names_a_missing_column(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GAUNG_HOME", str(tmp_path / "home"))
    result = CliRunner().invoke(app, ["themes-file", str(DEVSET), "--text-column", "ulasan", "--out",
                                      str(tmp_path / "o.csv"), "--lang", "en"])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "ulasan" in message and "source_row" in message and "prdect_id_intent_theme.csv" in message


def test_demo_truth_themes_exist(demo) -> None:
    home, _settings, _tenants = demo
    truth = json.loads((home / "landing" / "demo_truth.json").read_text())
    assert {"request_less_sweet", "complaint_leaking"} <= set(truth["tenants"]["kopi-senja-jambi"]["themes"])


@pytest.mark.parametrize("content, expected", [
    ("id,ulasan\n", "no rows follow"),
    ('id,ulasan\n1,"kemasan bocor\n2,ok\n', "near line 3"),
])
def test_themes_file_says_what_is_wrong_with_a_bad_csv(tmp_path, monkeypatch, content, expected) -> None:
    monkeypatch.setenv("GAUNG_HOME", str(tmp_path / "home"))
    source = tmp_path / "ulasan.csv"
    source.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(app, ["themes-file", str(source), "--text-column", "ulasan", "--out",
                                      str(tmp_path / "o.csv"), "--lang", "en"])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "ulasan.csv" in message and expected in message
    assert not (tmp_path / "o.csv").exists()


def test_a_tenant_with_no_customer_texts_gets_empty_theme_marts(settings, embedder) -> None:
    from pipelines.tenants import get_tenant

    tenant = get_tenant(settings.tenants_path, "toko-b")
    counts = themes_stage(tenant, settings=settings, now=NOW, embedder=embedder)
    assert counts["embedded"] == 0 and counts["marts.dim_theme"] == 0 and counts["marts.fct_product_ideas"] == 0
    assert themes_stage(tenant, settings=settings, now=NOW, embedder=embedder) == {}


def test_no_trade_word_list_remains() -> None:
    from importlib import resources

    import pipelines.feedback.themes as themes

    assert not resources.files("pipelines.feedback").joinpath("data", "aspects_id.json").is_file()
    assert not hasattr(themes, "aspect_hits")


def test_shared_terms_keep_what_many_customers_say() -> None:
    from pipelines.feedback.topics import TOPIC_TERM_SHARE, lexical_matrix, shared_terms

    # 300 texts: a shared aspect word in each, a product name in only two of them
    docs = [f"pengiriman {'lambat' if i % 2 else 'cepat'} kurir" for i in range(298)]
    docs += ["pengiriman lambat tumblerxyz", "kurir cepat tumblerxyz"]
    matrix, n_words = lexical_matrix(docs)
    shared = shared_terms(matrix, n_words, k=6)
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    rare = df < max(2, len(docs) // (TOPIC_TERM_SHARE * 6))
    assert rare.any() and not rare.all()
    assert shared[:, np.flatnonzero(rare)].nnz == 0          # rare terms shape no topic
    assert shared[:, np.flatnonzero(~rare)].nnz > 0
    assert np.allclose(np.sqrt(shared.multiply(shared).sum(axis=1)), 1.0, atol=1e-5)
    assert matrix[:, np.flatnonzero(rare)].nnz > 0          # ... but stay in the full matrix (labels, ideas)
    # small inputs keep every term
    small, small_words = lexical_matrix(docs[:50])
    assert shared_terms(small, small_words, k=4) is small


def test_laughter_is_never_a_label_or_a_topic_word() -> None:
    from pipelines.feedback.text import is_laughter
    from pipelines.feedback.theme_labels import label_tokens
    from pipelines.feedback.topics import content_words

    assert all(is_laughter(w) for w in ("hahaha", "wkwkwk", "awkwk", "hehe", "xixi"))
    assert not any(is_laughter(w) for w in ("kaku", "kakak", "mama", "tata", "ha"))
    assert content_words(["grosir buat souvenir hahaha"]) == ["grosir souvenir"]
    assert label_tokens(["grosir souvenir hahaha mantap"]) == [["grosir", "souvenir", "|", "mantap"]]


def test_chat_cheers_never_name_a_theme() -> None:
    from pipelines.feedback.theme_labels import phrase_counts

    _counts, terms = phrase_counts(["gas kak", "gass min", "gaskeun", "gas kah", "tabung gas bocor"])
    assert "gas" not in set(terms) and "gass" not in set(terms) and "gaskeun" not in set(terms)
    assert "tabung" in set(terms)


def test_the_themes_command_runs_the_dags_step(demo_copy: Path) -> None:
    """`gaung themes` is the DAG's themes step: unchanged texts are skipped, and a forced run rebuilds the
    feedback marts and, as the DAG does, the weekly constructs, then shows the themes."""
    tenant = "kopi-senja-jambi"
    unchanged = CliRunner().invoke(app, ["themes", "--tenant", tenant, "--lang", "en"])
    assert unchanged.exit_code == 0, unchanged.output
    assert f"No new texts for {tenant}" in unchanged.output
    forced = CliRunner().invoke(app, ["themes", "--tenant", tenant, "--force", "--lang", "en"])
    assert forced.exit_code == 0, forced.output
    assert "marts.dim_theme" in forced.output and "marts.fct_weekly_constructs" in forced.output
    assert "Customer feedback themes" in forced.output
