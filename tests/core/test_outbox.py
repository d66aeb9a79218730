"""The outbox and dispatcher: retries, platform choice, concurrency and crash recovery."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.core.app import Assistant
from bot.core.config import CoreConfig
from bot.core.directory import StaticDirectory
from bot.core.notifications.log_notifier import LogNotifier
from bot.core.notifications.registry import NotifierRegistry
from bot.core.notifications.testing import RecordingNotifier
from bot.core.notifications.types import NotificationKind as K
from bot.core.reports.types import ReportCategory, ReportInput
from bot.core.storage.models import OutboxMessage
from tests.core.corefakes import DIRECTORY_CSV, deliver

REPO = Path(__file__).resolve().parents[2]
REPORT = ReportInput(category=ReportCategory.OTHER, what_happened="A concern.")


def outbox_rows(db, kind: str | None = None):
    """Every outbox row, or those of one kind (a report also queues the reporter's receipt)."""
    with db.transaction() as s:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        return s.scalars(query if kind is None else query.where(OutboxMessage.kind == kind)).all()


def test_transient_failure_is_retried_with_backoff(assistant, people, slack, clock, db):
    assistant.submit_report(reporter=people.amy, report=REPORT)
    slack.fail_next(2, email=people.head.email)
    assert deliver(assistant).retried == 1
    [row] = outbox_rows(db, "report.new")
    assert row.status == "pending" and row.attempts == 1 and (row.next_attempt_at - clock.now()).total_seconds() == 30
    assert deliver(assistant).handled == 0  # not due yet
    clock.advance(seconds=30)
    assert deliver(assistant).retried == 1
    assert (outbox_rows(db, "report.new")[0].next_attempt_at - clock.now()).total_seconds() == 60
    clock.advance(seconds=60)
    assert deliver(assistant).delivered == 1
    assert len(slack.to(people.head.email, K.REPORT_NEW)) == 1
    assert outbox_rows(db, "report.new")[0].status == "delivered"


def test_permanent_failure_and_giving_up(assistant, people, slack, clock, db):
    assistant.submit_report(reporter=people.amy, report=REPORT)
    slack.fail_next(permanent=True, email=people.head.email)
    assert deliver(assistant).failed == 1
    assert outbox_rows(db, "report.new")[0].status == "failed"
    assistant.submit_report(reporter=people.ben, report=REPORT)
    slack.fail_next(20, email=people.head.email)
    for _ in range(assistant.ctx.config.outbox_max_attempts):
        deliver(assistant)
        clock.advance(hours=2)
    row = outbox_rows(db, "report.new")[-1]
    assert row.status == "failed" and row.attempts == 8 and "gave up" in row.last_error


def test_platform_choice_prefers_last_used(assistant, people, slack, teams):
    # Amy has both ids; Slack is registered first, so it is used until she is seen on Teams.
    assistant.escalate(asker=people.ben, question="One?")  # to Tom (Slack+Teams)
    deliver(assistant)
    assert slack.to(people.tom.email) and not teams.to(people.tom.email)
    assistant.identify(platform="teams", user_id=people.tom.teams_user_id)
    assistant.escalate(asker=people.amy, question="Two?")
    deliver(assistant)
    assert len(teams.to(people.tom.email, K.ESCALATION_NEW)) == 1


def test_log_notifier_fallback(db, directory, clock, tmp_path, people):
    log_path = tmp_path / "notify.jsonl"
    assistant = Assistant(db=db, directory=StaticDirectory(directory), clock=clock,
                          notifiers=NotifierRegistry([], fallback=LogNotifier(log_path)))
    assistant.submit_report(reporter=people.amy, report=REPORT)
    deliver(assistant)
    records = [json.loads(line) for line in log_path.read_text().splitlines()]
    [record] = [r for r in records if r["to"] == people.head.email]
    assert record["notification"]["kind"] == "report.new"


def test_unreachable_recipient_fails_cleanly(assistant, people, db):
    slack_only = RecordingNotifier(platform="slack")
    assistant.notifiers = NotifierRegistry([slack_only])
    assistant.escalate(asker=people.head, question="For the chair?")  # the chair has no Slack id
    assert deliver(assistant).failed == 1
    assert "no notifier" in outbox_rows(db)[0].last_error


def test_concurrent_dispatchers_deliver_once(assistant, people, slack):
    for i in range(25):
        assistant.submit_report(reporter=people.amy, report=REPORT)

    async def both():
        first, second = assistant.dispatcher(worker_id="a"), assistant.dispatcher(worker_id="b")
        return await asyncio.gather(first.run_once(), second.run_once())

    results = asyncio.run(both())
    assert sum(r.delivered for r in results) == 50  # 25 reports and 25 receipts
    ids = [n.id for n, _ in slack.delivered]
    assert len(ids) == len(set(ids)) == 50 and len(slack.to(people.head.email, K.REPORT_NEW)) == 25


@pytest.mark.parametrize("stall", ["before", "after"])
def test_crash_between_commit_and_delivery(assistant, people, database_url_and_args, tmp_path, stall, db):
    """kill -9 the dispatcher mid-delivery; a restarted one delivers, and exactly once."""
    receipt = assistant.submit_report(reporter=people.amy, report=REPORT)  # committed
    url, connect_args = database_url_and_args
    log_path, marker = tmp_path / "delivered.jsonl", tmp_path / "marker"
    command = [sys.executable, str(Path(__file__).with_name("dispatch_proc.py")), "--db", url,
               "--directory", str(DIRECTORY_CSV), "--log", str(log_path), "--marker", str(marker)]
    options = connect_args.get("options", "")
    if options:
        command += ["--search-path", options.split("=", 1)[1]]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(command + ["--stall", stall], env=env)
    try:
        deadline = time.monotonic() + 30
        while not marker.exists():
            assert proc.poll() is None, "dispatcher exited early"
            assert time.monotonic() < deadline, "dispatcher never started delivering"
            time.sleep(0.05)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert outbox_rows(db, "report.new")[0].status == "pending"  # it never got to mark the row
    time.sleep(1.2)  # the dead dispatcher's lease runs out
    subprocess.run(command, env=env, check=True, timeout=60)
    lines = [json.loads(x) for x in log_path.read_text().splitlines()]
    to_head = [x for x in lines if x["to"] == people.head.email]
    assert len(to_head) == 1 and to_head[0]["notification"]["subject"]["ref"] == receipt.ref
    [row] = outbox_rows(db, "report.new")
    assert row.status == "delivered" and row.attempts == 2


async def test_background_tasks_deliver_and_stop(assistant, people, slack):
    await asyncio.to_thread(assistant.submit_report, reporter=people.amy, report=REPORT)
    background = assistant.background(interval_seconds=0.05, jobs_every_seconds=0.05)
    await background.start()
    try:
        for _ in range(100):
            if slack.delivered:
                break
            await asyncio.sleep(0.05)
    finally:
        await background.stop()
    assert len(slack.to(people.head.email, K.REPORT_NEW)) == 1


def test_admin_alert_without_admins_is_logged_once(db, directory, clock, caplog):

    assistant = Assistant(db=db, directory=StaticDirectory(directory), clock=clock, config=CoreConfig())
    with caplog.at_level("WARNING"):
        for _ in range(3):
            assert assistant.identify(platform="teams", user_id="stranger") is None
    assert sum("admin alert" in r.message for r in caplog.records) == 1
    assert deliver(assistant).handled == 0


# -- delivery guarantees (red-team findings A, B, C) ------------------------------------------

async def _until(predicate, what: str, rounds: int = 500):
    """Let the dispatcher run until `predicate()` holds (no wall-clock bound that could flake)."""
    for _ in range(rounds):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


async def test_a_slow_delivery_to_one_person_does_not_hold_up_anyone_else(assistant, people, slack):
    stuck = slack.hold(people.head.email)
    await asyncio.to_thread(assistant.submit_report, reporter=people.amy, report=REPORT)  # to the head teacher
    await asyncio.to_thread(assistant.escalate, asker=people.ben, question="Can I friend a parent?")  # to Tom
    run = asyncio.create_task(assistant.dispatcher().run_once())
    try:
        await _until(lambda: slack.to(people.tom.email), "Tom's query while the head teacher's DM is stuck")
        assert not slack.to(people.head.email)
    finally:
        stuck.set()
    await run
    assert len(slack.to(people.head.email, K.REPORT_NEW)) == 1 and len(slack.to(people.tom.email)) == 1


async def test_one_person_gets_their_notifications_one_at_a_time_in_order(assistant, people, slack):
    stuck = slack.hold(people.head.email)
    refs = [(await asyncio.to_thread(assistant.submit_report, reporter=who, report=REPORT)).ref
            for who in (people.amy, people.ben, people.dan)]
    run = asyncio.create_task(assistant.dispatcher().run_once())
    try:
        await _until(lambda: slack.sent_to.count(people.head.email) == 1, "the first delivery to start")
        await asyncio.sleep(0.05)  # room for a wrong second delivery to start
        assert slack.sent_to.count(people.head.email) == 1  # the other two wait their turn
    finally:
        stuck.set()
    await run
    assert [n.subject.ref for n in slack.to(people.head.email)] == refs


def test_a_rate_limited_dm_is_rescheduled_after_retry_after_and_never_given_up(assistant, people, slack, clock, db):
    assistant.submit_report(reporter=people.amy, report=REPORT)
    assistant.escalate(asker=people.ben, question="Can I friend a parent?")
    slack.rate_limit_next(12, retry_after=45, email=people.head.email)  # more 429s than outbox_max_attempts
    summary = deliver(assistant)
    assert summary.retried == 1 and summary.delivered == 2  # Tom's query and Amy's receipt went out too
    assert len(slack.to(people.tom.email)) == 1 and not slack.to(people.head.email)
    clock.advance(seconds=44)
    assert deliver(assistant).handled == 0  # not before Retry-After
    for _ in range(11):
        clock.advance(seconds=45)
        assert deliver(assistant).retried == 1
    clock.advance(seconds=45)
    assert deliver(assistant).delivered == 1
    assert len(slack.to(people.head.email, K.REPORT_NEW)) == 1
    assert outbox_rows(db, "report.new")[0].status == "delivered"


def test_an_attempt_that_may_have_arrived_is_looked_up_not_sent_again(assistant, people, slack, clock, db):
    assistant.submit_report(reporter=people.amy, report=REPORT)
    slack.fail_next(after_delivering=True, email=people.head.email)  # Slack took it, but the answer was lost
    assert deliver(assistant).retried == 1
    clock.advance(seconds=30)
    assert deliver(assistant).delivered == 1
    assert len(slack.to(people.head.email, K.REPORT_NEW)) == 1 and slack.sent_to.count(people.head.email) == 1
    [row] = outbox_rows(db, "report.new")
    assert row.status == "delivered" and row.platform == "slack"


def test_an_attempt_that_did_not_arrive_is_sent_again(assistant, people, slack, clock):
    assistant.submit_report(reporter=people.amy, report=REPORT)
    slack.fail_next(email=people.head.email)  # failed before it reached anybody, as Slack's history shows
    deliver(assistant)
    clock.advance(seconds=30)
    assert deliver(assistant).delivered == 1
    assert len(slack.to(people.head.email, K.REPORT_NEW)) == 1 and slack.sent_to.count(people.head.email) == 2


async def test_a_delivery_longer_than_the_lease_is_not_taken_over(db, directory, people):
    """Real time, a 0.3 s lease: the first dispatcher keeps renewing it while Slack is slow."""
    slack = RecordingNotifier(platform="slack")
    assistant = Assistant(db=db, directory=StaticDirectory(directory), notifiers=NotifierRegistry([slack]),
                          config=CoreConfig(outbox_lease_seconds=0.3))
    await asyncio.to_thread(assistant.submit_report, reporter=people.amy, report=REPORT)
    slow = slack.hold(people.head.email)
    first = asyncio.create_task(assistant.dispatcher(worker_id="first").run_once())
    try:
        await _until(lambda: slack.sent_to.count(people.head.email) == 1, "the first delivery to start")
        await asyncio.sleep(1.0)  # more than three leases
        second = asyncio.create_task(assistant.dispatcher(worker_id="second").run_once())
        await asyncio.sleep(0.2)  # time for the second to claim it, if it could
    finally:
        slow.set()
    await asyncio.gather(first, second)
    assert len(slack.to(people.head.email)) == 1 and slack.sent_to.count(people.head.email) == 1


def test_a_notifier_that_is_not_configured_is_never_chosen(assistant, people, db):
    # A Slack-only deployment: Teams is registered but has no credentials; the chair has
    # only a Teams id, but Slack can find her by e-mail.
    slack = RecordingNotifier(platform="slack", reaches_by_email=True)
    teams = RecordingNotifier(platform="teams", configured=False)
    assistant.notifiers = NotifierRegistry([slack, teams])
    assistant.identify(platform="teams", user_id=people.chair.teams_user_id)  # even where she was last seen
    assistant.escalate(asker=people.head, question="For the chair?")
    assert deliver(assistant).delivered == 1
    assert len(slack.to(people.chair.email, K.ESCALATION_NEW)) == 1 and not teams.delivered
    assert outbox_rows(db)[-1].platform == "slack"


def test_the_log_is_no_stand_in_once_a_chat_platform_is_configured(assistant, people, db, tmp_path):
    log_path = tmp_path / "notify.jsonl"
    assistant.notifiers = NotifierRegistry([RecordingNotifier(platform="slack")], fallback=LogNotifier(log_path))
    assistant.escalate(asker=people.head, question="For the chair?")  # no Slack id, no e-mail lookup
    assert deliver(assistant).failed == 1
    assert not log_path.exists() and "no notifier" in outbox_rows(db)[0].last_error
