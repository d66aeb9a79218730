"""Asking from Slack through the real server: DM, @mention, /policy; Slack's rules on signatures,
retries, bots, escaping and rate limits."""
from __future__ import annotations

import json
import time

from tests.slack.fake_slack import BOT_ID, BOT_USER_ID
from tests.slack.slack_requests import button, buttons, unique

QUESTION = "Can I accept a friend request from a parent on Facebook?"


def _answer_post(fake_slack, channel, *, count=1, timeout=15.0):
    return fake_slack.wait_for("chat.postMessage", lambda c: c.params.get("channel") == channel,
                               count=count, timeout=timeout)


def test_healthz_is_ok_once_loaded(slack_server):
    assert slack_server.healthz() == (200, {"status": "ok"})


def test_direct_message_is_answered_in_the_dm_with_the_clause_and_buttons(slack_server, sender, fake_slack):
    channel = unique("D")
    reply = sender.direct_message("U0STAFF", QUESTION, channel=channel)
    assert reply.status == 200
    post = _answer_post(fake_slack, channel)[0]
    blocks = post.params["blocks"]
    shown = json.dumps(blocks)
    assert "2.1" in shown and "Friends/Befriending" in shown  # section and heading
    assert "Recommendation" in shown or "Requirement" in shown  # force
    assert "Social Networking Policy" in shown and "review due" in shown  # policy name and review status
    labels = [b["text"]["text"] for b in buttons(blocks)]
    assert "Helpful" in labels and "Not helpful" in labels
    assert any("line manager" in label.lower() for label in labels)
    assert "thread_ts" not in post.params or not post.params["thread_ts"]


def test_mention_is_answered_in_a_thread_on_that_message(slack_server, sender, fake_slack):
    channel, ts = unique("C"), f"{time.time():.6f}"
    assert sender.mention("U0TEACHER", "can I post photos of the children on instagram?", channel=channel, ts=ts).status == 200
    post = _answer_post(fake_slack, channel)[0]
    assert post.params["thread_ts"] == ts
    assert "Social Networking Policy" in post.text()


def test_policy_command_answers_only_the_asker(slack_server, sender, fake_slack):
    key = unique("cmd")
    reply = sender.command("/policy", QUESTION, user="U0STAFF", response_url=fake_slack.response_url(key))
    assert reply.status == 200 and reply.seconds < 3
    response = fake_slack.wait_for("response_url", lambda c: c.params["key"] == key)[0]
    assert response.params["response_type"] == "ephemeral"
    assert "Friends/Befriending" in response.text()
    # Nothing was posted in the channel for everyone to see.
    assert not fake_slack.posts_to("C0GENERAL")


def test_not_covered_says_so_and_offers_the_line_manager(slack_server, sender, fake_slack):
    channel = unique("D")
    sender.direct_message("U0STAFF", "what is the staff uniform policy for jewellery?", channel=channel)
    post = _answer_post(fake_slack, channel)[0]
    assert "doesn't cover" in post.text()
    assert button(post.params["blocks"], label_contains="line manager")


def test_retried_event_is_processed_once(slack_server, sender, fake_slack):
    channel, event_id = unique("D"), unique("EvRetry")
    first = sender.direct_message("U0STAFF", QUESTION, channel=channel, event_id=event_id)
    retry = sender.direct_message("U0STAFF", QUESTION, channel=channel, event_id=event_id, retry_num=1)
    again = sender.direct_message("U0STAFF", QUESTION, channel=channel, event_id=event_id, retry_num=2)
    assert (first.status, retry.status, again.status) == (200, 200, 200)
    _answer_post(fake_slack, channel)
    time.sleep(1.5)
    assert len(fake_slack.posts_to(channel)) == 1


