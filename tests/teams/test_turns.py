"""The turn logic with botbuilder's TestAdapter: questions, commands, card submits, references."""
from __future__ import annotations

import pytest
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity

from bot.core.storage.models import Escalation, Report
from bot.teams.bot import PolicyBot
from bot.teams.cards.common import CONTENT_TYPE
from bot.teams.notifier import TeamsNotifier
from bot.teams.references import MemoryReferenceStore
from tests.teams.teamsfakes import AMY, BOT_ID, HEAD, STRANGER, TENANT, TOM, activity


class FakeSender:
    """Stands in for ProactiveSender: records what would be sent to whom privately."""

    def __init__(self):
        self.sent: list[tuple[str, list[Activity]]] = []

    async def send(self, aad_id, activities, *, member_id=None):
        self.sent.append((aad_id, list(activities)))

    def to(self, aad_id):
        return [a for who, acts in self.sent if who == aad_id for a in acts]


class Harness:
    def __init__(self, assistant):
        self.assistant = assistant
        self.store = MemoryReferenceStore()
        self.sender = FakeSender()
        self.adapter = TestAdapter()
        self.bot = PolicyBot(assistant=assistant, store=self.store, sender=self.sender)
        self.adapter.logic = self.bot.on_turn
        assistant.notifiers.register(TeamsNotifier(self.sender))

    async def send(self, **kwargs) -> list[Activity]:
        self.adapter.activity_buffer.clear()
        await self.adapter.receive_activity(Activity().deserialize(activity(**kwargs)))
        return list(self.adapter.activity_buffer)

    async def dispatch(self):
        return await self.assistant.dispatcher().run_once()


def cards(activities):
    return [a.attachments[0].content for a in activities if a.attachments]


def texts(activities):
    return [a.text for a in activities if a.text]


def buttons(card):
    return [a["title"] for a in card.get("actions", [])]


def data_of(card, title):
    return next(a["data"] for a in card["actions"] if a["title"] == title)


def dump(card) -> str:
    import json
    return json.dumps(card)


@pytest.fixture
def harness(assistant):
    return Harness(assistant)


async def test_question_gets_answer_card_with_clause_and_three_buttons(harness, card_validator):
    replies = await harness.send(text="Can I accept a friend request from a parent?")
    assert len(replies) == 1 and replies[0].attachments[0].content_type == CONTENT_TYPE
    card = card_validator(cards(replies)[0])
    text = dump(card)
    assert "strongly advises against staff initiating" in text
    assert "2.1 Friends/Befriending" in text and "recommendation" in text
    assert "Exception: 2.1 Friends/Befriending" in text  # qualifying clause
    assert "overdue for review" in text
    assert buttons(card)[:3] == ["Helpful", "Not helpful", "Ask my line manager"]
    escalate = data_of(card, "Ask my line manager")["pb"]
    assert escalate["action"] == "ask.escalate" and escalate["question"].startswith("Can I accept")
    assert escalate["clause_ids"] == ["2.1-2", "1.3-5"]


async def test_channel_mention_is_stripped_and_answered_in_the_channel(harness):
    asked = []
    original = harness.assistant.ask
    harness.assistant.ask = lambda **kw: asked.append(kw["question"]) or original(**kw)
    replies = await harness.send(text="can I friend a parent?", kind="channel", mention=True)
    assert asked == ["can I friend a parent?"]
    assert len(cards(replies)) == 1  # the answer goes to the channel thread (TurnContext replies to the mention)
    assert harness.sender.sent == []


async def test_report_command_opens_the_form(harness, card_validator):
    replies = await harness.send(text="report")
    card = card_validator(cards(replies)[0])
    ids = [e.get("id") for e in card["body"] if e["type"].startswith("Input.")]
    assert ids == ["category", "what_happened", "where", "when", "links", "involved_emails", "involved_text"]
    assert card["actions"][0]["data"]["pb"] == {"action": "report.open", "value": {}, "form": "report"}


async def test_report_command_in_a_channel_goes_privately(harness):
    replies = await harness.send(text="report", kind="channel", mention=True)
    assert replies == []  # nothing in the channel
    assert cards(harness.sender.to(AMY))[0]["body"][0]["text"] == "Report a concern"


