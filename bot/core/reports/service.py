"""Report lifecycle: received -> acknowledged -> investigating -> closed (with outcome).

A report is saved, with its notification to the recipient and the reporter's receipt, in one
transaction. State changes read the row with `SELECT ... FOR UPDATE`, so concurrent clicks and
replicas change a report once.
"""
from __future__ import annotations

import dataclasses
import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.core import admin_alerts
from bot.core.audit import service as audit
from bot.core.context import Context
from bot.core.auth import permissions
from bot.core.calendar import local_year
from bot.core.directory import mentions, routing
from bot.core.directory.model import Directory, Person
from bot.core.errors import InvalidTransition, RoutingError, ValidationError
from bot.core.reports import access, notices
from bot.core.reports.types import ReportCategory, ReportInput, ReportReceipt, ReportStatus, ReportView
from bot.core.storage.models import Report
from bot.core.storage.refs import next_ref

log = logging.getLogger(__name__)

RECEIVED, ACKNOWLEDGED, INVESTIGATING, CLOSED = (s.value for s in ReportStatus)
_TO_HEAD = {ReportCategory.PUPIL_COMMENTS, ReportCategory.STAFF_BREACH, ReportCategory.OTHER}


def involved(directory: Directory, reporter: Person, report: ReportInput) -> tuple[str, ...]:
    """Everyone the report is about: picked in the form, or named in its words."""
    named = mentions.named_in(directory, report.what_happened, report.involved_text, report.where)
    return tuple(sorted((set(report.involved_emails) | set(named)) - {reporter.email}))


def route(directory: Directory, reporter: Person, report: ReportInput) -> routing.Route:
    """Policy 2.3: personal details -> line manager; everything else -> head teacher.

    Someone the report is about, or the reporter themself, never handles it: it goes up instead.
    """
    if report.category in _TO_HEAD:
        base = routing.Route(routing.head_teacher(directory))
    else:
        base = routing.line_manager_route(directory, reporter)
    return routing.avoid_concerned(directory, base, [*report.involved_emails, reporter.email])


def submit(*, ctx: Context, reporter: Person, report: ReportInput, idempotency_key: str | None = None) -> ReportReceipt:
    if idempotency_key:
        existing = _existing(ctx, reporter, idempotency_key)
        if existing:
            return existing
    directory = ctx.directory
    report = dataclasses.replace(report, involved_emails=involved(directory, reporter, report))
    try:
        target = route(directory, reporter, report)
    except RoutingError as exc:
        admin_alerts.directory_problem(ctx=ctx, key="no-route", text=f"A report could not be routed: {exc}")
        raise
    now = ctx.clock.now()
    try:
        with ctx.db.transaction() as session:
            row = Report(
                ref=next_ref(session, kind="R", year=local_year(now, ctx.config.timezone)),
                idempotency_key=idempotency_key, status=RECEIVED, category=report.category.value,
                what_happened=report.what_happened, where=report.where, occurred=report.when,
                links=list(report.links), involved_emails=list(report.involved_emails),
                involved_text=report.involved_text, reporter_email=reporter.email,
                recipient_email=target.person.email, routing_note=target.note, created_at=now, routed_at=now,
            )
            session.add(row)
            session.flush()
            # The audit entry's actor is the reporter; trails mask it for everyone but the recipient.
            _audit(session, ctx, row, reporter.email, "received", None,
                   {"status": RECEIVED, "recipient": target.person.email, "category": row.category})
            notices.new(session, now=now, row=row, directory=directory)
            # The reporter's copy of the reference goes through the outbox too: once, and
            # delivered later if the chat platform is down now.
            notices.receipt(session, now=now, row=row, message=_receipt(row, directory).message)
    except IntegrityError:
        existing = _existing(ctx, reporter, idempotency_key) if idempotency_key else None
        if existing:
            return existing
        raise
    return _receipt(row, directory)


def _receipt(row: Report, directory: Directory, duplicate: bool = False) -> ReportReceipt:
    recipient = directory.get(row.recipient_email)
    role = recipient.role.label if recipient else "the person responsible"
    return ReportReceipt(
        ref=row.ref, category=ReportCategory(row.category), status=ReportStatus(row.status),
        created_at=row.created_at, recipient_role=role, duplicate=duplicate,
        message=(f"Thank you. Your report {row.ref} has been saved and passed to the {role.lower()}. "
                 "You will be told when its status changes."),
    )


