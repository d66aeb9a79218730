"""Durable platform addresses (Teams conversation references) and anonymous answer feedback."""
from __future__ import annotations

from sqlalchemy import inspect, select

from bot.core.storage.models import AnswerFeedback


def test_an_address_survives_a_new_assistant_on_the_same_database(assistant, db, directory, clock, config):
    from bot.core.app import Assistant

    reference = {"conversation": {"id": "a:1"}, "serviceUrl": "https://example.invalid/"}
    assistant.remember_address(platform="teams", key="user:abc", data=reference)
    restarted = Assistant(db=db, directory=directory, clock=clock, config=config)
    assert restarted.recall_address(platform="teams", key="user:abc") == reference
    assert restarted.recall_address(platform="slack", key="user:abc") is None


def test_remembering_again_replaces_the_address(assistant):
    assistant.remember_address(platform="teams", key="user:abc", data={"v": 1})
    assistant.remember_address(platform="teams", key="user:abc", data={"v": 2})
    assert assistant.recall_address(platform="teams", key="user:abc") == {"v": 2}


def test_feedback_is_stored_without_who_gave_it(assistant, db, clock):
    assistant.record_feedback(helpful=False, clause_id="2.1.2", policy_id="social_networking_policy")
    with db.transaction() as session:
        row = session.scalar(select(AnswerFeedback))
    columns = {c["name"] for c in inspect(db.engine).get_columns("answer_feedback")}
    assert (row.helpful, row.clause_id) == (False, "2.1.2")
    assert row.given_at.minute == 0 and row.given_at.second == 0
    assert not columns & {"email", "user", "asker", "slack_user_id", "teams_user_id"}