async def test_escalation_submit_reaches_the_manager_and_answer_comes_back(harness, card_validator):
    answer = cards(await harness.send(text="Can I friend a parent on Facebook?"))[0]
    data = data_of(answer, "Ask my line manager")
    replies = await harness.send(value=data, reply_to="card-1")
    assert "Sent to Tom Ellery" in texts(replies)[0]
    await harness.dispatch()
    manager_card = card_validator(cards(harness.sender.to(TOM))[0])
    assert "Can I friend a parent on Facebook?" in dump(manager_card)
    inputs = [e["id"] for e in manager_card["body"] if e["type"] == "Input.Text"]
    assert "text" in inputs
    assert {"Send answer", "Save as guidance"} <= set(buttons(manager_card))
    assert any("head teacher" in b for b in buttons(manager_card))

    # The manager types the answer and presses "Send answer": Teams merges the inputs into value.
    send = data_of(manager_card, "Send answer")
    replies = await harness.send(aad=TOM, value={**send, "text": "Yes, if they are a relative.", "guidance_text": ""},
                                 reply_to="card-2")
    assert any("your answer was sent to Amy Green" in t for t in texts(replies))
    assert harness.adapter.updated_activities  # the card was replaced by the view
    await harness.dispatch()
    asker = [c for c in cards(harness.sender.to(AMY))]
    assert asker and "Yes, if they are a relative." in dump(asker[-1])
    card_validator(asker[-1])


async def test_second_click_on_the_same_card_is_one_escalation(harness):
    data = data_of(cards(await harness.send(text="can I friend a parent?"))[0], "Ask my line manager")
    await harness.send(value=data, reply_to="card-1")
    replies = await harness.send(value=data, reply_to="card-1")
    assert "already sent" in texts(replies)[0]
    with harness.assistant.db.transaction() as session:
        assert session.query(Escalation).count() == 1


async def test_report_submission_reaches_the_head_teacher_only(harness, card_validator):
    form = cards(await harness.send(text="report"))[0]
    value = {**form["actions"][0]["data"], "category": "pupil_comments",
             "what_happened": "A pupil posted **threats** about me <at>Tom</at>", "where": "TikTok",
             "when": "", "links": "https://example.com/x", "involved_emails": "", "involved_text": ""}
    replies = await harness.send(value=value, reply_to="form-1")
    assert any("R-" in t for t in texts(replies))
    assert harness.adapter.updated_activities  # the filled-in form was replaced by the receipt
    await harness.dispatch()
    head = cards(harness.sender.to(HEAD))
    assert len(head) == 1
    card_validator(head[0])
    assert {"Acknowledge", "Start investigation", "Close with outcome"} <= set(buttons(head[0]))
    assert "threats" in dump(head[0])
    others = [who for who, _ in harness.sender.sent if who not in (HEAD,)]
    assert others == []  # nobody else hears about the report


async def test_report_with_missing_fields_is_shown_again_with_errors(harness, card_validator):
    form = cards(await harness.send(text="report"))[0]
    replies = await harness.send(value={**form["actions"][0]["data"], "category": "", "what_happened": ""})
    card = card_validator(cards(replies)[0])
    assert "Please describe what happened." in dump(card)
    with harness.assistant.db.transaction() as session:
        assert session.query(Report).count() == 0


async def test_head_teacher_closes_report_with_outcome(harness, card_validator):
    form = cards(await harness.send(text="report"))[0]
    await harness.send(value={**form["actions"][0]["data"], "category": "pupil_comments", "what_happened": "x"})
    await harness.dispatch()
    head_card = cards(harness.sender.to(HEAD))[0]
    show = next(a for a in head_card["actions"] if a["type"] == "Action.ShowCard")
    close = show["card"]["actions"][0]["data"]
    replies = await harness.send(aad=HEAD, value={**close, "outcome": "Spoke to the family."}, reply_to="c")
    assert any("closed" in t for t in texts(replies))
    await harness.dispatch()
    status = [c for c in cards(harness.sender.to(AMY))]
    assert status and "Spoke to the family." not in dump(status[-1])


