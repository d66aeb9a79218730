"""Escalation to the line manager and back, reports to the head teacher, App Home, identity by
e-mail and rate limits, all through the real server and a fake Slack Web API."""
from __future__ import annotations

import json
import re

from tests.slack.conftest import EMAIL_ONLY_USER
from tests.slack.slack_requests import (
    button, checkbox_value, select_value, text_value, unique, users_value,
)

REF = re.compile(r"\b([ER]-\d{4}-\d{4})\b")


def _ask_in_dm(sender, fake_slack, user, question):
    channel = unique("D")
    sender.direct_message(user, question, channel=channel)
    post = fake_slack.wait_for("chat.postMessage", lambda c: c.params.get("channel") == channel)[0]
    return channel, post


def _message(post):
    """The message as Slack includes it in a block_actions payload."""
    return {"type": "message", "ts": post.ts, "blocks": post.params["blocks"], "text": post.params.get("text")}


def _opened_view(fake_slack, trigger_predicate=None):
    return fake_slack.wait_for("views.open", trigger_predicate)[-1].params["view"]


def test_escalation_reaches_the_manager_and_the_answer_comes_back(slack_server, sender, fake_slack):
    question = "Can I stay friends on Facebook with a parent who is also my neighbour? " + unique("q")
    channel, post = _ask_in_dm(sender, fake_slack, "U0STAFF", question)
    key = unique("esc")
    reply = sender.click("U0STAFF", button(post.params["blocks"], label_contains="line manager"),
                         message=_message(post), channel=channel, response_url=fake_slack.response_url(key))
    assert reply.status == 200
    confirmation = fake_slack.wait_for("response_url", lambda c: c.params["key"] == key)[0]
    assert confirmation.params["response_type"] == "ephemeral" and "Mia Manager" in confirmation.text()

    # The manager gets a DM: asker, question, clauses shown, the policy 1.3 reason, an Answer button.
    dm = fake_slack.wait_for("chat.postMessage", lambda c: c.params.get("channel") == "D0MANAGER"
                             and question[-12:] in c.text())[0]
    shown = dm.text()
    assert "Sam Staff" in shown and "1.3" in shown and "2.1" in shown
    ref = REF.search(shown).group(1)
    answer_button = button(dm.params["blocks"], label_contains="Answer")

    # Answer → a modal with the answer text, "save as guidance" and "forward to head teacher".
    sender.click("U0MANAGER", answer_button, message=_message(dm),
                 channel="D0MANAGER", response_url=fake_slack.response_url(unique("mgr")))
    view = _opened_view(fake_slack, lambda c: ref in json.dumps(c.params["view"]))
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert inputs["text"]["element"]["type"] == "plain_text_input"
    assert inputs["save_as_guidance"]["element"]["type"] == "checkboxes"
    assert any("head teacher" in b["text"]["text"].lower() for b in _buttons_of(dm))
    reply = sender.submit("U0MANAGER", view, {**text_value("text", "Yes, but keep it private and professional."),
                                              **checkbox_value("save_as_guidance", False),
                                              **text_value("guidance_text", "")})
    assert reply.status == 200 and reply.json().get("response_action") == "update"

    # The asker gets the answer by DM.
    answer = fake_slack.wait_for("chat.postMessage", lambda c: c.params.get("channel") == "D0STAFF"
                                 and "keep it private and professional" in c.text())[0]
    assert ref in answer.text() and "Mia Manager" in answer.text()
    # The manager's card lost its Answer button once answered.
    update = fake_slack.wait_for("chat.update", lambda c: c.params.get("channel") == "D0MANAGER")[-1]
    assert not any(b["action_id"].startswith("escalation.answer") for b in _buttons_in(update.params["blocks"]))


def _buttons_in(blocks):
    return [e for b in blocks if b.get("type") == "actions" for e in b.get("elements", [])]


def _buttons_of(call):
    return _buttons_in(call.params["blocks"])


def test_report_goes_to_the_head_teacher_by_dm_and_never_to_a_channel(slack_server, sender, fake_slack):
    key = unique("rep")
    sender.command("/policy-report", "", user="U0TEACHER", response_url=fake_slack.response_url(key))
    view = _opened_view(fake_slack, lambda c: c.params["view"].get("callback_id") == "form:report")
    block_ids = [b.get("block_id") for b in view["blocks"] if b["type"] == "input"]
    assert block_ids[:5] == ["category", "what_happened", "where", "when", "links"]
    marker = unique("evidence-")

    # A missing description comes back as a field error and nothing is saved.
    invalid = sender.submit("U0TEACHER", view, {**select_value("category", "pupil_comments"),
                                                **text_value("what_happened", "")})
    assert invalid.json().get("response_action") == "errors" and "what_happened" in invalid.json()["errors"]

    values = {**select_value("category", "pupil_comments"),
              **text_value("what_happened", f"A pupil posted <!channel> insults about a colleague {marker}"),
              **text_value("where", "TikTok"), **text_value("when", "Last night"),
              **text_value("links", "https://tiktok.example/v/1"), **users_value("involved_emails", ["U0DEPUTY"]),
              **text_value("involved_text", "")}
    view_id = unique("Vreport")
    reply = sender.submit("U0TEACHER", view, values, view_id=view_id)
    assert reply.status == 200 and reply.json()["response_action"] == "update"
    ref = REF.search(json.dumps(reply.json())).group(1)
    sender.submit("U0TEACHER", view, values, view_id=view_id)  # Slack re-sends: still one report

    head = fake_slack.wait_for("chat.postMessage", lambda c: c.params.get("channel") == "D0HEAD" and ref in c.text())
    assert marker in head[0].text() and "Tia Teacher" in head[0].text()
    assert "<!channel>" not in head[0].text()
    labels = [b["text"]["text"].lower() for b in _buttons_of(head[0])]
    assert any("acknowledge" in label for label in labels) and any("close" in label for label in labels)
    receipt = fake_slack.wait_for("chat.postMessage", lambda c: c.params.get("channel") == "D0TEACHER" and ref in c.text())
    assert receipt

    # Acknowledge from the head teacher's DM: the reporter is told, without details.
    sender.click("U0HEAD", button(head[0].params["blocks"], action_prefix="report.acknowledge"),
                 message=_message(head[0]),
                 channel="D0HEAD", response_url=fake_slack.response_url(unique("ack")))
    fake_slack.wait_for("chat.postMessage", lambda c: c.params.get("channel") == "D0TEACHER"
                        and "acknowledged" in c.text() and ref in c.text())

    # Nothing about the report anywhere but DMs with the bot.
    about_report = [c for c in fake_slack.find() if ref in json.dumps(c.params) or marker in json.dumps(c.params)]
    assert about_report
    for call in about_report:
        channel = call.params.get("channel")
        assert channel is None or str(channel).startswith("D"), call
        assert call.method != "chat.postEphemeral"
    assert len(fake_slack.find("chat.postMessage", lambda c: c.params.get("channel") == "D0HEAD" and ref in c.text()
                               and "Confidential report" in c.text())) == 1


