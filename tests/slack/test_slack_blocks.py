"""Rendering without a server: escaping, Slack's size limits, forms in and out (pure functions)."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from bot.core.forms import ESCALATION_ANSWER_FORM, REPORT_FORM
from bot.core.notifications.actions import ActionId
from bot.core.notifications.types import Action, Field, Notification, NotificationKind, SubjectRef
from bot.slack.blocks.card import render_card, replace_actions
from bot.slack.blocks.forms import field_errors, form_modal, form_values
from bot.slack.escape import escape, plain_question, truncate


def test_escape_neutralises_mentions_and_entities():
    text = escape("<!channel> <@U123> @here & <https://evil|click>")
    assert "<" not in text and ">" not in text
    assert text.startswith("&lt;!channel&gt; &lt;@U123&gt; @\u2060here &amp;")


def test_plain_question_drops_the_bot_mention_and_decodes_markup():
    assert plain_question("<@UBOT> can I post &lt;photos&gt; at <https://x.example|this site>?", bot_user_id="UBOT") \
        == "can I post <photos> at this site?"
    assert plain_question("<!here> ask <@U0HEAD|helen>") == "@here ask @U0HEAD"


def test_truncate_never_cuts_an_entity_in_half():
    cut = truncate("a" * 95 + " &amp; more words", 100)
    assert len(cut) <= 100 and not cut.rstrip("…").endswith("&am")


def _notification(**changes) -> Notification:
    base = dict(id="n1", recipient="head@hardmoor.example", kind=NotificationKind.REPORT_NEW,
                title="Confidential report R-2026-0001", text="x" * 7000, created_at=datetime.now(timezone.utc),
                fields=tuple(Field(f"F{i}", "<!channel>" * 300) for i in range(14)),
                actions=(Action(ActionId.REPORT_ACKNOWLEDGE, "Acknowledge", {"ref": "R-2026-0001"}),
                         Action(ActionId.REPORT_CLOSE, "Close with outcome", {"ref": "R-2026-0001"}, form="report_close")),
                subject=SubjectRef("report", "R-2026-0001"), quote="<@U0HEAD> look")
    return Notification(**{**base, **changes})


def test_cards_respect_block_kit_limits_and_escape_everything():
    text, blocks = render_card(_notification())
    assert len(blocks) <= 50 and len(text) <= 3000
    for block in blocks:
        if block["type"] == "section" and "text" in block:
            assert len(block["text"]["text"]) <= 3000
        for item in block.get("fields", []):
            assert len(item["text"]) <= 2000
        assert len(block.get("fields", [])) <= 10
    dumped = json.dumps(blocks)
    assert "<!channel>" not in dumped and "<@U0HEAD>" not in dumped
    ids = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert ids == ["report.acknowledge#0", "report.close#1"]
    assert json.loads(blocks[-1]["elements"][0]["value"]) == {"ref": "R-2026-0001"}


def test_replacing_actions_keeps_the_card_and_adds_a_note():
    _, blocks = render_card(_notification(text="short", fields=()))
    updated = replace_actions(blocks, (), "Acknowledged")
    assert not [b for b in updated if b["type"] == "actions"]
    assert updated[-1]["elements"][0]["text"] == "Acknowledged"


def test_report_form_round_trip():
    view = form_modal(REPORT_FORM)
    assert view["callback_id"] == "form:report" and len(view["title"]["text"]) <= 24
    for block in view["blocks"]:
        if block["type"] == "input" and block["element"]["type"] == "static_select":
            assert all(len(o["text"]["text"]) <= 75 for o in block["element"]["options"])
        if block["type"] == "input" and block["element"]["type"] == "plain_text_input":
            assert block["element"]["max_length"] <= 3000
    state = {"values": {
        "category": {"category": {"type": "static_select", "selected_option": {"value": "other"}}},
        "what_happened": {"what_happened": {"type": "plain_text_input", "value": "It happened"}},
        "involved_emails": {"involved_emails": {"type": "multi_users_select", "selected_users": ["U1"]}},
    }}
    values = form_values(REPORT_FORM, state)
    assert values["category"] == "other" and values["what_happened"] == "It happened"
    assert values["involved_emails"] == ["U1"] and values["where"] == ""


def test_checkbox_values_and_errors_map_to_blocks():
    state = {"values": {"save_as_guidance": {"save_as_guidance": {"type": "checkboxes",
                                                                  "selected_options": [{"value": "true"}]}}}}
    assert form_values(ESCALATION_ANSWER_FORM, state)["save_as_guidance"] == "true"
    assert field_errors(ESCALATION_ANSWER_FORM, {"text": "Required"}, "x") == {"text": "Required"}
    assert field_errors(ESCALATION_ANSWER_FORM, {}, "Database down") == {"text": "Database down"}
