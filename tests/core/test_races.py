"""Red-team finding 4: the same action at the same moment, from several replicas, on PostgreSQL.

Each thread holds its own `Assistant` with its own engine (as a replica would), and all of them
start together behind a barrier, so the row locks and unique constraints are what keeps the
outcome single. PostgreSQL only: SQLite takes a database-wide write lock (BEGIN IMMEDIATE), so
these races cannot happen there.
"""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from bot.core.app import Assistant
from bot.core.conversation.events import Message
from bot.core.conversation.handler import SORRY
from bot.core.directory import StaticDirectory
from bot.core.errors import InvalidTransition
from bot.core.notifications.registry import NotifierRegistry
from bot.core.notifications.types import NotificationKind as K
from bot.core.reports.types import ReportCategory, ReportInput
from bot.core.storage.db import Database
from bot.core.storage.models import Escalation, Guidance, PlatformSeen
from tests.core.corefakes import deliver, press, sender_of, submit

pytestmark = pytest.mark.parametrize("database_url_and_args", ["postgresql"], indirect=True)


@pytest.fixture
def replicas(database_url_and_args, directory, clock, slack, teams, config, index):
    """`replicas(n)`: n assistants on the test database, each with its own connection pool."""
    url, args = database_url_and_args
    made: list[Database] = []

    def make(n: int) -> list[Assistant]:
        found = []
        for _ in range(n):
            db = Database(url, connect_args=args)
            made.append(db)
            found.append(Assistant(db=db, directory=StaticDirectory(directory), answerer=index,
                                   notifiers=NotifierRegistry([slack, teams]), clock=clock, config=config))
        return found

    yield make
    for db in made:
        db.dispose()


def at_once(*calls):
    """Run the calls in threads released together; returns (results, errors) in call order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            results[i] = call()
        except Exception as exc:  # collected for the assertions
            errors[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results, errors


def test_an_answer_form_sent_five_times_at_once_answers_once(assistant, replicas, people, db, slack):
    view = assistant.escalate(asker=people.amy, question="Can I accept a friend request from a parent?")
    form = press(assistant, people.tom, assistant.get_escalation(actor=people.tom, ref=view.ref).actions[0]).form
    texts = [f"Politely decline, version {i}." for i in range(5)]
    sends = [lambda a=a, t=t, i=i: submit(a, people.tom, form, {"text": t, "save_as_guidance": "true"},
                                          submission_id=f"V-answer-{i}")
             for i, (a, t) in enumerate(zip(replicas(5), texts))]
    replies, errors = at_once(*sends)
    assert errors == [None] * 5 and all(r.form_errors is None for r in replies)  # each form closes
    trail = [e.action for e in assistant.audit_trail(actor=people.tom, ref=view.ref)]
    assert trail.count("escalation.answered") == 1
    with db.transaction() as s:
        stored = s.scalar(select(Escalation.answer_text))
        assert s.scalar(select(func.count()).select_from(Guidance)) <= 1
    deliver(assistant)
    [answered] = slack.to(people.amy.email, K.ESCALATION_ANSWERED)
    assert stored in texts and answered.quote == stored  # Amy was sent what is on the record


def test_three_closes_at_once_close_the_report_once(assistant, replicas, people, slack):
    ref = assistant.submit_report(reporter=people.amy, report=ReportInput(
        category=ReportCategory.PUPIL_COMMENTS, what_happened="Threats on TikTok.")).ref
    closes = [lambda a=a, i=i: a.close_report(actor=people.head, ref=ref, outcome=f"Posts removed ({i}).")
              for i, a in enumerate(replicas(3))]
    results, errors = at_once(*closes)
    assert sum(r is not None for r in results) == 1
    assert all(isinstance(e, InvalidTransition) for e in errors if e is not None)
    trail = [e.action for e in assistant.audit_trail(actor=people.head, ref=ref)]
    assert trail.count("report.closed") == 1
    deliver(assistant)
    closed = [n for n in slack.to(people.amy.email, K.REPORT_STATUS) if "closed" in n.title]
    assert len(closed) == 1  # the reporter is told once


def test_twenty_first_requests_at_once_all_get_an_answer(replicas, people, db):
    """Amy's very first messages, all at once: each remembers that she uses Slack (a row keyed
    by her e-mail); the inserts that lose the race must not turn into "Sorry, something went wrong"."""
    assistants = replicas(4)
    asks = [lambda a=assistants[i % 4]: a.handle(Message(sender=sender_of(people.amy), text="Can I friend a parent?"))
            for i in range(20)]
    replies, errors = at_once(*asks)
    assert errors == [None] * 20
    shown = [r.cards[0].plain_text() for r in replies]
    assert not [s for s in shown if SORRY in s] and all("strongly advises against" in s for s in shown)
    with db.transaction() as s:
        assert s.scalars(select(PlatformSeen.platform).where(PlatformSeen.email == people.amy.email)).all() == ["slack"]
