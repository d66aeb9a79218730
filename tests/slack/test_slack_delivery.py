"""Red-team reproductions of the delivery findings, end to end: real `policybot serve`
processes against a fake Slack that fails or holds its answers on command.

Notifications are queued through the core in this process (the same database the servers
use), so each test controls exactly what is waiting; the servers deliver them.

The outbox lease is scaled down where a finding depends on it (a few seconds instead of the
default), so what takes minutes in production is reproduced in seconds.
"""
from __future__ import annotations

import contextlib
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.core.app import Assistant
from bot.core.directory import FileDirectory
from bot.core.directory.model import Person, Role
from bot.core.notifications.types import Notification, NotificationKind
from bot.core.reports.types import ReportCategory, ReportInput
from bot.core.storage.db import Database
from bot.core.storage.models import OutboxMessage
from bot.settings import Settings
from bot.slack.client import build_client
from bot.slack.identity import SlackIds
from bot.slack.notifier import SlackNotifier
from tests.slack.conftest import slack_env, slack_users
from tests.slack.fake_slack import Call, FakeSlack
from tests.slack.slack_requests import unique
from tests.support.directory import SAMPLE_DIRECTORY_CSV, write_directory
from tests.support.env import server_env, sqlite_url
from tests.support.server import ServerProcess

HEAD, MANAGER = "head@hardmoor.example", "manager@hardmoor.example"
STAFF, TEACHER = "staff@hardmoor.example", "teacher@hardmoor.example"


@pytest.fixture
def slack():
    fake = FakeSlack(users=slack_users()).start()
    yield fake
    fake.stop()


@contextlib.contextmanager
def running(*servers: ServerProcess):
    try:
        for server in servers:
            server.start(wait=False)
        for server in servers:
            server.wait_ready()
        yield servers
    finally:
        for server in servers:
            server.stop()


def core(database_url: str, directory: Path) -> Assistant:
    """The core, as a second process would use it, to queue notifications for the servers."""
    return Assistant(db=Database(database_url), directory=FileDirectory(directory))


def report(assistant: Assistant, reporter: str, category: ReportCategory, marker: str) -> str:
    person = assistant.directory.get(reporter)
    return assistant.submit_report(reporter=person, report=ReportInput(
        category=category, what_happened=f"Comments about a colleague on a parents' group {marker}")).ref


def posts(slack: FakeSlack, channel: str, text: str, *, ok_only: bool = True) -> list[Call]:
    return slack.find("chat.postMessage", lambda c: c.params.get("channel") == channel and text in c.text(),
                      ok_only=ok_only)


def wait_until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def outbox(database_url: str, kind: str) -> list[OutboxMessage]:
    database = Database(database_url)
    try:
        with database.transaction() as session:
            return session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)).all()
    finally:
        database.dispose()


TEAMS_ONLY_MANAGER = "Tara Teamsonly,tara@hardmoor.example,manager,head@hardmoor.example,,00000000-0000-0000-0000-0000000000f1"
HER_STAFF = "Sid Staff,sid@hardmoor.example,staff,tara@hardmoor.example,U0SID,"


def test_a_manager_with_only_a_teams_id_is_told_on_a_slack_only_deployment(tmp_path, policy_index_dir):
    """Finding C: no Teams app is configured, so the manager (only a Teams id in the directory,
    but in Slack under her e-mail) must get the query as a Slack DM, found by e-mail."""
    slack = FakeSlack(users={**slack_users(), "U0TARA": "tara@hardmoor.example"}).start()
    try:
        url = sqlite_url(tmp_path / "policybot.db")
        directory = write_directory(tmp_path / "directory.csv",
                                    SAMPLE_DIRECTORY_CSV + TEAMS_ONLY_MANAGER + "\n" + HER_STAFF + "\n")
        env = slack_env(server_env(database_url=url, directory=directory, index_dir=policy_index_dir), slack)
        assert "MicrosoftAppId" not in env
        with running(ServerProcess(env, log_path=tmp_path / "server.log")) as (server,):
            assistant = core(url, directory)
            question = "Can I follow a parent on Instagram? " + unique("q-")
            assistant.escalate(asker=assistant.directory.get("sid@hardmoor.example"), question=question)
            wait_until(lambda: posts(slack, "D0TARA", question), 10, "the query to reach her on Slack")
            assert slack.find("users.lookupByEmail", lambda c: c.params.get("email") == "tara@hardmoor.example")
            [row] = outbox(url, "escalation.new")
            assert row.status == "delivered" and row.platform == "slack", server.log()
    finally:
        slack.stop()


# -- the Slack notifier on its own, against the fake Slack -----------------------------------

def _notifier(slack: FakeSlack, *, timeout: int = 15) -> SlackNotifier:
    """As the server builds it: the shared client (which waits out 429s for the listeners)."""
    client = build_client(Settings(slack_bot_token="xoxb-test", slack_api_url=slack.api_url), timeout=timeout)
    return SlackNotifier(client, SlackIds())


def _note(id_: str, recipient: str = HEAD) -> Notification:
    return Notification(id=id_, recipient=recipient, kind=NotificationKind.REPORT_REMINDER,
                        title="Still waiting", text="Please acknowledge.", created_at=datetime.now(timezone.utc))


def _person(email: str, slack_id: str | None = None, teams_id: str | None = None) -> Person:
    return Person(email.split("@")[0], email, Role.MANAGER, slack_user_id=slack_id, teams_user_id=teams_id)


def test_slack_offers_to_reach_anyone_with_an_e_mail(slack):
    notifier = _notifier(slack)
    assert notifier.configured
    assert notifier.can_reach(_person("tara@hardmoor.example", teams_id="00000000-0000-0000-0000-0000000000f1"))
