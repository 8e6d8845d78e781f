"""Customer-feedback analysis of a table of texts: intent, sentiment, themes with stable ids, and the marts.

Pure: texts and their embeddings in, data frames out. The warehouse stage (pipelines/run.py,
themes_stage) and `gaung themes-file` both call `analyse_texts`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import polars as pl

from pipelines.feedback.intent import classify_intent
from pipelines.feedback.normalise import normalise
from pipelines.feedback.sentiment import sentiment
from pipelines.feedback.theme_ids import KnownTheme, legacy_keys, match_themes, text_key
from pipelines.feedback.themes import ThemeFit, clean_texts, find_themes
from pipelines.privacy import mask_quote_line as mask_quote

CODE_VERSION = "themes-2"


@dataclass
class Analysis:
    """Per text: intent, sentiment, score, theme id ('' unassigned), idea id; per theme and idea group: a description."""

    texts: pl.DataFrame      # input columns + intent, sentiment, sentiment_score, text_key, theme_id, idea_id
    themes: pl.DataFrame     # theme_id, intent (the main one), label, keywords, quotes, size
    ideas: pl.DataFrame      # idea_id, theme_id, label, keywords, quotes
    fit: ThemeFit
    theme_ids: list[str]


def input_hash(texts: list[str], extra: list[str], model: str) -> str:
    """Fingerprint of an analysis input: a re-run on the same texts and model can be skipped."""
    h = hashlib.sha256(f"{CODE_VERSION}\x1f{model}".encode())
    for text, other in zip(texts, extra, strict=True):
        h.update(f"\x1e{text}\x1f{other}".encode())
    return h.hexdigest()[:32]


def analyse_texts(frame: pl.DataFrame, embeddings: np.ndarray, *, previous: dict[str, str] | None = None,
                  known: list[KnownTheme] | None = None, next_number: dict[str, int] | None = None) -> Analysis:
    """Intent, sentiment and themes of `frame` (columns: text, and rating when there is one)."""
    texts = frame["text"].cast(pl.String).fill_null("")
    ratings = frame["rating"] if "rating" in frame.columns else None
    intents = classify_intent(texts, ratings).to_list()
    labels, scores = sentiment(texts.to_list(), ratings.to_list() if ratings is not None else None)
    fit = find_themes(texts.to_list(), embeddings, intents)
    normalised = normalise(pl.Series(clean_texts(texts.to_list()), dtype=pl.String)).fill_null("").to_list()
    keys = [text_key(t) for t in normalised]
    # a warehouse from before themes spanned intents keyed texts by intent and text (no mentions removed)
    old = [legacy_keys(t) for t in normalise(texts).fill_null("").to_list()] if previous else None
    ids = match_themes(fit, keys, previous or {}, known or [], next_number if next_number is not None else {}, old)
    id_of = np.asarray([*ids, ""], dtype=object)
    idea_ids = _idea_ids(fit, ids)
    idea_of = np.asarray([*idea_ids, ""], dtype=object)
    groups = fit.ideas.group if fit.ideas is not None else np.full(len(texts), -1)
    out = frame.with_columns(
        intent=pl.Series(intents, dtype=pl.String),
        sentiment=pl.Series(labels, dtype=pl.String),
        sentiment_score=pl.Series(np.asarray(scores, dtype=np.float64)),
        text_key=pl.Series(keys, dtype=pl.String),
        theme_id=pl.Series(id_of[fit.cluster].tolist(), dtype=pl.String),
        idea_id=pl.Series(idea_of[groups].tolist(), dtype=pl.String),
    )
    raw = texts.to_list()
    themes = pl.DataFrame({
        "theme_id": ids,
        "intent": fit.intents,
        "label": fit.labels,
        "keywords": fit.keywords,
        "quotes": [_distinct_quotes([raw[i] for i in q]) for q in fit.quotes],
        "complaint_quotes": _intent_quotes(fit, embeddings, intents, raw, "complaint"),
        "size": fit.sizes,
    }, schema={"theme_id": pl.String, "intent": pl.String, "label": pl.String, "keywords": pl.List(pl.String),
               "quotes": pl.List(pl.String), "complaint_quotes": pl.List(pl.String), "size": pl.Int64})
    ideas = fit.ideas
    idea_frame = pl.DataFrame({
        "idea_id": idea_ids,
        "theme_id": [ids[t] if t >= 0 else "" for t in ideas.theme] if ideas else [],
        "label": ideas.labels if ideas else [],
        "keywords": ideas.keywords if ideas else [],
        "quotes": [_distinct_quotes([raw[i] for i in q]) for q in ideas.quotes] if ideas else [],
    }, schema={"idea_id": pl.String, "theme_id": pl.String, "label": pl.String, "keywords": pl.List(pl.String),
               "quotes": pl.List(pl.String)})
    return Analysis(out, themes, idea_frame, fit, ids)


def _idea_ids(fit: ThemeFit, theme_ids: list[str]) -> list[str]:
    """Per idea group: its theme's id, with '.1', '.2'... where the theme's ideas split; ideas outside every
    theme: 'ide-lain.1', ... Stable while the themes are."""
    if fit.ideas is None:
        return []
    out = []
    for theme, part in zip(fit.ideas.theme, fit.ideas.part, strict=True):
        base = theme_ids[theme] if theme >= 0 else "ide-lain"
        out.append(base if part == 0 else f"{base}.{part}")
    return out


def _intent_quotes(fit: ThemeFit, embeddings: np.ndarray, intents: list[str], raw: list[str],
                   intent: str) -> list[list[str]]:
    """Per theme, masked quotes of its texts of one intent (its complaints), nearest the theme's centre first."""
    of_intent = np.asarray([i == intent for i in intents], dtype=bool)
    out = []
    for c in range(fit.n_themes):
        idx = np.flatnonzero((fit.cluster == c) & of_intent)
        if embeddings.size and len(idx) and fit.centres.shape[1] == embeddings.shape[1]:
            idx = idx[np.argsort(-(embeddings[idx] @ fit.centres[c]), kind="stable")]
        out.append(_distinct_quotes([raw[i] for i in idx[:50]]))
    return out


