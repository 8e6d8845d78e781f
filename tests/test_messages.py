"""The message catalogue (pipelines/messages.toml): every key in both languages with the same parameters,
and every key the code names is in it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipelines import messages
from pipelines.messages import LANGS, catalogue, parameters

ROOT = Path(__file__).resolve().parents[1]
# The first argument of the functions that look a key up, written as a literal.
LOOKUP = re.compile(r"\b(?:t|say|text|template|Phrase|Reason|FormatError\.of|refusal)\(\s*[\"']([a-z][a-z0-9_]*)[\"']\s*[,)]")
LAB_LOOKUP = re.compile(r"\b(?:t|LabError|SpecError)\(\s*[\"']([a-z][a-z0-9_]*)[\"']\s*[,)]")


def test_every_key_has_both_languages_with_the_same_parameters() -> None:
    for key, entry in catalogue().items():
        assert set(entry) == set(LANGS), key
        assert all(isinstance(entry[lang], str) and entry[lang].strip() for lang in LANGS), key
        assert parameters(entry["id"]) == parameters(entry["en"]), key


def _keys_named_in_code() -> set[str]:
    keys: set[str] = set()
    for path in [*(ROOT / "pipelines").rglob("*.py"), *(ROOT / "pipelines").rglob("*.j2")]:
        source = path.read_text(encoding="utf-8")
        if path.parent.name == "lab":
            keys |= {f"lab_{k}" for k in LAB_LOOKUP.findall(source)}
        else:
            keys |= set(LOOKUP.findall(source))
    return keys


def test_every_key_named_in_code_is_in_the_catalogue() -> None:
    named = _keys_named_in_code()
    assert len(named) > 150  # the scan finds the lookups, not nothing
    assert sorted(named - set(catalogue())) == []


@pytest.mark.parametrize("family", [
    [f"intent_{i}" for i in ("product_idea", "complaint", "question", "praise", "other")],
    [f"status_{s}" for s in ("new", "growing", "stable", "fading", "emerging", "rising", "steady")],
    [f"status_{s}" for s in ("loaded", "duplicate", "rejected", "skipped")],
    [f"alert_{k}{part}" for k in ("viral_post", "complaint_surge", "review_surge", "rating_surge", "product_idea",
                                 "unanswered_question", "campaign_mentions") for part in ("", "_body")],
    [f"{m}_{e}" for m in ("file_shopee", "file_tokopedia") for e in ("json", "no_reviews", "columns")],
    [f"reason_unreadable_{k}" for k in ("post", "comment", "insight", "media", "message", "video", "status")],
    [f"reason_chat_moment_{order}" for order in ("dmy", "mdy", "ymd")],
    [f"reason_publish_time_{order}" for order in ("day_first", "month_first")],
])
def test_keys_built_from_values_are_in_the_catalogue(family: list[str]) -> None:
    assert [k for k in family if k not in catalogue()] == []


def test_one_word_for_growing() -> None:
    # The command line said 'naik' and the report 'bertambah'; one key now, the word people see in `gaung themes`.
    assert messages.text("status_growing", "id") == "naik"
    assert messages.text("status_growing", "en") == "growing"


def test_a_language_the_catalogue_lacks_reads_indonesian() -> None:
    assert messages.text("themes_title", "jv") == messages.text("themes_title", "id")
