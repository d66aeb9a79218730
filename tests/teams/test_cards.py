"""Every card the Teams adapter renders is valid Adaptive Card 1.5 (per the schema here), and
user text shows literally: never Markdown, never a mention."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from bot.core.asking.types import AskResult, GuidanceView
from bot.core.directory.model import PersonRef, Role
from bot.core.escalations.types import EscalationStatus, EscalationView
from bot.core.forms import FORMS
from bot.core.notifications.actions import ActionId
from bot.core.notifications.types import (
    Action,
    ActionStyle,
    Card,
    Field,
    Notification,
    NotificationKind,
    SubjectRef,
)
from bot.core.reports.types import ReportCategory, ReportStatus, ReportView
from bot.teams.cards.answer import answer_card, help_card
from bot.teams.cards.common import md_escape
from bot.teams.cards.forms import form_card, form_values
from bot.teams.cards.notification import (
    escalation_card,
    list_card,
    message_card,
    receipt_card,
    report_card,
)
from tests.teams.teamsfakes import FakeIndex

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
    import re
    for text in _markdown_strings(card):
        assert not re.search(r"(?<!\\)[<*\[_]", text), text
    assert "msteams" not in card and "entities" not in json.dumps(card)


def notification(kind: NotificationKind) -> Notification:
    return Notification(id="n1", recipient="tom.ellery@hardmoor.example", kind=kind, title=f"Title {NASTY}",
                        text=f"Line one\n\n{NASTY}", created_at=NOW,
                        fields=(Field("From", "Amy <at>Green</at>"), Field("Reference", "E-2026-0001")),
                        actions=ACTIONS_BY_KIND.get(kind, ()), subject=SubjectRef("escalation", "E-2026-0001"),
                        quote=NASTY if kind.value.startswith("escalation") else None)


@pytest.mark.parametrize("kind", list(NotificationKind), ids=lambda k: k.value)
def test_every_notification_kind_is_a_valid_card(kind, card_validator):
    card = card_validator(message_card(notification(kind)))
    assert_literal(card)
    if kind is NotificationKind.ESCALATION_NEW:
        assert [a["title"] for a in card["actions"]] == ["Send answer", "Save as guidance", "Pass to head teacher",
                                                         "Pass to HR"]
        assert [e["id"] for e in card["body"] if e["type"] == "Input.Text"] == ["text", "guidance_text"]
        forward = card["actions"][2]["data"]["pb"]
        assert forward == {"action": "escalation.forward", "value": {**REF, "to": "head_teacher"},
                           "form": "escalation_forward"}
        assert card["actions"][1]["data"]["pb"]["preset"] == {"save_as_guidance": "true"}
    if kind is NotificationKind.REPORT_NEW:
        show = card["actions"][-1]
        assert show["type"] == "Action.ShowCard" and show["card"]["body"][0]["id"] == "outcome"


def test_a_core_card_renders_like_a_notification(card_validator):
    card_validator(message_card(Card(title="t", text="x", fields=(Field("a", "b"),), quote="q")))
    card_validator(message_card(notification(NotificationKind.ESCALATION_NEW), status="Done."))


def _result(question: str, *, asker: bool = True, guidance: bool = False) -> AskResult:
    answer = FakeIndex().ask(question)
    style = ActionStyle.DEFAULT if answer.answered else ActionStyle.PRIMARY
    actions = ((Action(ActionId.ASK_ESCALATE, "Ask my line manager", style=style), Action(ActionId.REPORT_OPEN, "Report a concern",
                                                                            form="report")) if asker else ())
    found = (GuidanceView(id=1, text="Relatives are fine.", author_role="Line manager", created_at=NOW,
                          clause_ids=("2.1-2",), similarity=0.9),) if guidance else ()
    return AskResult(answer=answer, guidance=found, escalation_offered=asker,
                     escalation_unavailable_reason=None if asker else "Not in the directory.", actions=actions)


@pytest.mark.parametrize("question", ["can I friend a parent?", "what about parking?", "hello", ""])
@pytest.mark.parametrize("asker", [True, False])
def test_answer_cards_are_valid(question, asker, card_validator):
    card_validator(answer_card(_result(question, asker=asker, guidance=True)))


def test_guidance_is_labelled_and_apart_from_policy_text(card_validator):
    card = card_validator(answer_card(_result("can I friend a parent?", guidance=True)))
    guidance = next(e for e in card["body"] if e["type"] == "Container" and e.get("style") == "accent")
    assert "not policy text" in json.dumps(guidance) and "Relatives are fine." in json.dumps(guidance)


def test_not_covered_offers_the_line_manager(card_validator):
    card = card_validator(answer_card(_result("what about parking?")))
    assert "does not cover this" in json.dumps(card)
    escalate = next(a for a in card["actions"] if a["title"] == "Ask my line manager")
    assert escalate["style"] == "positive"


@pytest.mark.parametrize("name", sorted(FORMS))
def test_every_form_is_a_valid_card(name, card_validator):
    spec = FORMS[name]
    card_validator(form_card(spec, action_id=ActionId.REPORT_OPEN, value=RREF))
    errors = {f.name: "Please fix this." for f in spec.fields}
    values = {f.name: "x" for f in spec.fields}
    card = card_validator(form_card(spec, action_id="report.close", value=RREF, values=values, errors=errors,
                                    message="Some of it needs fixing."))
    assert json.dumps(card).count("Please fix this.") == len(spec.fields)


def test_form_values_keep_only_the_forms_fields():
    spec = FORMS["escalation_answer"]
    got = form_values(spec, {"pb": {}, "text": "hi", "note": "x", "guidance_text": ""}, {"save_as_guidance": "true"})
    assert got == {"text": "hi", "guidance_text": "", "save_as_guidance": "true"}


def test_views_and_small_cards_are_valid(card_validator):
    tom = PersonRef("Tom Ellery", "tom.ellery@hardmoor.example", Role.MANAGER)
    amy = PersonRef("Amy Green", "amy.green@hardmoor.example", Role.STAFF)
    view = EscalationView(ref="E-2026-0001", status=EscalationStatus.ANSWERED, question=NASTY, clause_ids=("2.1-2",),
                          asker=amy, recipient=tom, created_at=NOW, answer="Fine.", answered_by=tom,
                          answered_at=NOW, guidance_saved=True, routing_note="Line manager", actions=(RESOLVE,))
    card_validator(escalation_card(view, message="Thanks."))
    report = ReportView(ref="R-2026-0001", category=ReportCategory.OTHER, status=ReportStatus.RECEIVED,
                        what_happened=NASTY, where="", when="", links=("https://x",), involved=(tom,),
                        involved_text="", reporter=amy, recipient=tom, created_at=NOW, actions=REPORT_ACTIONS)
    card_validator(report_card(report))
    card_validator(receipt_card("R-2026-0001", "Thanks."))
    card_validator(list_card("Your reports", [], empty="None."))
    card_validator(help_card())


def test_markdown_escape_shows_text_literally():
    assert md_escape("**x** [a](b) <at>Tom</at>") == "\\*\\*x\\*\\* \\[a\\](b) \\<at\\>Tom\\</at\\>"
    assert md_escape("- a\n1. b\n# c") == "\\- a\n1\\. b\n\\# c"
    assert md_escape("2026-03-02 a.b") == "2026-03-02 a.b"