async def test_unknown_person_is_answered_but_cannot_escalate(harness):
    answer = cards(await harness.send(aad=STRANGER, text="can I friend a parent?"))[0]
    assert "Ask my line manager" not in buttons(answer)
    replies = await harness.send(aad=STRANGER, text="report")
    assert "can't find your account" in texts(replies)[0] and not cards(replies)
    replies = await harness.send(aad=STRANGER, value={"pb": {"action": "ask.escalate", "value": {}, "question": "q"}})
    assert "can't find your account" in texts(replies)[0]


async def test_feedback_and_stale_buttons(harness):
    answer = cards(await harness.send(text="can I friend a parent?"))[0]
    assert "Thanks" in texts(await harness.send(value=data_of(answer, "Helpful")))[0]
    assert "no longer act" in texts(await harness.send(value={"something": "else"}))[0]
    assert "no longer act" in texts(await harness.send(value={"pb": {"action": "nope.nope", "value": {}}}))[0]


async def test_help_and_small_talk(harness, card_validator):
    for text in ("help", "hello"):
        card = card_validator(cards(await harness.send(text=text))[0])
        assert "for example" in dump(card)


async def test_my_queries_and_my_reports(harness):
    data = data_of(cards(await harness.send(text="can I friend a parent?"))[0], "Ask my line manager")
    await harness.send(value=data, reply_to="c1")
    listed = cards(await harness.send(text="my queries"))
    assert len(listed) == 1 and "Policy query E-" in dump(listed[0])
    assert "You have not sent any reports." in dump(cards(await harness.send(text="my reports"))[0])


async def test_references_saved_on_install_and_personal_messages_only(harness):
    await harness.send(type="conversationUpdate", members_added=[{"id": BOT_ID}], aad=TOM)
    saved = harness.store.get(TOM)
    assert saved and saved["conversation"]["id"] == "a:personal-0005" and saved["conversation"]["tenantId"] == TENANT
    await harness.send(text="can I friend a parent?", kind="channel", mention=True, aad=HEAD)
    assert harness.store.get(HEAD) is None
    assert harness.store.service_for(None) == (TENANT, "https://smba.test/")


async def test_user_text_never_becomes_a_mention(harness):
    data = data_of(cards(await harness.send(text="can I friend <at>Tom Ellery</at> a parent?"))[0],
                   "Ask my line manager")
    await harness.send(value=data, reply_to="c1")
    await harness.dispatch()
    for _, acts in harness.sender.sent:
        for act in acts:
            assert not act.entities
            assert "<at>" not in dump(act.attachments[0].content)  # escaped or in a TextRun


async def _manager_card(harness, card_validator):
    data = data_of(cards(await harness.send(text="can I friend a parent?"))[0], "Ask my line manager")
    await harness.send(value=data, reply_to="c1")
    await harness.dispatch()
    return card_validator(cards(harness.sender.to(TOM))[-1])


async def test_empty_answer_shows_the_form_again_with_the_error(harness, card_validator):
    manager_card = await _manager_card(harness, card_validator)
    replies = await harness.send(aad=TOM, value={**data_of(manager_card, "Send answer"), "text": "  "}, reply_to="c2")
    card = card_validator(cards(replies)[0])
    assert card["body"][0]["text"] == "Answer a policy query"
    assert any(e.get("color") == "Attention" for e in card["body"])
    with harness.assistant.db.transaction() as session:
        assert session.query(Escalation).one().status == "open"


async def test_forward_to_head_teacher_is_one_click(harness, card_validator):
    manager_card = await _manager_card(harness, card_validator)
    forward = next(a for a in manager_card["actions"] if "head teacher" in a["title"])
    replies = await harness.send(aad=TOM, value={**forward["data"], "text": ""}, reply_to="c2")
    assert any("passed to Helen Ashdown" in t for t in texts(replies))
    await harness.dispatch()
    forwarded = cards(harness.sender.to(HEAD))
    assert forwarded and "can I friend a parent?" in dump(forwarded[-1])
