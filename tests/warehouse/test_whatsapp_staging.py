"""staging.stg_whatsapp__messages numbers and deduplicates only the rows that repeat: the same rows as the plain
definition (a window over every row), on the fixture chats, a generated chat, overlapping exports and webhooks."""

from __future__ import annotations

import random
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pipelines.run import ingest_stage
from pipelines.settings import Settings
from pipelines.tenants import get_tenant
from tests.conftest import EXPORTS, webhook_payloads, write_ndjson
from warehouse.build import model_sql, tenant_frames
from warehouse.connection import connect

# The plain definition: every export row numbered within its (file, chat, moment, author, text), every row of
# the union ranked within its message id.
PLAIN_NUMBERED = """export_numbered as (
    select *, row_number() over (
        partition by file_id, chat_name, sent_at_local, author, body order by line_start) as occurrence,
        true as may_repeat
    from export_rows
),

"""
PLAIN_DEDUPLICATED = """deduplicated as (
    select * exclude (may_repeat) from unioned
    qualify row_number() over (partition by message_id order by source_file_id, source_order) = 1
),

"""


def plain_model() -> str:
    sql = model_sql("staging", "stg_whatsapp__messages")
    sql, numbered = re.subn(r"(?s)(?:--[^\n]*\n)*export_repeated as \(.*?(?=export_messages as )", PLAIN_NUMBERED, sql)
    sql, deduped = re.subn(r"(?s)(?:--[^\n]*\n)*deduplicated as \(.*?(?=final as \()", PLAIN_DEDUPLICATED, sql)
    assert numbered == deduped == 1
    return sql


def generated_chat(n: int = 3000, seed: int = 5) -> str:
    """A group chat whose people repeat themselves within a minute, with system lines (no author), empty
    and multi-line bodies and media, as real exports have them."""
    rng = random.Random(seed)
    people = ["Rina", "+62 812-3456-7890", "~ Sari", "Budi"]
    texts = ["ok kak", "ok kak", "<Media omitted>", "ready kak?", "", "alamat:\nJl. Merdeka 10", "👍"]
    at, lines = datetime(2024, 3, 1, 9, 0), []
    for i in range(n):
        at += timedelta(seconds=rng.choice((0, 0, 20, 70)))
        head = f"{at.month}/{at.day}/{at:%y}, {at:%-I:%M %p} - "
        if i % 97 == 0:
            lines.append(head + f"{rng.choice(people)} joined using this group's invite link")
        else:
            lines.append(head + f"{rng.choice(people)}: {rng.choice(texts)}" + (f" {i}" if i % 3 == 0 else ""))
    return "\n".join(lines) + "\n"


def test_stg_whatsapp_messages_equals_its_plain_definition(settings: Settings, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    landing.mkdir()
    for f in EXPORTS.glob("*.txt"):
        shutil.copy(f, landing / f.name)
    chat = generated_chat()
    (landing / "WhatsApp Chat with Grup Reseller.txt").write_text(chat)
    # an overlapping later export of the same chat: its first messages are the same messages
    (landing / "WhatsApp Chat with Grup Reseller (1).txt").write_text(chat + "3/9/24, 10:00 AM - Rina: lanjut kak\n")
    # Rows whose fields differ but whose ids are one: a '|' inside a field (the id joins them with '|'), and an
    # empty message beside one whose only text was its edit mark.
    (landing / "WhatsApp Chat with Grup Bar.txt").write_text(
        "3/1/24, 9:00 AM - Rina | Reseller: ok\n3/1/24, 9:00 AM - Rina :  Reseller|ok\n"
        "3/1/24, 9:01 AM - Sari:\n3/1/24, 9:01 AM - Sari: <This message was edited>\n")
    write_ndjson(landing / "hooks.ndjson", list(webhook_payloads("message.json").values()) * 2)  # retries
    tenant = get_tenant(settings.tenants_path, "toko-a")
    ingest_stage(tenant, [landing], fmt=None, settings=settings, now=datetime(2026, 11, 24, 8, 0, tzinfo=UTC))
    con = connect(settings.warehouse_path("toko-a"), read_only=True)
    try:
        for name, frame in tenant_frames(tenant, b"key").items():
            con.register(name, frame)
        model, plain = f"({model_sql('staging', 'stg_whatsapp__messages')})", f"({plain_model()})"
        count = con.execute(f"select count(*) from {model}").fetchall()[0][0]
        assert count == con.execute(f"select count(*) from {plain}").fetchall()[0][0] > 3000
        for a, b in ((model, plain), (plain, model)):
            assert con.execute(f"select count(*) from (select * from {a} except all select * from {b})").fetchall() == [(0,)]
        repeats = con.execute("select count(*) from (select 1 from raw.whatsapp_export_messages"
                              " group by file_id, chat_name, sent_at_local, author, body having count(*) > 1)").fetchall()
        assert repeats[0][0] > 10  # the generated chat exercises the numbering of repeated messages
        assert con.execute(f"select count(distinct message_id) from {model}").fetchall()[0][0] == count
    finally:
        con.close()