def test_report_shortcut_opens_the_form(slack_server, sender, fake_slack):
    before = len(fake_slack.find("views.open"))
    assert sender.shortcut("U0STAFF", "report_concern").status == 200
    views = fake_slack.wait_for("views.open", count=before + 1)
    assert views[-1].params["view"]["callback_id"] == "form:report"


def test_app_home_for_staff_and_head_teacher(slack_server, sender, fake_slack):
    sender.event({"type": "app_home_opened", "user": "U0STAFF", "channel": "D0STAFF", "tab": "home",
                  "event_ts": "1.0"})
    staff = fake_slack.wait_for("views.publish", lambda c: c.params.get("user_id") == "U0STAFF")[-1]
    assert "/policy" in staff.text() and "Your questions to your line manager" in staff.text()
    sender.event({"type": "app_home_opened", "user": "U0HEAD", "channel": "D0HEAD", "tab": "home", "event_ts": "1.0"})
    head = fake_slack.wait_for("views.publish", lambda c: c.params.get("user_id") == "U0HEAD")[-1]
    assert "Open reports" in head.text() and "review due" in head.text()


def test_user_without_slack_id_is_matched_by_email(slack_server, sender, fake_slack):
    channel, post = _ask_in_dm(sender, fake_slack, EMAIL_ONLY_USER, "Can I add parents as friends on Facebook?")
    # Known person: "Ask my line manager" is offered (unknown people get an explanation instead).
    assert button(post.params["blocks"], label_contains="line manager")
    assert fake_slack.find("users.info", lambda c: c.params.get("user") == EMAIL_ONLY_USER)


def test_rate_limited_sends_wait_for_retry_after(slack_server, sender, fake_slack):
    channel = unique("D")
    fake_slack.fail("chat.postMessage", status=429, times=1, retry_after=1, where=lambda p: p.get("channel") == channel)
    sender.direct_message("U0STAFF", "Can I post photos of the children?", channel=channel)
    fake_slack.wait_for("chat.postMessage", lambda c: c.params.get("channel") == channel, timeout=20)
    attempts = fake_slack.find("chat.postMessage", lambda c: c.params.get("channel") == channel, ok_only=False)
    assert [a.status for a in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 0.95


def test_answer_form_can_pass_the_query_to_the_head_teacher_instead(slack_server, sender, fake_slack):
    question = "Can I join a Facebook group run by parents from my room? " + unique("q")
    channel, post = _ask_in_dm(sender, fake_slack, "U0TEACHER", question)
    sender.click("U0TEACHER", button(post.params["blocks"], label_contains="line manager"), message=_message(post),
                 channel=channel, response_url=fake_slack.response_url(unique("esc")))
    dm = fake_slack.wait_for("chat.postMessage", lambda c: c.params.get("channel") == "D0MANAGER"
                             and question[-12:] in c.text())[0]
    ref = REF.search(dm.text()).group(1)
    sender.click("U0MANAGER", button(dm.params["blocks"], label_contains="Answer"), message=_message(dm),
                 channel="D0MANAGER", response_url=fake_slack.response_url(unique("mgr")))
    view = _opened_view(fake_slack, lambda c: ref in json.dumps(c.params["view"]))
    choice = next(b for b in view["blocks"] if b.get("block_id") == "next_step")
    head_option = next(o for o in choice["element"]["options"] if "head teacher" in o["text"]["text"].lower())
    reply = sender.submit("U0MANAGER", view, {
        **text_value("text", "Not sure: this needs the head's view."), **checkbox_value("save_as_guidance", False),
        "next_step": {"next_step": {"type": "radio_buttons", "selected_option": head_option}}})
    assert reply.json().get("response_action") == "update"
    passed = fake_slack.wait_for("chat.postMessage", lambda c: c.params.get("channel") == "D0HEAD" and ref in c.text())[0]
    assert "Mia Manager" in passed.text() and "needs the head" in passed.text()
    assert not fake_slack.find("chat.postMessage", lambda c: c.params.get("channel") == "D0TEACHER"
                               and "needs the head" in c.text())
