"""Core test fixtures: an isolated database per test (SQLite and PostgreSQL), directory, clock, fakes."""
from __future__ import annotations

import os
import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine, text

from bot.core.app import Assistant
from bot.core.clock import ManualClock
from bot.core.config import CoreConfig
from bot.core.directory import StaticDirectory, load_directory
from bot.core.notifications.registry import NotifierRegistry
from bot.core.notifications.testing import RecordingNotifier
from bot.core.storage.db import Database
from bot.core.storage.migrate import upgrade
from tests.core.corefakes import DIRECTORY_CSV, FakeIndex

PG_URL = os.environ.get("POLICYBOT_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# Monday 2 March 2026, 09:00 in London (GMT in March).
MONDAY_9AM = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)

_pg_ok: bool | None = None


def _pg_available() -> bool:
    global _pg_ok
    if _pg_ok is None:
        try:
            engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
            with engine.connect() as conn:
                conn.execute(text("select 1"))
            engine.dispose()
            _pg_ok = True
        except Exception:
            _pg_ok = False
    return _pg_ok


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url_and_args(request, tmp_path):
    """(url, connect_args) of an empty, migrated, private database; dropped afterwards."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'policybot.db'}"
        db = Database(url)
        upgrade(db)
        db.dispose()
        yield url, {}
        return
    if not _pg_available():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {PG_URL} is unreachable and CI is set")
        pytest.skip(f"PostgreSQL at {PG_URL} is unreachable")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    args = {"options": f"-csearch_path={schema}"}
    db = Database(PG_URL, connect_args=args)
    upgrade(db)
    db.dispose()
    try:
        yield PG_URL, args
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def db(database_url_and_args):
    url, args = database_url_and_args
    database = Database(url, connect_args=args)
    yield database
    database.dispose()


@pytest.fixture
def directory():
    return load_directory(DIRECTORY_CSV)


@pytest.fixture
def clock():
    return ManualClock(MONDAY_9AM)


@pytest.fixture
def slack():
    return RecordingNotifier(platform="slack")


@pytest.fixture
def teams():
    return RecordingNotifier(platform="teams")


@pytest.fixture
def config():
    return CoreConfig(admin_emails=("hr@hardmoor.example",))


@pytest.fixture
def index():
    return FakeIndex()


@pytest.fixture
def assistant(db, directory, clock, slack, teams, config, index):
    return Assistant(db=db, directory=StaticDirectory(directory), answerer=index,
                     notifiers=NotifierRegistry([slack, teams]), clock=clock, config=config)


@pytest.fixture
def people(directory):
    class People:
        head = directory.get("head@hardmoor.example")
        deputy = directory.get("deputy@hardmoor.example")
        chair = directory.get("chair@hardmoor.example")
        hr = directory.get("hr@hardmoor.example")
        tom = directory.get("tom.ellery@hardmoor.example")    # manager of amy, ben
        sara = directory.get("sara.finch@hardmoor.example")   # manager of chloe, dan
        amy = directory.get("amy.green@hardmoor.example")
        ben = directory.get("ben.hart@hardmoor.example")
        chloe = directory.get("chloe.irwin@hardmoor.example")  # teams only
        dan = directory.get("dan.jones@hardmoor.example")

    return People