def test_forged_and_stale_signatures_are_rejected(slack_server, sender, fake_slack):
    channel = unique("D")
    body = json.dumps(sender.event_body({"type": "message", "channel": channel, "user": "U0STAFF", "text": QUESTION,
                                         "ts": "1.0", "channel_type": "im"}))
    forged = sender.post(body, "application/json", signature="v0=" + "0" * 64)
    stale_ts = int(time.time()) - 10 * 60
    stale = sender.post(body, "application/json", timestamp=stale_ts)  # correctly signed, but 10 minutes old
    other_secret = sender.post(body, "application/json",
                               signature=__import__("slack_sdk.signature", fromlist=["x"]).SignatureVerifier(
                                   "not-the-secret").generate_signature(timestamp=str(int(time.time())), body=body))
    assert (forged.status, stale.status, other_secret.status) == (401, 401, 401)
    time.sleep(1.0)
    assert not fake_slack.posts_to(channel)


def test_bot_messages_are_ignored(slack_server, sender, fake_slack):
    channel = unique("D")
    ts = f"{time.time():.6f}"
    own = {"type": "message", "channel": channel, "user": BOT_USER_ID, "bot_id": BOT_ID, "text": QUESTION,
           "ts": ts, "channel_type": "im"}
    other_bot = {"type": "message", "subtype": "bot_message", "channel": channel, "bot_id": "B0OTHER",
                 "text": QUESTION, "ts": ts, "channel_type": "im"}
    assert sender.event(own).status == 200
    assert sender.event(other_bot).status == 200
    time.sleep(1.5)
    assert not fake_slack.posts_to(channel)


def test_mention_injection_is_escaped(slack_server, sender, fake_slack):
    channel = unique("C")
    sender.mention("U0STAFF", "<!channel> <!here> <@U0HEAD> can I post photos of children?", channel=channel)
    post = _answer_post(fake_slack, channel)[0]
    # The key "Ask my line manager" button carries the question; the answer shows no live mention.
    shown = post.text()
    for live in ("<!channel>", "<!here>", "<@U0HEAD>", "<!everyone>"):
        assert live not in shown
    # Escalating it: the manager's DM quotes the question, escaped.
    escalate = button(post.params["blocks"], label_contains="line manager")
    key = unique("esc")
    sender.click("U0STAFF", escalate, message={"type": "message", "ts": post.ts, "blocks": post.params["blocks"]},
                 channel=channel, response_url=fake_slack.response_url(key))
    fake_slack.wait_for("response_url", lambda c: c.params["key"] == key)
    dm = fake_slack.wait_for("chat.postMessage", lambda c: c.params.get("channel") == "D0MANAGER"
                             and "photos of children" in c.text())[-1]
    text = dm.text()
    assert "<!channel>" not in text and "<@U0HEAD>" not in text
    assert "@\u2060channel" in text or "&lt;!channel&gt;" in text


def test_someone_not_in_the_directory_gets_the_answer_but_no_escalation(slack_server, sender, fake_slack):
    channel = unique("D")
    sender.direct_message("U0STRANGER", QUESTION, channel=channel)
    post = _answer_post(fake_slack, channel)[0]
    labels = [b["text"]["text"].lower() for b in buttons(post.params["blocks"])]
    assert "Friends/Befriending" in post.text()
    assert not any("line manager" in label for label in labels)
    assert "staff directory" in post.text()


def test_feedback_buttons_are_recorded_without_the_asker(slack_server, sender, fake_slack):
    import sqlite3

    channel = unique("D")
    sender.direct_message("U0STAFF", QUESTION, channel=channel)
    post = _answer_post(fake_slack, channel)[0]
    key = unique("fb")
    sender.click("U0STAFF", button(post.params["blocks"], label_contains="Not helpful"),
                 message={"type": "message", "ts": post.ts, "blocks": post.params["blocks"]},
                 channel=channel, response_url=fake_slack.response_url(key))
    thanks = fake_slack.wait_for("response_url", lambda c: c.params["key"] == key)[0]
    assert thanks.params["response_type"] == "ephemeral"
    db = slack_server.env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT * FROM answer_feedback WHERE helpful = 0").fetchall()
        columns = [c[1] for c in connection.execute("PRAGMA table_info(answer_feedback)")]
    assert rows and not any("user" in c or "email" in c for c in columns)
