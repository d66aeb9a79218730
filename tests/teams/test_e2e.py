"""End to end: the real `policybot serve` (emulator mode: POLICYBOT_TEAMS_EMULATOR=true) receives Activity JSON
exactly as the Teams channel posts it, and talks to a fake Bot Connector on 127.0.0.1."""
from __future__ import annotations

import json

import pytest

from tests.support.directory import PEOPLE, write_directory
from tests.support.env import server_env, sqlite_url
from tests.support.index import prebuilt_index_dir
from tests.support.server import ServerProcess
from tests.teams.e2e_support import FakeConnector, all_actions, post_activity, titles
from tests.teams.teamsfakes import BOT_ID, TENANT, activity

STAFF = PEOPLE["staff"].teams_user_id      # Sam Staff, line manager Mia Manager
MANAGER = PEOPLE["manager"].teams_user_id  # Mia Manager
HEAD = PEOPLE["head"].teams_user_id        # Helen Head
CHANNEL = "19:general@thread.tacv2;messageid=1700000000000"
QUESTION = "Can I accept a friend request from a pupil's parent?"


@pytest.fixture(scope="module")
def connector():
    return FakeConnector().start()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    work = tmp_path_factory.mktemp("teams-e2e")
    index_dir = prebuilt_index_dir(tmp_path_factory.getbasetemp() / "policy-index-shared")
    env = server_env(database_url=sqlite_url(work / "policybot.db"), directory=write_directory(work / "directory.csv"),
                     index_dir=index_dir, POLICYBOT_TEAMS_EMULATOR="true")
    process = ServerProcess(env, log_path=work / "server.log").start(timeout=120)
    yield process
    process.stop()


def send(server, connector, **kwargs) -> dict:
    body = activity(service_url=connector.url, **kwargs)
    status = post_activity(server.url, body)
    assert status in (200, 201, 202), (status, server.log())
    return body


def submit_of(card: dict, title: str) -> dict:
    for action in all_actions(card):
        if action.get("title") == title and action.get("type") == "Action.Submit":
            return action["data"]
    raise KeyError(title)


def test_startup_warns_about_emulator_mode(server):
    warnings = [line for line in server.log().splitlines() if " WARNING " in line]
    assert any("EMULATOR MODE" in line and "UNAUTHENTICATED" in line for line in warnings), server.log()


def test_personal_question_gets_the_answer_card(server, connector):
    send(server, connector, aad=STAFF, text=QUESTION)
    call = connector.wait_for(lambda c: c.conversation == "a:personal-aa02" and c.cards, what="the answer card")
    assert call.method == "POST" and call.path.startswith("/v3/conversations/a:personal-aa02/activities")
    card = call.cards[0]
    text = json.dumps(card)
    assert card["version"] == "1.5" and "friend" in text.lower()
    assert titles(card)[:3] == ["Helpful", "Not helpful", "Ask my line manager"]
    assert call.body["recipient"]["id"].startswith("29:") and call.body["from"]["id"] == BOT_ID


def test_channel_mention_is_answered_as_a_reply(server, connector):
    sent = send(server, connector, aad=STAFF, text=QUESTION, kind="channel", mention=True, conversation=CHANNEL)
    call = connector.wait_for(lambda c: c.conversation == CHANNEL, what="the channel reply")
    assert call.path == f"/v3/conversations/{CHANNEL}/activities/{sent['id']}"  # replyToId: a thread reply
    assert call.cards and "friend" in json.dumps(call.cards[0]).lower()


