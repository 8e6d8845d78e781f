"""staging.stg_whatsapp__messages kept incrementally: after every build it equals a full rebuild, row for row, and
the rebuild is skipped only where nothing but new export files changed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

import warehouse.build
from pipelines.run import ingest_stage
from pipelines.settings import Settings
from pipelines.tenants import get_tenant
from tests.conftest import write_ndjson
from warehouse.build import build_models
from warehouse.connection import connect

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
TABLE = "staging.stg_whatsapp__messages"
# One shop's chat with a customer, Android English headers; the same 'ok kak' twice in one minute (two occurrences).
CHAT = """1/3/25, 9:01 AM - Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.
1/3/25, 9:01 AM - Rina Wati: kak ready stok gula aren 1 kg?
1/3/25, 9:04 AM - Toko A: ready kak, 85rb ya
1/3/25, 9:05 AM - Rina Wati: ok kak
1/3/25, 9:05 AM - Rina Wati: ok kak
1/3/25, 9:06 AM - Rina Wati: kirim ke Jl. Merdeka No. 10
RT 01/RW 02, Jambi
1/4/25, 7:30 PM - Rina Wati: <Media omitted>
1/4/25, 7:31 PM - Rina Wati: paketnya sudah sampai, tapi botolnya bocor 😭
1/4/25, 7:40 PM - Toko A: mohon maaf kak, kami kirim ganti ya
1/5/25, 10:12 AM - Rina Wati: This message was deleted
1/5/25, 10:13 AM - Rina Wati: makasih kak, wa aku 0812-3456-7890 kalau ada promo
1/9/25, 8:00 AM - Rina Wati: kak mau order lagi yang less sugar
1/9/25, 8:02 AM - Toko A: siap kak
"""


def export(folder: Path, lines: list[str]) -> Path:
    """An export of the chat as WhatsApp names it, in its own folder (a later export of the same chat)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "WhatsApp Chat with Rina Wati.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def messages(lines: slice) -> list[str]:
    """Whole messages of CHAT (a continuation line stays with its header)."""
    out: list[str] = []
    for line in CHAT.splitlines():
        if line[:1].isdigit() and "/" in line[:6]:
            out.append(line)
        else:
            out[-1] += "\n" + line
    return out[lines]


def rows(settings: Settings) -> list[str]:
    with connect(settings.warehouse_path("toko-a"), read_only=True) as con:
        return sorted(map(repr, con.execute(f"select * from {TABLE}").fetchall()))


def ingest(settings: Settings, *paths: Path, fmt: str | None = None):
    return ingest_stage(get_tenant(settings.tenants_path, "toko-a"), list(paths), fmt=fmt, settings=settings, now=NOW)


def rebuilt(settings: Settings, key: bytes | None = None) -> list[str]:
    """The table as a full rebuild makes it."""
    with connect(settings.warehouse_path("toko-a")) as con:
        build_models(con, get_tenant(settings.tenants_path, "toko-a"), key or settings.master_key, full=True)
    return rows(settings)


