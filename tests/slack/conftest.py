"""Fixtures for the Slack end-to-end tests: a fake Slack Web API and the real server pointed at it."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `tests.support` is imported from the repository root
    sys.path.insert(0, str(ROOT))

from tests.slack.fake_slack import FakeSlack  # noqa: E402
from tests.slack.slack_requests import BOT_TOKEN, SIGNING_SECRET, SlackSender  # noqa: E402
from tests.support.directory import PEOPLE, write_directory  # noqa: E402
from tests.support.env import server_env, sqlite_url  # noqa: E402
from tests.support.fixtures import *  # noqa: E402,F401,F403
from tests.support.server import ServerProcess  # noqa: E402
from tests.support import postgres  # noqa: E402

EMAIL_ONLY_USER = "U0EMAILONLY"  # in Slack, but the directory has only their e-mail


def slack_users() -> dict[str, str]:
    users = {p.slack_user_id: p.email for p in PEOPLE.values() if p.slack_user_id}
    users[EMAIL_ONLY_USER] = PEOPLE["emailonly"].email
    return users


def slack_env(base: dict[str, str], fake: FakeSlack) -> dict[str, str]:
    return {**base, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.api_url}


@pytest.fixture(scope="session")
def fake_slack():
    fake = FakeSlack(users=slack_users()).start()
    yield fake
    fake.stop()


@pytest.fixture(autouse=True)
def _healthy_fake(request):
    """Every test starts with a Slack that works (a test may make it fail)."""
    if "fake_slack" in request.fixturenames:
        request.getfixturevalue("fake_slack").heal()
    yield


@pytest.fixture(scope="session")
def slack_server(tmp_path_factory, policy_index_dir, fake_slack):
    """One server for the tests that can share it (each uses its own users, channels and questions)."""
    tmp = tmp_path_factory.mktemp("slack-server")
    env = server_env(database_url=sqlite_url(tmp / "policybot.db"), directory=write_directory(tmp / "directory.csv"),
                     index_dir=policy_index_dir)
    server = ServerProcess(slack_env(env, fake_slack), log_path=tmp / "server.log").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sender(slack_server) -> SlackSender:
    return SlackSender(slack_server.url)


@pytest.fixture
def pg_url():
    """A scratch database on the local PostgreSQL, for the tests that run two server replicas."""
    if not postgres.available():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {postgres.PG_URL} is unreachable and CI is set")
        pytest.skip(f"PostgreSQL at {postgres.PG_URL} is unreachable")
    with postgres.scratch_database() as url:
        yield url
