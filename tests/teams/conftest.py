"""Teams test fixtures: an Assistant on a private SQLite database with the test directory and fake index."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

from bot.core.app import Assistant  # noqa: E402
from bot.core.directory import StaticDirectory, load_directory  # noqa: E402
from bot.core.notifications.registry import NotifierRegistry  # noqa: E402
from bot.core.storage.db import Database  # noqa: E402
from tests.support.fakeindex import FakeIndex  # noqa: E402

DIRECTORY_CSV = HERE / "directory.csv"
SCHEMA_PATH = HERE / "adaptive_card_1_5.schema.json"


@pytest.fixture
def assistant(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'policybot.db'}")
    assistant = Assistant(db=db, directory=StaticDirectory(load_directory(DIRECTORY_CSV)), answerer=FakeIndex(),
                          notifiers=NotifierRegistry())
    assistant.migrate()
    yield assistant
    db.dispose()


@pytest.fixture(scope="session")
def card_validator():
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())

    def validate(card: dict) -> dict:
        errors = sorted(validator.iter_errors(card), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
        return card

    return validate