def _existing(ctx: Context, reporter: Person, key: str) -> ReportReceipt | None:
    with ctx.db.transaction() as session:
        row = session.scalar(select(Report).where(Report.idempotency_key == key))
    if row is None:
        return None
    if row.reporter_email != reporter.email:
        raise ValidationError("This request id was already used by someone else.")
    return _receipt(row, ctx.directory, duplicate=True)


def _audit(session: Session, ctx: Context, row: Report, actor: str, action: str, before: dict | None, after: dict) -> None:
    audit.record(session, at=ctx.clock.now(), actor=actor, action=f"report.{action}",
                 subject_type="report", subject_ref=row.ref, before=before, after=after)


def load(session: Session, ref: str, *, lock: bool = False) -> Report | None:
    query = select(Report).where(Report.ref == ref.strip().upper())
    return session.scalar(query.with_for_update() if lock else query)


def _transition(ctx: Context, actor: Person, ref: str, to: str, allowed_from: set[str], outcome: str | None = None) -> ReportView:
    now = ctx.clock.now()
    with ctx.db.transaction() as session:
        row = access.check_actor(load(session, ref, lock=True), actor, ref, ctx.directory)
        if row.status == to:
            raise InvalidTransition(f"Report {row.ref} is already {to}.")
        if row.status not in allowed_from:
            raise InvalidTransition(f"Report {row.ref} is {row.status}, so it cannot be marked {to} now.")
        before = {"status": row.status}
        row.status = to
        if to in (ACKNOWLEDGED, INVESTIGATING, CLOSED) and row.acknowledged_at is None:
            row.acknowledged_at = now
        if to == INVESTIGATING:
            row.investigating_at = now
        if to == CLOSED:
            row.closed_at, row.outcome = now, outcome
        _audit(session, ctx, row, actor.email, to, before, {"status": to, **({"outcome": outcome} if outcome else {})})
        notices.status_changed(session, now=now, row=row)
    return access.to_view(row, viewer=actor, directory=ctx.directory)


def acknowledge(*, ctx: Context, actor: Person, ref: str) -> ReportView:
    return _transition(ctx, actor, ref, ACKNOWLEDGED, {RECEIVED})


def investigate(*, ctx: Context, actor: Person, ref: str) -> ReportView:
    return _transition(ctx, actor, ref, INVESTIGATING, {RECEIVED, ACKNOWLEDGED})


def close(*, ctx: Context, actor: Person, ref: str, outcome: str) -> ReportView:
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError("Please record the outcome.", {"outcome": "Please record the outcome."})
    if len(outcome) > 5000:
        raise ValidationError("The outcome is too long.", {"outcome": "Please keep this under 5000 characters."})
    return _transition(ctx, actor, ref, CLOSED, {RECEIVED, ACKNOWLEDGED, INVESTIGATING}, outcome)


def get(*, ctx: Context, actor: Person, ref: str) -> ReportView:
    with ctx.db.transaction() as session:
        row = access.check_visible(load(session, ref), actor, ref)
    return access.to_view(row, viewer=actor, directory=ctx.directory)


def list_for(*, ctx: Context, actor: Person, include_closed: bool = True) -> list[ReportView]:
    query = select(Report)
    if not permissions.lists_all_reports(actor):
        query = query.where(Report.recipient_email == actor.email)
    if not include_closed:
        query = query.where(Report.status != CLOSED)
    with ctx.db.transaction() as session:
        rows = session.scalars(query.order_by(Report.created_at.desc(), Report.id.desc())).all()
    return [access.to_view(r, viewer=actor, directory=ctx.directory) for r in rows
            if permissions.may_see_report(actor, r)]


def receipts_for(*, ctx: Context, reporter: Person) -> list[ReportReceipt]:
    with ctx.db.transaction() as session:
        rows = session.scalars(select(Report).where(Report.reporter_email == reporter.email)
                               .order_by(Report.created_at.desc(), Report.id.desc())).all()
    return [_receipt(r, ctx.directory) for r in rows]


def reporter_email(*, ctx: Context, ref: str) -> str | None:
    """For masking the reporter in audit trails; never returned to a viewer."""
    with ctx.db.transaction() as session:
        row = load(session, ref)
        return row.reporter_email if row else None
