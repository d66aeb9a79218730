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


def outbox_rows(db):
    with db.transaction() as s:
        return s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_transient_failure_is_retried_with_backoff(assistant, people, slack, clock, db):
    assistant.submit_report(reporter=people.amy, report=REPORT)
    slack.fail_next(2)
    assert deliver(assistant).retried == 1
    [row] = outbox_rows(db)
    assert row.status == "pending" and row.attempts == 1 and (row.next_attempt_at - clock.now()).total_seconds() == 30
    assert deliver(assistant).handled == 0  # not due yet
    clock.advance(seconds=30)
    assert deliver(assistant).retried == 1
    assert (outbox_rows(db)[0].next_attempt_at - clock.now()).total_seconds() == 60
    clock.advance(seconds=60)
    assert deliver(assistant).delivered == 1
    assert len(slack.to(people.head.email, K.REPORT_NEW)) == 1
    assert outbox_rows(db)[0].status == "delivered"


def test_permanent_failure_and_giving_up(assistant, people, slack, clock, db):
    assistant.submit_report(reporter=people.amy, report=REPORT)
    slack.fail_next(permanent=True)
    assert deliver(assistant).failed == 1
    assert outbox_rows(db)[0].status == "failed"
    assistant.submit_report(reporter=people.ben, report=REPORT)
    slack.fail_next(20)
    for _ in range(assistant.ctx.config.outbox_max_attempts):
        deliver(assistant)
        clock.advance(hours=2)
    row = outbox_rows(db)[-1]
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
    [line] = log_path.read_text().splitlines()
    record = json.loads(line)
    assert record["to"] == people.head.email and record["notification"]["kind"] == "report.new"


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
    assert sum(r.delivered for r in results) == 25
    ids = [n.id for n, _ in slack.delivered]
    assert len(ids) == len(set(ids)) == 25


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
    assert outbox_rows(db)[0].status == "pending"  # it never got to mark the row
    time.sleep(1.2)  # the dead dispatcher's lease runs out
    subprocess.run(command, env=env, check=True, timeout=60)
    lines = [json.loads(x) for x in log_path.read_text().splitlines()]
    assert len(lines) == 1 and lines[0]["notification"]["subject"]["ref"] == receipt.ref
    [row] = outbox_rows(db)
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
