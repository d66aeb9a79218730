"""Slack down: answers and receipts are owed, not lost. Every message the bot owes a person goes
through the outbox, so after an outage (503s, 500s, 429s) the person still gets it, once."""
from __future__ import annotations

import time

import pytest

from tests.slack.conftest import slack_env, slack_users
from tests.slack.fake_slack import FakeSlack
from tests.slack.slack_requests import SlackSender, select_value, text_value, unique
from tests.support.directory import write_directory
from tests.support.env import server_env, sqlite_url
from tests.support.server import ServerProcess

QUESTIONS = ["Can I accept a friend request from a parent?", "can i post pics of the kids on my insta",
             "Am I allowed on TikTok during my lunch break at work?"]


@pytest.fixture
def outage(tmp_path, policy_index_dir):
    fake = FakeSlack(users=slack_users()).start()
    env = server_env(database_url=sqlite_url(tmp_path / "policybot.db"),
                     directory=write_directory(tmp_path / "directory.csv"), index_dir=policy_index_dir,
                     POLICYBOT_OUTBOX_RETRY_SECONDS="1")
    server = ServerProcess(slack_env(env, fake), log_path=tmp_path / "server.log").start()
    yield fake, server, SlackSender(server.url)
    server.stop()
    fake.stop()


@pytest.mark.parametrize("status", [503, 500, 429])
def test_answers_and_receipts_sent_while_slack_is_down_arrive_once_it_is_back(outage, status):
    fake, server, sender = outage
    down = ("chat.postMessage", "chat.postEphemeral", "chat.update")
    fake.fail(*down, status=status, retry_after=1 if status == 429 else None)
    for question in QUESTIONS:
        assert sender.direct_message("U0TEACHER", question, channel="D0TEACHER").status == 200
    view = {"type": "modal", "callback_id": "form:report", "private_metadata": "{}", "blocks": []}
    reply = sender.submit("U0TEACHER", view, {**select_value("category", "pupil_comments"),
                                              **text_value("what_happened", "Threats on TikTok " + unique("r"))})
    assert reply.json().get("response_action") == "update"  # the report itself is saved at once
    time.sleep(4)
    assert not fake.find("chat.postMessage", lambda c: c.params.get("channel") == "D0TEACHER")
    fake.heal()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        posted = fake.find("chat.postMessage", lambda c: c.params.get("channel") == "D0TEACHER")
        if len(posted) >= len(QUESTIONS) + 1:
            break
        time.sleep(0.2)
    posted = fake.find("chat.postMessage", lambda c: c.params.get("channel") == "D0TEACHER")
    texts = [c.text() for c in posted]
    assert sum("received" in t and "R-20" in t for t in texts) == 1, server.log()  # the receipt, once
    answers = [t for t in texts if "Answer from the Social Networking Policy" in t]
    assert len(answers) == len(QUESTIONS), server.log()
    time.sleep(2)  # nothing arrives twice
    assert len(fake.find("chat.postMessage", lambda c: c.params.get("channel") == "D0TEACHER")) == len(posted)
