"""The Teams turn with botbuilder's TestAdapter: what is particular to Teams (channels, mentions,
references, redelivered activities, card sizes). The shared conversations are in tests/conversation."""
from __future__ import annotations

import json

import pytest
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity

from bot.core.storage.models import Escalation
from bot.teams.bot import PolicyBot
from bot.teams.notifier import TeamsNotifier
from bot.teams.references import MemoryReferenceStore
from tests.teams.e2e_support import all_actions, titles
from tests.teams.teamsfakes import AMY, BOT_ID, HEAD, TENANT, TOM, activity


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

    async def send(self, body: dict | None = None, **kwargs) -> list[Activity]:
        self.adapter.activity_buffer.clear()
        await self.adapter.receive_activity(Activity().deserialize(body or activity(**kwargs)))
        return list(self.adapter.activity_buffer)

    async def dispatch(self):
        return await self.assistant.dispatcher().run_once()


def cards(activities):
    return [a.attachments[0].content for a in activities if a.attachments]


def texts(activities):
    return [a.text or json.dumps(a.attachments[0].content if a.attachments else {}) for a in activities]


def data_of(card, title):
    return next(a["data"] for a in all_actions(card) if a.get("title") == title and a["type"] == "Action.Submit")


@pytest.fixture
def harness(assistant):
    return Harness(assistant)


async def test_channel_mention_is_stripped_and_answered_in_the_channel(harness):
    asked = []
    original = harness.assistant.answerer.ask
    harness.assistant.answerer.ask = lambda question, **kw: asked.append(question) or original(question, **kw)
    replies = await harness.send(text="can I friend a parent?", kind="channel", mention=True)
    assert asked == ["can I friend a parent?"]
    assert len(cards(replies)) == 1  # the answer goes to the channel thread (TurnContext replies to the mention)
    assert harness.sender.sent == []


async def test_report_command_in_a_channel_goes_privately(harness, card_validator):
    replies = await harness.send(text="report", kind="channel", mention=True)
    assert replies == []  # nothing in the channel
    form = card_validator(cards(harness.sender.to(AMY))[0])
    assert form["body"][0]["text"] == "Report a concern"
    ids = [e.get("id") for e in form["body"] if e["type"].startswith("Input.")]
    assert ids == ["category", "what_happened", "where", "when", "links", "involved_emails", "involved_text"]


async def test_the_same_activity_delivered_three_times_is_answered_once(harness):
    body = activity(text="can I friend a parent?")
    answers = [await harness.send(body) for _ in range(3)]
    assert [len(a) for a in answers] == [1, 0, 0]


async def test_a_forty_thousand_character_question_fits_a_card_and_can_be_escalated(harness, card_validator):
    question = "can I friend a parent? " + "so much detail " * 2700
    [answer] = cards(await harness.send(text=question))
    card_validator(answer)
    assert len(json.dumps(answer)) < 28_000  # Teams refuses bigger cards
    replies = await harness.send(value=data_of(answer, "Ask my line manager"), reply_to="card-1")
    assert any("Sent to Tom Ellery" in t for t in texts(replies))
    await harness.dispatch()
    [manager] = cards(harness.sender.to(TOM))
    assert len(json.dumps(manager)) < 28_000


async def test_stale_and_foreign_buttons_are_refused_politely(harness):
    assert "no longer act" in texts(await harness.send(value={"something": "else"}))[0]
    assert "no longer act" in texts(await harness.send(value={"pb": {"action": "nope.nope", "value": {}}}))[0]
    forged = {"pb": {"action": "ask.escalate", "value": {"t": "forged.token"}}}
    assert "expired" in texts(await harness.send(value=forged))[0]
    with harness.assistant.db.transaction() as session:
        assert session.query(Escalation).count() == 0


async def test_references_saved_on_install_and_personal_messages_only(harness):
    await harness.send(type="conversationUpdate", members_added=[{"id": BOT_ID}], aad=TOM)
    saved = harness.store.get(TOM)
    assert saved and saved["conversation"]["id"] == "a:personal-0005" and saved["conversation"]["tenantId"] == TENANT
    await harness.send(text="can I friend a parent?", kind="channel", mention=True, aad=HEAD)
    assert harness.store.get(HEAD) is None
    assert harness.store.service_for(None) == (TENANT, "https://smba.test/")


async def test_user_text_never_becomes_a_mention(harness):
    [answer] = cards(await harness.send(text="can I friend <at>Tom Ellery</at> a parent?"))
    await harness.send(value=data_of(answer, "Ask my line manager"), reply_to="c1")
    await harness.dispatch()
    for _, acts in harness.sender.sent:
        for act in acts:
            assert not act.entities
            assert "<at>" not in json.dumps(act.attachments[0].content)  # escaped or in a TextRun


async def _manager_card(harness, card_validator):
    [answer] = cards(await harness.send(text="can I friend a parent?"))
    await harness.send(value=data_of(answer, "Ask my line manager"), reply_to="c1")
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


async def test_forward_to_head_teacher_is_one_click_and_the_card_is_replaced(harness, card_validator):
    manager_card = await _manager_card(harness, card_validator)
    assert "Pass to head teacher" in titles(manager_card)
    show = next(a for a in all_actions(manager_card) if a.get("title") == "Pass to head teacher")
    forward = show["card"]["actions"][0]["data"] if show["type"] == "Action.ShowCard" else show["data"]
    replies = await harness.send(aad=TOM, value={**forward, "note": ""}, reply_to="c2")
    assert any("passed to Helen Ashdown" in t for t in texts(replies))
    assert harness.adapter.updated_activities  # the manager's card now shows where it went
    await harness.dispatch()
    forwarded = cards(harness.sender.to(HEAD))
    assert forwarded and "can I friend a parent?" in json.dumps(forwarded[-1])
