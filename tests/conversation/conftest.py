"""The conversation test surface: every scenario runs on Slack and on Teams."""
from __future__ import annotations

import json

import pytest

from tests.conversation.backends import SlackBackend, TeamsBackend
from tests.slack.fake_slack import FakeSlack
from tests.slack.conftest import slack_users
from tests.teams.conftest import SCHEMA_PATH


@pytest.fixture(scope="session")
def conversation_slack():
    fake = FakeSlack(users=slack_users()).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def adaptive_card_validator():
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())

    def validate(card: dict) -> dict:
        errors = sorted(validator.iter_errors(card), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
        return card

    return validate


@pytest.fixture(params=["slack", "teams"])
def chat(request, tmp_path, conversation_slack, adaptive_card_validator):
    conversation_slack.heal()
    backend = SlackBackend(tmp_path, conversation_slack) if request.param == "slack" else \
        TeamsBackend(tmp_path, adaptive_card_validator)
    yield backend
    backend.close()
