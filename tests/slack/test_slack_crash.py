"""A report submitted while Slack's Web API is down survives `kill -9`: after a restart the
head teacher gets it exactly once."""
from __future__ import annotations

import json
import re
import sqlite3
import time

import pytest

from tests.slack.conftest import slack_env, slack_users
from tests.slack.fake_slack import FakeSlack
from tests.slack.slack_requests import SlackSender, select_value, text_value, unique
from tests.support.directory import write_directory
from tests.support.env import server_env, sqlite_url
from tests.support.server import ServerProcess

REF = re.compile(r"\b(R-\d{4}-\d{4})\b")


@pytest.fixture
def failing_slack():
    fake = FakeSlack(users=slack_users()).start()
    yield fake
    fake.stop()


def _outbox(db_path, kind: str) -> list[dict]:
    with sqlite3.connect(db_path) as connection:
        connection.row_factory = sqlite3.Row
        rows = connection.execute("SELECT status, attempts, claimed_until, last_error FROM outbox WHERE kind = ?",
                                  (kind,)).fetchall()
    return [dict(r) for r in rows]


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_report_survives_kill_9_while_slack_is_down(tmp_path, policy_index_dir, failing_slack):
    db_path = tmp_path / "policybot.db"
    env = server_env(database_url=sqlite_url(db_path), directory=write_directory(tmp_path / "directory.csv"),
                     index_dir=policy_index_dir, POLICYBOT_OUTBOX_RETRY_SECONDS="2")
    server = ServerProcess(slack_env(env, failing_slack), log_path=tmp_path / "server.log").start()
    try:
        sender = SlackSender(server.url)
        failing_slack.fail("chat.postMessage", "conversations.open", status=503)  # Slack is having an outage
        sender.shortcut("U0TEACHER", "report_concern")
        view = failing_slack.wait_for("views.open")[-1].params["view"]
        marker = unique("outage-")
        reply = sender.submit("U0TEACHER", view, {
            **select_value("category", "pupil_comments"),
            **text_value("what_happened", f"Threatening comments about a colleague on a parents' group {marker}")})
        assert reply.status == 200, server.log()
        ref = REF.search(json.dumps(reply.json())).group(1)  # the reporter sees the reference at once

        # Saved, and the dispatcher has tried (and failed) to deliver it while Slack was down.
        _wait(lambda: [r for r in _outbox(db_path, "report.new") if r["attempts"] >= 1 and r["claimed_until"] is None],
              30, "a failed delivery attempt")
        assert failing_slack.find(ok_only=False, where=lambda c: c.status == 503)
        assert not failing_slack.find("chat.postMessage", lambda c: ref in c.text())

        server.kill()  # kill -9: no cleanup
        failing_slack.heal()
        server.start()

        delivered = failing_slack.wait_for("chat.postMessage", lambda c: c.params.get("channel") == "D0HEAD"
                                           and ref in c.text(), timeout=60)
        assert marker in delivered[0].text()
        time.sleep(2.5)  # a few more dispatcher rounds: still exactly one
        to_head = failing_slack.find("chat.postMessage", lambda c: c.params.get("channel") == "D0HEAD" and ref in c.text())
        assert len(to_head) == 1
        assert [r["status"] for r in _outbox(db_path, "report.new")] == ["delivered"]
    finally:
        server.stop()
