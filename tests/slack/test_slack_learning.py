"""Learning from use, end to end: a member of staff on Slack says an answer did not help and picks
the clause that does; the head teacher approves that suggestion with `policybot bank approve`;
the running server (which was never restarted) then answers the question with that clause."""
from __future__ import annotations

import json
import subprocess
import sys
import time

from tests.slack.slack_requests import button, buttons, unique
from tests.support.index import ROOT

# Worded for this test: a question the policy answers in more than one place.
QUESTION = "a mum from my room keeps messaging me on insta about her son's day, is that ok?"


def _posted(fake_slack, channel):
    return fake_slack.wait_for("chat.postMessage", lambda c: c.params.get("channel") == channel)[0]


def _first_quote(blocks: list[dict]) -> str:
    """The clause text an answer quotes first (Slack shows a quote as `> ` lines)."""
    for block in blocks:
        text = (block.get("text") or {}).get("text", "")
        if "&gt; " in text:
            return text.split("&gt; ", 1)[1]
    raise AssertionError(f"no quoted clause in {blocks}")


def _policybot(server, *args: str) -> subprocess.CompletedProcess:
    env = {**server.env, "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=180)


def test_a_pick_after_not_helpful_approved_with_the_cli_changes_the_answer(slack_server, sender, fake_slack):
    channel = unique("D")
    sender.direct_message("U0STAFF", QUESTION, channel=channel)
    answer = _posted(fake_slack, channel)
    key = unique("nh")
    sender.click("U0STAFF", button(answer.params["blocks"], label_contains="Not helpful"),
                 message={"type": "message", "ts": answer.ts, "blocks": answer.params["blocks"]},
                 channel=channel, response_url=fake_slack.response_url(key))
    follow_up = fake_slack.wait_for("response_url", lambda c: c.params["key"] == key)[0]
    choices = [b for b in buttons(follow_up.params["blocks"]) if "c" in json.loads(b.get("value") or "{}")]
    assert choices, follow_up.text()
    picked = choices[-1]  # the one furthest from the first answer
    clause = json.loads(picked["value"])["c"]
    shown_key = unique("pick")
    sender.click("U0STAFF", picked, message={"type": "message", "ts": answer.ts, "blocks": follow_up.params["blocks"]},
                 channel=channel, response_url=fake_slack.response_url(shown_key), ephemeral=True)
    shown = fake_slack.wait_for("response_url", lambda c: c.params["key"] == shown_key)[0]
    chosen_text = _first_quote(shown.params["blocks"])
    assert chosen_text != _first_quote(answer.params["blocks"])

    pending = _policybot(slack_server, "bank", "pending", "--json")
    assert pending.returncode == 0, pending.stderr
    [entry] = [e for e in json.loads(pending.stdout) if e["question"] == QUESTION]
    assert entry["clause_id"] == clause and entry["source"] == "not_helpful"
    approved = _policybot(slack_server, "bank", "approve", str(entry["id"]))
    assert approved.returncode == 0 and clause in approved.stdout, approved.stderr

    # The server learns approved entries within seconds, without a restart.
    deadline, first = time.monotonic() + 30, None
    while time.monotonic() < deadline:
        again = unique("D")
        sender.direct_message("U0TEACHER", QUESTION, channel=again)
        first = _first_quote(_posted(fake_slack, again).params["blocks"])
        if first == chosen_text:
            break
        time.sleep(1)
    assert first == chosen_text, slack_server.log()
