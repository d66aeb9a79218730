"""Every card the Teams adapter renders is valid Adaptive Card 1.5 (per the schema here), buttons
sit in rows of at most two, and user text shows literally: never Markdown, never a mention."""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import pytest

from bot.core.content.items import notification_card
from bot.core.conversation.replies import FormRequest
from bot.core.forms import FORMS, escalation_answer_form
from bot.core.notifications.actions import ActionId
from bot.core.notifications.types import Action, ActionStyle, Field, Notification, NotificationKind, SubjectRef
from bot.teams.cards.common import md_escape
from bot.teams.cards.forms import form_card, form_values
from bot.teams.cards.render import render

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
REF = {"ref": "E-2026-0001"}
RREF = {"ref": "R-2026-0001"}
ANSWER = Action(ActionId.ESCALATION_ANSWER, "Answer", REF, ActionStyle.PRIMARY, form="escalation_answer")
FORWARD_HEAD = Action(ActionId.ESCALATION_FORWARD, "Pass to head teacher", {**REF, "to": "head_teacher"},
                      form="escalation_forward")
FORWARD_HR = Action(ActionId.ESCALATION_FORWARD, "Pass to HR", {**REF, "to": "hr"}, form="escalation_forward")
RESOLVE = Action(ActionId.ESCALATION_RESOLVE, "Mark resolved", REF, ActionStyle.PRIMARY)
REPORT_ACTIONS = (Action(ActionId.REPORT_ACKNOWLEDGE, "Acknowledge", RREF, ActionStyle.PRIMARY),
                  Action(ActionId.REPORT_INVESTIGATE, "Start investigation", RREF),
                  Action(ActionId.REPORT_CLOSE, "Close with outcome", RREF, ActionStyle.DANGER, form="report_close"))
ACTIONS_BY_KIND = {
    NotificationKind.ESCALATION_NEW: (ANSWER, FORWARD_HEAD, FORWARD_HR),
    NotificationKind.ESCALATION_FORWARDED: (ANSWER,),
    NotificationKind.ESCALATION_ANSWERED: (RESOLVE,),
    NotificationKind.ESCALATION_REMINDER: (ANSWER,),
    NotificationKind.REPORT_NEW: REPORT_ACTIONS,
    NotificationKind.REPORT_REASSIGNED: REPORT_ACTIONS,
    NotificationKind.REPORT_REMINDER: REPORT_ACTIONS[1:],
}
NASTY = "**bold** _it_ [link](http://x) <at>Tom Ellery</at>\n- list\n# heading"


def _markdown_strings(node):
    """Every string Teams would parse as Markdown: TextBlock text and Fact titles/values."""
    if isinstance(node, dict):
        if node.get("type") == "TextBlock":
            yield node["text"]
        if "title" in node and "value" in node and "type" not in node:
            yield node["title"]
            yield node["value"]
        for value in node.values():
            yield from _markdown_strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _markdown_strings(item)


def assert_literal(card: dict) -> None:
    """User text is either escaped Markdown or a TextRun (never parsed); no mention entities."""
    for text in _markdown_strings(card):
        assert not re.search(r"(?<!\\)[<*\[_]", text), text
    assert "msteams" not in card and "entities" not in json.dumps(card)


def rows(card: dict) -> list[list[str]]:
    return [[a["title"] for a in item["actions"]] for item in card["body"] if item["type"] == "ActionSet"]


def notification(kind: NotificationKind) -> Notification:
    return Notification(id="n1", recipient="tom.ellery@hardmoor.example", kind=kind, title=f"Title {NASTY}",
                        text=f"Line one\n\n{NASTY}", created_at=NOW, fields=(Field("From", "Amy <at>Green</at>"),),
                        actions=ACTIONS_BY_KIND.get(kind, ()), subject=SubjectRef("escalation", "E-2026-0001"),
                        quote=NASTY if kind.value.startswith("escalation") else None)


@pytest.mark.parametrize("kind", list(NotificationKind), ids=lambda k: k.value)
def test_every_notification_kind_is_a_valid_card_with_short_rows(kind, card_validator):
    card = card_validator(render(notification_card(notification(kind))))
    assert_literal(card)
    assert all(len(row) <= 2 for row in rows(card)), rows(card)  # readable at phone width
    if kind is NotificationKind.ESCALATION_NEW:
        assert rows(card) == [["Send answer", "Save as guidance"], ["Pass to head teacher", "Pass to HR"]]
        assert [e["id"] for e in card["body"] if e["type"] == "Input.Text"] == ["text", "guidance_text"]


@pytest.mark.parametrize("name", sorted(FORMS))
def test_every_form_is_a_valid_card_and_shows_each_error(name, card_validator):
    spec = FORMS[name]
    card_validator(form_card(FormRequest(spec, token=RREF)))
    errors = {f.name: "Please fix this." for f in spec.fields}
    values = {f.name: "x" for f in spec.fields}
    card = card_validator(form_card(FormRequest(spec, token=RREF, values=values, errors=errors,
                                                message="Some of it needs fixing.")))
    assert json.dumps(card).count("Please fix this.") == len(spec.fields)


def test_the_answer_form_built_for_a_query_is_valid(card_validator):
    spec = escalation_answer_form(asker_name="Amy", pass_to=(("hr", "Pass it to HR"),), clauses=(("2.1.1", "2.1: x"),))
    card = card_validator(form_card(FormRequest(spec, token=REF)))
    choice = next(e for e in card["body"] if e.get("id") == "next_step")
    assert choice["style"] == "expanded" and choice["value"] == "answer"


def test_form_values_keep_only_the_forms_fields():
    spec = FORMS["escalation_answer"]
    got = form_values(spec, {"pb": {}, "text": "hi", "note": "x", "guidance_text": ""}, {"save_as_guidance": "true"})
    assert got == {"text": "hi", "save_as_guidance": "true", "guidance_text": ""}


def test_markdown_escape_shows_text_literally():
    assert md_escape("**x** [a](b) <at>Tom</at>") == "\\*\\*x\\*\\* \\[a\\](b) \\<at\\>Tom\\</at\\>"
    assert md_escape("- a\n1. b\n# c") == "\\- a\n1\\. b\n\\# c"
    assert md_escape("2026-03-02 a.b") == "2026-03-02 a.b"