def test_escalation_reaches_the_manager_and_the_answer_comes_back(server, connector):
    asked = len(connector.calls)
    send(server, connector, aad=STAFF, text="Can I post photos from the school trip on my Instagram?")
    # The question itself never rides in the card (its buttons carry a token instead).
    answer = connector.wait_for(lambda c: connector.calls.index(c) >= asked and c.conversation == "a:personal-aa02"
                                and "photographic images that include pupils" in c.text, what="the answer card")
    before = len(connector.calls)
    send(server, connector, aad=STAFF, value=submit_of(answer.cards[0], "Ask my line manager"), reply_to="m-answer")
    confirmation = connector.wait_for(lambda c: "Sent to Mia Manager" in c.text, what="the confirmation")
    assert confirmation.conversation == "a:personal-aa02"

    # Mia never talked to the bot: the 1:1 chat is created through the connector.
    created = connector.wait_for(lambda c: c.path == "/v3/conversations" and MANAGER in c.text,
                                 what="POST /v3/conversations for the manager")
    # botbuilder spells it "tenantID" (the Bot Connector reads it case-insensitively), plus channelData.tenant.
    assert created.body["channelData"]["tenant"]["id"] == TENANT and created.body.get("tenantID") == TENANT
    assert created.body["members"][0]["id"] == MANAGER
    assert created.body["isGroup"] is False
    manager_conv = "a:created-" + str(sum(1 for c in connector.calls[:connector.calls.index(created) + 1]
                                          if c.path == "/v3/conversations"))
    card_call = connector.wait_for(lambda c: c.conversation == manager_conv and c.cards, what="the manager's card")
    manager_card = card_call.cards[0]
    assert "Instagram" in json.dumps(manager_card)
    assert any(e.get("type") == "Input.Text" for e in manager_card["body"])

    # Mia types the answer into the card and presses "Send answer".
    value = {**submit_of(manager_card, "Send answer"), "text": "Only photos without pupils in them.",
             "guidance_text": ""}
    send(server, connector, aad=MANAGER, conversation=manager_conv, value=value, reply_to="m-card")
    delivered = connector.wait_for(lambda c: c.conversation == "a:personal-aa02" and c.cards
                                   and "Only photos without pupils in them." in c.text, what="the answer to Sam")
    assert delivered.method == "POST"
    assert connector.wait_for(lambda c: c.method == "PUT" and c.conversation == manager_conv,
                              what="the manager's card updated")
    assert all("Instagram" not in c.text for c in connector.calls[before:] if c.conversation == CHANNEL)


def test_report_reaches_the_head_teacher_and_nothing_is_posted_in_the_channel(server, connector):
    channel_before = len(connector.to(CHANNEL))
    send(server, connector, aad=STAFF, text="report", kind="channel", mention=True, conversation=CHANNEL)
    form_call = connector.wait_for(lambda c: c.cards and '"id": "what_happened"' in c.text and c.conversation != CHANNEL,
                                   what="the report form, privately")
    assert form_call.conversation == "a:personal-aa02"  # Sam's saved personal chat, not the channel
    value = {**submit_of(form_call.cards[0], "Send report"), "category": "pupil_comments",
             "what_happened": "A pupil posted threatening comments about me on TikTok.", "where": "TikTok",
             "when": "yesterday", "links": "https://tiktok.example/v/1", "involved_emails": "", "involved_text": ""}
    send(server, connector, aad=STAFF, kind="channel", conversation=CHANNEL, value=value, reply_to="m-form")
    # The reference reaches the reporter privately (through the outbox: once, and later if Teams is down).
    receipt = connector.wait_for(lambda c: c.conversation == "a:personal-aa02" and "R-20" in c.text
                                 and "received" in c.text, what="the reporter's reference")
    assert "R-20" in receipt.text
    head_created = connector.wait_for(lambda c: c.path == "/v3/conversations" and HEAD in c.text,
                                      what="the head teacher's chat")
    assert head_created.body["members"][0]["id"] == HEAD
    head_card = connector.wait_for(lambda c: c.cards and "threatening comments" in c.text
                                   and c.conversation not in ("a:personal-aa02", CHANNEL), what="the report card")
    assert {"Acknowledge", "Start investigation"} <= set(titles(head_card.cards[0]))
    assert len(connector.to(CHANNEL)) == channel_before  # nothing at all posted in the channel
    assert not any("threatening" in c.text for c in connector.calls if c.conversation == CHANNEL)

    # The head teacher acknowledges from the card; the reporter is told (without details).
    send(server, connector, aad=HEAD, conversation=head_card.conversation,
         value=submit_of(head_card.cards[0], "Acknowledge"), reply_to="m-head")
    connector.wait_for(lambda c: c.conversation == head_card.conversation and "acknowledged" in c.text,
                       what="the head teacher's confirmation")
    connector.wait_for(lambda c: c.conversation == "a:personal-aa02" and "acknowledged" in c.text.lower()
                       and "threatening" not in c.text, what="the reporter's status update")


def test_install_saves_the_reference_used_for_notifications(server, connector):
    send(server, connector, aad=HEAD, type="conversationUpdate", members_added=[{"id": BOT_ID}],
         conversation="a:installed-head")
    connector.wait_for(lambda c: c.conversation == "a:installed-head" and "Hello" in c.text, what="the welcome")
