"""Cloud API webhook payloads: every real fixture loads, in every container shape, into the message model."""

from __future__ import annotations

import json

import pytest

from pipelines.ingest.whatsapp_cloud_api import MESSAGES, STATUSES, parse
from tests.conftest import WEBHOOKS, webhook_payloads

FIXTURE_FILES = sorted(p.name for p in WEBHOOKS.glob("*.json"))


@pytest.mark.parametrize("fixture", FIXTURE_FILES)
def test_every_fixture_payload_loads_alone(fixture: str) -> None:
    for case, payload in webhook_payloads(fixture).items():
        result = parse(json.dumps(payload).encode(), f"{case}.json")
        assert result.quarantine.height == 0, (case, result.quarantine.to_dicts())
        assert result.tables[MESSAGES].height + result.tables[STATUSES].height == 1, case


def test_array_and_ndjson_give_the_same_rows() -> None:
    payloads = list(webhook_payloads("message.json").values())
    as_array = parse(json.dumps(payloads).encode(), "a.json").tables[MESSAGES]
    as_ndjson = parse("\n".join(json.dumps(p) for p in payloads).encode(), "a.ndjson").tables[MESSAGES]
    assert as_array.height == as_ndjson.height == len(payloads)
    assert as_array.drop("locator").equals(as_ndjson.drop("locator"))


def by_case(fixture: str) -> dict[str, dict]:
    return {case: parse(json.dumps(p).encode(), "x.json").tables[MESSAGES].row(0, named=True)
            for case, p in webhook_payloads(fixture).items() if "messages" in json.dumps(p)}


def test_message_types_are_read_into_columns() -> None:
    m = by_case("message.json")
    assert (m["text"]["text_body"], m["text"]["from_wa_id"], m["text"]["profile_name"]) == ("Body Text", "972987654321", "Test Name")
    assert m["text"]["sent_epoch"] == 1697043223
    assert (m["video"]["caption"], m["video"]["media_id"], m["video"]["is_forwarded"]) == ("caption", "765756756", True)
    assert m["document"]["media_filename"] == "filename.pdf"
    assert (m["reaction"]["reaction_emoji"], m["reaction"]["reaction_message_id"]) == ("\U0001f62e", "wamid.yzxyzx=")
    assert m["unreaction_empty"]["reaction_emoji"] is None
    assert json.loads(m["order"]["order_json"])["product_items"][0]["product_retailer_id"] == "HAMBURGER"
    assert m["reply"]["context_message_id"] == "wamid.xyzxyz=="
    assert m["forwarded_many_times"]["is_frequently_forwarded"] is True
    assert json.loads(m["referral"]["referral_json"])["source_id"] == "ADID"
    assert json.loads(m["chosen_location"]["location_json"])["name"] == "Facebook HQ"
    assert json.loads(m["unsupported"]["errors_json"])[0]["code"] == 131051
    buttons = by_case("callback_button.json")
    assert buttons["button"]["interactive_title"] == "title"
    assert buttons["quick_reply"]["interactive_id"] == "callback_data"


def test_edits_revokes_and_system_messages() -> None:
    edit = by_case("edited_message.json")["image"]
    assert edit["message_type"] == "edit" and edit["caption"] == "Updated image caption"
    assert edit["edit_original_id"].startswith("wamid.HBgLMTQx")
    revoke = by_case("deleted_message.json")["revoke"]
    assert revoke["revoke_original_id"] == "<ORIGINAL_WHATSAPP_MESSAGE_ID>"
    system = by_case("system.json")["phone_number_change"]
    assert system["text_body"].startswith("User A changed")


def test_statuses_are_kept_separately() -> None:
    payloads = list(webhook_payloads("message_status.json").values())
    st = parse(json.dumps(payloads).encode(), "s.json").tables[STATUSES]
    assert sorted(st["status"].to_list()) == ["delivered", "failed", "played", "read", "read", "sent", "sent"]
    assert st.filter(st["status"] == "sent")["pricing_category"].to_list()[0] == "service"


def test_bad_ndjson_lines_and_messages_are_quarantined_and_the_rest_loads() -> None:
    good = json.dumps(webhook_payloads("message.json")["text"])
    broken = dict(webhook_payloads("message.json")["forwarded"])
    broken = json.loads(json.dumps(broken).replace('"timestamp": "1697044815"', '"timestamp": "kemarin"'))
    text = "\n".join([good, "{not json", json.dumps(broken), json.dumps({"hello": "world"})])
    result = parse(text.encode(), "hooks.ndjson")
    assert result.tables[MESSAGES].height == 1
    reasons = dict(zip(result.quarantine["locator"], result.quarantine["reason"], strict=True))
    assert "not valid JSON" in reasons["line 2"]
    assert "epoch seconds" in reasons["line 3: /entry/0/changes/0/value/messages/0"]
    assert "not a WhatsApp Cloud API webhook payload" in reasons["line 4"]
