"""staging.stg_whatsapp__messages kept incrementally: after every build it equals a full rebuild, row for row, and
the rebuild is skipped only where nothing but new export files and webhook batches changed."""

from __future__ import annotations

import copy
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


def hook(message: dict) -> dict:
    """One Cloud API webhook carrying `message`, in the shape of pywa's text fixture."""
    from tests.conftest import webhook_payloads

    payload = copy.deepcopy(webhook_payloads("message.json")["text"])
    payload["entry"][0]["changes"][0]["value"]["messages"] = [message]
    return payload


def said(wamid: str, at: int, text: str) -> dict:
    return hook({"from": "972987654321", "id": wamid, "timestamp": str(at), "type": "text", "text": {"body": text}})


def edited(wamid: str, at: int, original: str, text: str) -> dict:
    return hook({"from": "972987654321", "id": wamid, "timestamp": str(at), "type": "edit",
                 "edit": {"original_message_id": original, "message": {"type": "text", "text": {"body": text}}}})


def revoked(wamid: str, at: int, original: str) -> dict:
    return hook({"from": "972987654321", "id": wamid, "timestamp": str(at), "type": "revoke",
                 "revoke": {"original_message_id": original}})


T0 = 1_735_900_000  # 2025-01-03, the chat's days


def test_webhook_batches_merge_edits_revokes_and_retries_across_batches(settings: Settings, tmp_path: Path,
                                                                        full_builds: list[str]) -> None:
    from tests.conftest import webhook_payloads

    ingest(settings, export(tmp_path / "a", messages(slice(0, 6))))
    batches = [
        # real payloads of every kind, then messages later batches change
        list(webhook_payloads("message.json").values())
        + [said("wamid.A", T0, "kak ready?"), said("wamid.B", T0 + 60, "harga berapa?"), said("wamid.C", T0 + 90, "ok")],
        # an edit and a revoke of the first batch's messages, a retry of one stamped earlier (the first delivery
        # by time is the message, whichever file came first), a new message
        [edited("wamid.E1", T0 + 120, "wamid.A", "kak ready stok gula aren?"), revoked("wamid.R1", T0 + 130, "wamid.B"),
         said("wamid.C", T0 + 85, "ok"), said("wamid.D", T0 + 140, "kirim ke Jambi ya")],
        # a second edit of the same message wins over the first; an edit and a revoke that come before their message
        [edited("wamid.E2", T0 + 200, "wamid.A", "kak ready stok gula aren 1 kg?"),
         edited("wamid.E3", T0 + 210, "wamid.F", "alamat: Jl. Merdeka 10"), revoked("wamid.R2", T0 + 230, "wamid.G")],
        [said("wamid.F", T0 + 205, "alamat: Jl. Merdeka"), said("wamid.G", T0 + 220, "salah kirim")],
    ]
    for i, batch in enumerate(batches):
        outcomes, _ = ingest(settings, write_ndjson(tmp_path / f"hooks-{i}.ndjson", batch))
        assert [o.status for o in outcomes] == ["loaded"]
        assert rows(settings) == rebuilt(settings), f"after batch {i}"
    assert full_builds.count(TABLE) == 1 + len(batches)  # the first build, and the test's own rebuilds
    with connect(settings.warehouse_path("toko-a"), read_only=True) as con:
        got = dict(con.execute(f"select message_id, (text, is_edited, is_deleted) from {TABLE}"
                               " where message_id in ('wamid.A', 'wamid.B', 'wamid.C', 'wamid.F', 'wamid.G')").fetchall())
        retried = con.execute(f"select epoch(created_at) from {TABLE} where message_id = 'wamid.C'").fetchall()
    assert got == {"wamid.A": ("kak ready stok gula aren 1 kg?", True, False), "wamid.B": ("harga berapa?", False, True),
                   "wamid.C": ("ok", False, False), "wamid.F": ("alamat: Jl. Merdeka 10", True, False),
                   "wamid.G": ("salah kirim", False, True)}
    assert retried == [(T0 + 85,)]


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
