"""`policybot serve --socket-mode`: no public URL; events arrive over Slack's WebSocket."""
from __future__ import annotations

import time

import pytest

from tests.slack.conftest import slack_users
from tests.slack.fake_slack import FakeSlack
from tests.slack.slack_requests import BOT_TOKEN, SlackSender, unique
from tests.support.directory import write_directory
from tests.support.env import server_env, sqlite_url
from tests.support.server import ServerProcess


@pytest.fixture
def socket_slack():
    fake = FakeSlack(users=slack_users()).start()
    yield fake
    fake.stop()


def test_socket_mode_answers_a_direct_message(tmp_path, policy_index_dir, socket_slack):
    env = server_env(database_url=sqlite_url(tmp_path / "db.sqlite"), directory=write_directory(tmp_path / "d.csv"),
                     index_dir=policy_index_dir, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN="xapp-test-not-real",
                     SLACK_API_URL=socket_slack.api_url)
    with ServerProcess(env, log_path=tmp_path / "server.log", args=("--socket-mode",)) as server:
        deadline = time.monotonic() + 15
        while not socket_slack.socket_connected():
            assert time.monotonic() < deadline, server.log()
            time.sleep(0.05)
        channel, envelope = unique("D"), unique("env-")
        ts = f"{time.time():.6f}"
        body = SlackSender.event_body({"type": "message", "channel": channel, "user": "U0STAFF", "ts": ts,
                                       "text": "Can I accept a friend request from a parent?", "channel_type": "im"})
        socket_slack.push("events_api", body, envelope)
        socket_slack.wait_for("socket_ack", lambda c: c.params.get("envelope_id") == envelope)
        post = socket_slack.wait_for("chat.postMessage", lambda c: c.params.get("channel") == channel)[0]
        assert "Friends/Befriending" in post.text()
        # There is no HTTP endpoint to sign requests for: /slack/events is not mounted without a signing secret.
        assert SlackSender(server.url).direct_message("U0STAFF", "hello").status == 404
