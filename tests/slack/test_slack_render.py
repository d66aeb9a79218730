"""Rendering for Slack without a server: escaping, Block Kit's limits (checked by slack_sdk's own
models), modals in and out."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.core.content.items import notification_card
from bot.core.conversation.replies import FormRequest
from bot.core.forms import REPORT_FORM, escalation_answer_form
from bot.core.notifications.actions import ActionId
from bot.core.notifications.types import Action, Field, Notification, NotificationKind, SubjectRef
from bot.slack import modals
from bot.slack.escape import escape, plain_question, truncate
from bot.slack.render import render


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


def _huge_notification() -> Notification:
    return Notification(id="n1", recipient="head@hardmoor.example", kind=NotificationKind.REPORT_NEW,
                        title="Confidential report R-2026-0001 " + "long " * 40, text="<!here> " + "x" * 7000,
                        created_at=datetime.now(timezone.utc),
                        fields=tuple(Field(f"F{i}", "<!channel>" * 300) for i in range(14)),
                        actions=(Action(ActionId.REPORT_ACKNOWLEDGE, "Acknowledge", {"ref": "R-2026-0001"}),
                                 Action(ActionId.REPORT_CLOSE, "Close with outcome " + "x" * 90, {"ref": "R-2026-0001"})),
                        subject=SubjectRef("report", "R-2026-0001"), quote="<@U0HEAD> look " * 500)


def test_huge_cards_fit_block_kit_and_escape_everything():
    text, blocks = render(notification_card(_huge_notification()))
    assert len(blocks) <= 50 and len(text) <= 3000
    for block in blocks:
        Block.parse(block).validate_json()  # slack_sdk's own limits (text lengths, fields, buttons)
    dumped = json.dumps(blocks)
    assert "<!channel>" not in dumped and "<@U0HEAD>" not in dumped and "<!here>" not in dumped
    ids = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert ids == ["report.acknowledge#0", "report.close#1"]
    assert json.loads(blocks[-1]["elements"][0]["value"]) == {"ref": "R-2026-0001"}


def test_report_form_round_trip_with_described_categories():
    view = modals.modal(FormRequest(REPORT_FORM, values={"what_happened": "prefilled"}))
    View(**{k: v for k, v in view.items() if k != "type"}, type="modal").validate_json()
    category = next(b for b in view["blocks"] if b.get("block_id") == "category")
    options = category["element"]["options"]
    # The full category names no longer get cut at 75 characters: short labels, described.
    assert all(len(o["text"]["text"]) <= 75 for o in options)
    assert any("threatening comments" in o["description"]["text"] for o in options)
    what = next(b for b in view["blocks"] if b.get("block_id") == "what_happened")
    assert what["element"]["initial_value"] == "prefilled"
    state = {"values": {
        "category": {"category": {"type": "static_select", "selected_option": {"value": "other"}}},
        "what_happened": {"what_happened": {"type": "plain_text_input", "value": "It happened"}},
        "involved_emails": {"involved_emails": {"type": "multi_users_select", "selected_users": ["U1"]}},
    }}
    values = modals.values({"state": state})
    assert values == {"category": "other", "what_happened": "It happened", "involved_emails": ["U1"]}


def test_the_answer_modal_says_each_label_once_and_offers_passing_it_on():
    spec = escalation_answer_form(asker_name="Sam Staff", pass_to=(("head_teacher", "Pass it to the head teacher"),))
    view = modals.modal(FormRequest(spec, token={"a": "escalation.answer", "ref": "E-2026-0001"}))
    texts = [t for b in view["blocks"] for t in (b.get("label", {}).get("text"),) if t]
    assert len(texts) == len(set(texts))
    guidance = next(b for b in view["blocks"] if b.get("block_id") == "save_as_guidance")
    assert guidance["label"]["text"] != guidance["element"]["options"][0]["text"]["text"]
    step = next(b for b in view["blocks"] if b.get("block_id") == "next_step")
    assert [o["value"] for o in step["element"]["options"]] == ["answer", "head_teacher"]
    assert json.loads(view["private_metadata"]) == {"a": "escalation.answer", "ref": "E-2026-0001"}


def test_errors_map_to_their_fields_and_a_general_error_to_the_first():
    request = FormRequest(REPORT_FORM, errors={"what_happened": "Please describe what happened."})
    assert modals.errors(request) == {"what_happened": "Please describe what happened."}
    assert modals.errors(FormRequest(REPORT_FORM, message="Database down")) == {"category": "Database down"}
