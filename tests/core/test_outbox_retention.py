"""What the outbox keeps about a notification once it is delivered or has failed (finding D)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.core.app import Assistant
from bot.core.config import CoreConfig
from bot.core.directory import StaticDirectory
from bot.core.notifications.registry import NotifierRegistry
from bot.core.reports.types import ReportCategory, ReportInput
from bot.core.storage.migrate import upgrade
from bot.core.storage.models import OutboxMessage
from tests.core.corefakes import deliver

SECRET = "Mrs Example's son posted threats about Mr Sample on the parents' page"
REPORT = ReportInput(category=ReportCategory.PUPIL_COMMENTS, what_happened=SECRET)


def only_row(db, kind: str = "report.new") -> OutboxMessage:
    with db.transaction() as session:
        [row] = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)).all()
        return row


def as_text(row: OutboxMessage) -> str:
    return repr({column.key: getattr(row, column.key) for column in OutboxMessage.__table__.columns})


def test_a_delivered_row_keeps_who_was_told_what_kind_and_when_but_not_the_report(assistant, people, slack, db):
    receipt = assistant.submit_report(reporter=people.amy, report=REPORT)
    assert SECRET in as_text(only_row(db))  # pending: the text is needed to send it
    deliver(assistant)
    assert len(slack.to(people.head.email)) == 1
    row = only_row(db)
    assert SECRET not in as_text(row) and people.amy.name not in as_text(row) and "Amy" not in as_text(row)
    assert row.payload is None and row.scrubbed_at == row.delivered_at is not None
    assert (row.kind, row.recipient_email, row.status, row.platform) == ("report.new", people.head.email,
                                                                         "delivered", "slack")
    assert row.notification_id and receipt.ref in row.dedupe_key and row.created_at
    # The dedupe key still works: the same notice is never queued twice.
    assistant.run_due_jobs()
    assert deliver(assistant).handled == 0


def test_a_failed_row_keeps_its_text_for_the_configured_days_then_is_scrubbed(db, directory, clock, people, slack):
    assistant = Assistant(db=db, directory=StaticDirectory(directory), clock=clock,
                          notifiers=NotifierRegistry([slack]), config=CoreConfig(outbox_keep_failed_days=10))
    assistant.submit_report(reporter=people.amy, report=REPORT)
    slack.fail_next(permanent=True, email=people.head.email)
    assert deliver(assistant).failed == 1
    failed_at = only_row(db).failed_at
    assert failed_at == clock.now()
    assistant.run_due_jobs(now=failed_at + timedelta(days=9, hours=23))
    assert SECRET in as_text(only_row(db))  # an administrator can still see what did not arrive
    summary = assistant.run_due_jobs(now=failed_at + timedelta(days=10, minutes=1))
    row = only_row(db)
    assert summary.outbox_scrubbed == 1 and SECRET not in as_text(row) and row.payload is None
    assert (row.status, row.kind, row.recipient_email, row.last_error) == ("failed", "report.new",
                                                                           people.head.email, "slack: refused")
    assert row.failed_at == failed_at and row.scrubbed_at == failed_at + timedelta(days=10, minutes=1)


def test_failed_rows_are_kept_thirty_days_by_default():
    assert CoreConfig().outbox_keep_failed_days == 30


def test_the_migration_scrubs_rows_delivered_before_it(database_url_and_args, directory, clock, people, slack):
    from bot.core.storage.db import Database
    from alembic import command
    from bot.core.storage.migrate import alembic_config

    url, args = database_url_and_args
    db = Database(url, connect_args=args)
    try:
        with db.engine.connect() as connection:  # back to the schema before this change
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "0003")
            connection.commit()
        old = Assistant(db=db, directory=StaticDirectory(directory), clock=clock)
        with db.transaction() as session:  # a delivered row as the old code left it
            session.execute(OutboxMessage.__table__.insert().values(
                notification_id="n1", dedupe_key="k1", recipient_email=people.head.email, kind="report.new",
                payload={"text": SECRET}, status="delivered", attempts=1, created_at=clock.now(),
                next_attempt_at=clock.now(), delivered_at=clock.now(), platform="slack"))
        upgrade(old.db)
        row = only_row(db)
        assert row.payload is None and SECRET not in as_text(row) and row.status == "delivered"
    finally:
        db.dispose()