def _distinct_quotes(texts: list[str], limit: int = 5) -> list[str]:
    seen: list[str] = []
    for text in texts:
        quote = mask_quote(text)
        if quote and quote.casefold() not in {s.casefold() for s in seen}:
            seen.append(quote[:280])
        if len(seen) >= limit:
            break
    return seen


def warehouse_tables(analysis: Analysis, tenant_id: str, run_at: datetime, first_run: dict[str, datetime]) -> dict:
    """What the analysis writes to the warehouse (see pipelines/feedback/io.write_feedback): per text, its intent,
    sentiment, theme and idea group; per theme and idea group, its description; the theme history rows.
    The feedback marts aggregate them in SQL (warehouse/marts)."""
    texts = analysis.texts
    none_if_empty = {c: pl.col(c).replace("", None) for c in ("theme_id", "idea_id")}
    signals = texts.select("tenant_id", "voice_id", "platform", "channel", "local_date", "author_key", "intent",
                           "sentiment", "sentiment_score", pl.col("rating").cast(pl.Int32), "lang", **none_if_empty)
    themes = analysis.themes.drop("size").with_columns(tenant_id=pl.lit(tenant_id, dtype=pl.String))
    ideas = analysis.ideas.with_columns(tenant_id=pl.lit(tenant_id, dtype=pl.String),
                                        theme_id=pl.col("theme_id").replace("", None))
    centres = [c.tolist() for c in analysis.fit.centres]
    registry = pl.DataFrame({
        "tenant_id": [tenant_id] * len(analysis.theme_ids), "theme_id": analysis.theme_ids,
        "intent": analysis.fit.intents, "label": analysis.fit.labels, "keywords": analysis.fit.keywords,
        "centre": centres, "first_run_at": [first_run.get(t, run_at) for t in analysis.theme_ids],
        "last_run_at": [run_at] * len(analysis.theme_ids),
    }, schema={"tenant_id": pl.String, "theme_id": pl.String, "intent": pl.String, "label": pl.String,
               "keywords": pl.List(pl.String), "centre": pl.List(pl.Float32), "first_run_at": pl.Datetime("us"),
               "last_run_at": pl.Datetime("us")})
    assignments = (texts.filter(pl.col("theme_id") != "").select("tenant_id", "text_key", "theme_id")
                   .unique("text_key", keep="first", maintain_order=True))
    return {"signals": signals, "themes": themes, "ideas": ideas, "registry": registry, "assignments": assignments}