@pytest.fixture
def full_builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The models built with `create or replace`, in order."""
    built: list[str] = []
    materialise = warehouse.build.materialise

    def counted(con, layer, name):
        built.append(f"{layer}.{name}")
        return materialise(con, layer, name)

    monkeypatch.setattr(warehouse.build, "materialise", counted)
    return built


@pytest.mark.parametrize("order", ["earlier export first", "later export first"])
def test_overlapping_exports_of_one_chat_give_what_a_full_rebuild_gives(settings: Settings, tmp_path: Path,
                                                                       full_builds: list[str], order: str) -> None:
    march = export(tmp_path / "maret", messages(slice(0, 9)))
    june = export(tmp_path / "juni", messages(slice(3, None)))  # overlaps the first export by six messages
    first, second = (march, june) if order == "earlier export first" else (june, march)
    ingest(settings, first)
    assert full_builds.count(TABLE) == 1  # no record of what the table holds yet: built in full
    outcomes, counts = ingest(settings, second)
    assert [o.status for o in outcomes] == ["loaded"]
    assert full_builds.count(TABLE) == 1  # the second export's rows merged in, not a rebuild
    merged = rows(settings)
    assert counts[TABLE] == len(merged) == len(messages(slice(0, None)))  # the overlap counted once
    assert merged == rebuilt(settings)


def test_a_new_chat_beside_a_chat_and_an_unchanged_build(settings: Settings, tmp_path: Path,
                                                         full_builds: list[str]) -> None:
    ingest(settings, export(tmp_path / "a", messages(slice(0, 6))))
    other = tmp_path / "b" / "WhatsApp Chat with Budi.txt"
    other.parent.mkdir()
    other.write_text("2/1/25, 1:00 PM - Budi: kak bisa cod ga?\n2/1/25, 1:05 PM - Toko A: bisa kak\n", encoding="utf-8")
    ingest(settings, other)
    with connect(settings.warehouse_path("toko-a")) as con:  # nothing new: the build leaves the table as it is
        build_models(con, get_tenant(settings.tenants_path, "toko-a"), settings.master_key)
    assert full_builds.count(TABLE) == 1
    assert rows(settings) == rebuilt(settings)


def test_a_file_read_again_as_another_format_rebuilds_in_full(settings: Settings, tmp_path: Path,
                                                              full_builds: list[str]) -> None:
    ingest(settings, export(tmp_path / "a", messages(slice(0, 6))))
    reviews = tmp_path / "ulasan.csv"
    reviews.write_text("reviewContent,rating,reviewTime\nbagus banget,5,12 Jan 2024\njelek,1,13 Jan 2024\n")
    ingest(settings, reviews)
    assert full_builds.count(TABLE) == 1
    outcomes, _ = ingest_stage(get_tenant(settings.tenants_path, "toko-a"), [reviews], fmt=None, settings=settings,
                               now=NOW, extra_mapping={"platform": "tiktok_shop", "text": "reviewContent",
                                                       "rating": "rating", "created_at": "reviewTime"})
    assert [(o.status, o.source_format) for o in outcomes] == [("loaded", "mapped_reviews")]
    assert full_builds.count(TABLE) == 2  # its rows replaced: what the table was built from changed
    assert rows(settings) == rebuilt(settings)


def test_a_changed_key_rebuilds_in_full(settings: Settings, tmp_path: Path, full_builds: list[str]) -> None:
    ingest(settings, export(tmp_path / "a", messages(slice(0, 6))))
    before = rows(settings)
    tenant = get_tenant(settings.tenants_path, "toko-a")
    with connect(settings.warehouse_path("toko-a")) as con:
        build_models(con, tenant, b"another-secret")
    assert full_builds.count(TABLE) == 2
    after = rows(settings)
    assert after != before  # other keys, so other author_key and chat_key values
    assert after == rebuilt(settings, b"another-secret")


def test_new_cloud_api_webhooks_rebuild_in_full(settings: Settings, tmp_path: Path, full_builds: list[str]) -> None:
    from tests.conftest import webhook_payloads

    ingest(settings, export(tmp_path / "a", messages(slice(0, 6))))
    ingest(settings, write_ndjson(tmp_path / "hooks.ndjson", list(webhook_payloads("message.json").values())))
    assert full_builds.count(TABLE) == 2  # edits and revokes reach across files: not merged
    assert rows(settings) == rebuilt(settings)


def test_gaung_ingest_rebuild_builds_every_model_in_full(settings: Settings, tmp_path: Path,
                                                         full_builds: list[str]) -> None:
    from typer.testing import CliRunner

    from pipelines.cli import app

    chat = export(tmp_path / "a", messages(slice(0, 6)))
    ingest(settings, chat)
    result = CliRunner().invoke(app, ["ingest", str(chat), "--tenant", "toko-a", "--rebuild", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "1 duplicate" in result.output and TABLE in result.output
    assert full_builds.count(TABLE) == 2
