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


def _answer_buttons(assistant, person, question="Can I accept a friend request from a parent?"):
    from bot.core.conversation.events import Message
    from tests.core.corefakes import sender_of

    reply = assistant.handle(Message(sender=sender_of(person), text=question))
    return {a.id.value: a for a in reply.cards[0].actions}


def test_helpful_pressed_thirty_times_is_one_vote(assistant, people, db):
    """Red-team finding 15: one person pressing "Helpful" over and over (or a script doing it at
    once) must not stuff the anonymous feedback insights report."""
    import threading

    from tests.core.corefakes import press

    helpful = _answer_buttons(assistant, people.amy)["feedback.helpful"]
    barrier, replies = threading.Barrier(30), []

    def click():
        barrier.wait()
        replies.append(press(assistant, people.amy, helpful))

    threads = [threading.Thread(target=click) for _ in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(replies) == 30 and all("glad it helped" in r.cards[0].plain_text() for r in replies)
    with db.transaction() as session:
        assert [(r.clause_id, r.helpful) for r in session.scalars(select(AnswerFeedback))] == [("2.1.1", True)]


def test_a_press_naming_another_clause_is_not_counted_against_it(assistant, people, db):
    """Red-team finding 15: the button's value comes back from the client, so a forged press may
    carry any clause id. Feedback goes to the clause the answer showed, and a "Did you mean"
    pick of a clause the answer never offered is refused and suggests nothing."""
    from dataclasses import replace

    from bot.core.storage.models import BankEntry
    from tests.core.corefakes import press

    buttons = _answer_buttons(assistant, people.amy)
    forged = replace(buttons["feedback.helpful"], value={**buttons["feedback.helpful"].value, "c": "2.3.1",
                                                         "clause_id": "2.3.1", "clause": "2.3.1"})
    press(assistant, people.amy, forged)
    choose = replace(buttons["feedback.helpful"], id=type(forged.id)("answer.choose"),
                     value={**buttons["feedback.helpful"].value, "c": "2.3.1"})
    refused = press(assistant, people.amy, choose)
    assert "not part of this answer" in refused.cards[0].plain_text()
    with db.transaction() as session:
        assert [r.clause_id for r in session.scalars(select(AnswerFeedback))] == ["2.1.1"]
        assert session.scalars(select(BankEntry)).all() == []
