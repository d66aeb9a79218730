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
from bot.core.errors import TransientDeliveryError
from bot.core.notifications.ports import NotSent, RateLimited
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


def test_kill_9_while_a_dm_is_in_flight_sends_it_once_and_holds_nothing_else(tmp_path, policy_index_dir, slack):
    """Finding A1: Slack has accepted the head teacher's DM but its answer has not come back
    when the server is killed. The unrelated DM to a line manager must not wait behind it, and
    after the restart the head teacher must not get the report a second time."""
    url, directory = sqlite_url(tmp_path / "policybot.db"), write_directory(tmp_path / "directory.csv")
    env = slack_env(server_env(database_url=url, directory=directory, index_dir=policy_index_dir), slack)
    server = ServerProcess(env, log_path=tmp_path / "server.log", core_config={"outbox_lease_seconds": 4})
    slack.delay("chat.postMessage", seconds=60, where=lambda p: p.get("channel") == "D0HEAD")
    with running(server):
        assistant = core(url, directory)
        ref = report(assistant, STAFF, ReportCategory.PUPIL_COMMENTS, unique("crash-"))  # to the head teacher
        question = "Can I accept a parent's friend request? " + unique("q-")
        assistant.escalate(asker=assistant.directory.get(TEACHER), question=question)  # to the line manager
        wait_until(lambda: posts(slack, "D0HEAD", ref), 15, "Slack to accept the DM to the head teacher")
        wait_until(lambda: posts(slack, "D0MANAGER", question), 5,
                   "the line manager's DM while the head teacher's is in flight")
        server.kill()  # kill -9 while Slack's answer to the head teacher's DM is still outstanding
        slack.heal()
        restarted = time.monotonic()
        server.start()
        wait_until(lambda: [r for r in outbox(url, "report.new") if r.status == "delivered"], 20,
                   "the in-flight report to be settled after the restart")
        settled = time.monotonic() - restarted
        time.sleep(2)  # a few more dispatcher rounds
        assert len(posts(slack, "D0HEAD", ref)) == 1, server.log()
        assert len(posts(slack, "D0MANAGER", question)) == 1
        assert settled < 20  # not the old 120 s lease
        # It was recognised in the DM's history by the notification id in the message metadata.
        assert slack.find("conversations.history", lambda c: c.params.get("channel") == "D0HEAD"
                          and str(c.params.get("include_all_metadata")).lower() in {"1", "true"})




def test_two_replicas_wait_out_retry_after_and_send_once(tmp_path, policy_index_dir, slack, pg_url):
    """Finding A2, scaled down: Slack answers 429 with Retry-After three times, for longer in
    total than the outbox lease (3 × 2 s against a 4 s lease, like 3 × 45 s against 120 s).
    The head teacher gets the report once, and no replica asks Slack again before it said."""
    directory = write_directory(tmp_path / "directory.csv")
    env = slack_env(server_env(database_url=pg_url, directory=directory, index_dir=policy_index_dir), slack)
    replicas = [ServerProcess(env, log_path=tmp_path / f"replica-{n}.log", core_config={"outbox_lease_seconds": 4})
                for n in (1, 2)]
    slack.fail("chat.postMessage", status=429, retry_after=2, times=3, where=lambda p: p.get("channel") == "D0HEAD")
    with running(*replicas):
        ref = report(core(pg_url, directory), STAFF, ReportCategory.PUPIL_COMMENTS, unique("replicas-"))
        wait_until(lambda: posts(slack, "D0HEAD", ref), 20, "the report to reach the head teacher")
        time.sleep(3)  # the other replica's lease ran out before the first 200: time for a second send
        attempts = posts(slack, "D0HEAD", ref, ok_only=False)
        assert [a.status for a in attempts] == [429, 429, 429, 200], "\n".join(r.log(40) for r in replicas)
        gaps = [later.at - earlier.at for earlier, later in zip(attempts, attempts[1:])]
        assert min(gaps) >= 1.9  # Retry-After honoured, whichever replica tried next


def test_a_rate_limited_dm_does_not_hold_up_a_report_to_a_line_manager(tmp_path, policy_index_dir, slack):
    """Finding B: the head teacher's DM is rate limited (Retry-After 3 s, twice); a report that
    goes to a line manager, queued just after it, must not wait for it."""
    url, directory = sqlite_url(tmp_path / "policybot.db"), write_directory(tmp_path / "directory.csv")
    env = slack_env(server_env(database_url=url, directory=directory, index_dir=policy_index_dir), slack)
    slack.fail("chat.postMessage", status=429, retry_after=3, times=2, where=lambda p: p.get("channel") == "D0HEAD")
    with running(ServerProcess(env, log_path=tmp_path / "server.log")) as (server,):
        assistant = core(url, directory)
        to_head = report(assistant, STAFF, ReportCategory.PUPIL_COMMENTS, unique("first-"))
        to_manager = report(assistant, TEACHER, ReportCategory.PERSONAL_DETAILS, unique("second-"))
        [limited, *_] = wait_until(lambda: posts(slack, "D0HEAD", to_head, ok_only=False), 15, "the first attempt")
        [manager] = wait_until(lambda: posts(slack, "D0MANAGER", to_manager), 15, "the line manager's report")
        assert manager.at - limited.at < 3, server.log()  # it used to wait out both Retry-Afters (6 s)
        wait_until(lambda: posts(slack, "D0HEAD", to_head), 20, "the head teacher's report after Retry-After")
        attempts = posts(slack, "D0HEAD", to_head, ok_only=False)
        assert [a.status for a in attempts] == [429, 429, 200]
        assert min(later.at - earlier.at for earlier, later in zip(attempts, attempts[1:])) >= 2.9


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
            # The row is marked delivered just after Slack accepted the post, not before.
            wait_until(lambda: outbox(url, "escalation.new")[0].status == "delivered", 10, "the row marked delivered")
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


async def test_a_post_whose_answer_was_lost_is_found_by_its_notification_id(slack):
    notifier, head = _notifier(slack, timeout=1), _person(HEAD, "U0HEAD")
    slack.delay("chat.postMessage", seconds=5, times=1)
    sent_at = datetime.now(timezone.utc)
    with pytest.raises(TransientDeliveryError) as lost:
        await notifier.deliver(_note("n-lost"), head)
    assert not isinstance(lost.value, NotSent)  # it may have arrived: the outbox must check
    fresh = _notifier(slack)  # e.g. the process that takes over after a crash
    assert await fresh.find_delivered(_note("n-lost"), head, since=sent_at) is True
    assert await fresh.find_delivered(_note("n-other"), head, since=sent_at) is False
    assert len(slack.posts_to("D0HEAD")) == 1


async def test_a_429_is_handed_back_with_its_retry_after_instead_of_slept_out(slack):
    slack.fail("chat.postMessage", status=429, retry_after=45, times=1)
    started = time.monotonic()
    with pytest.raises(RateLimited) as limited:
        await _notifier(slack).deliver(_note("n-429"), _person(HEAD, "U0HEAD"))
    assert limited.value.retry_after == 45 and time.monotonic() - started < 10
    assert len(slack.find("chat.postMessage", ok_only=False)) == 1


def test_slack_offers_to_reach_anyone_with_an_e_mail(slack):
    notifier = _notifier(slack)
    assert notifier.configured
    assert notifier.can_reach(_person("tara@hardmoor.example", teams_id="00000000-0000-0000-0000-0000000000f1"))
