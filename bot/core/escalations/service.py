"""Escalation lifecycle: open -> answered -> closed, with forwarding to the head teacher or HR.

Every state change reads its row with `SELECT ... FOR UPDATE` (SQLite: `BEGIN IMMEDIATE`), so
concurrent clicks and replicas change an escalation once and in order.
"""
from __future__ import annotations

import logging
from typing import Callable, Sequence

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.core import admin_alerts
from bot.core.audit import service as audit
from bot.core.auth import permissions
from bot.core.calendar import local_year
from bot.core.context import Context
from bot.core.directory import mentions, routing
from bot.core.directory.model import Person, Role
from bot.core.errors import InvalidTransition, PermissionDenied, RoutingError, ValidationError
from bot.core.escalations import access, notices
from bot.core.escalations.types import CloseReason, EscalationStatus, EscalationView, ForwardTarget
from bot.core.guidance import service as guidance
from bot.core.storage.models import Escalation
from bot.core.storage.refs import next_ref

log = logging.getLogger(__name__)

OPEN, ANSWERED, CLOSED = (s.value for s in EscalationStatus)
MAX_TEXT = 5000


def _text(value: str | None, field: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(f"Please write the {what}.", {field: f"Please write the {what}."})
    if len(value) > MAX_TEXT:
        raise ValidationError(f"The {what} is too long.", {field: f"Please keep this under {MAX_TEXT} characters."})
    return value


def _audit(session: Session, ctx: Context, row: Escalation, actor: str, action: str,
           before: dict | None, after: dict) -> None:
    audit.record(session, at=ctx.clock.now(), actor=actor, action=f"escalation.{action}",
                 subject_type="escalation", subject_ref=row.ref, before=before, after=after)


def load(session: Session, ref: str, *, lock: bool = False) -> Escalation | None:
    query = select(Escalation).where(Escalation.ref == ref.strip().upper())
    return session.scalar(query.with_for_update() if lock else query)


def escalate(*, ctx: Context, asker: Person, question: str, clause_ids: Sequence[str] = (),
             concerns: Sequence[str] = (), idempotency_key: str | None = None) -> EscalationView:
    """"Ask my line manager": route the question (policy 1.3) past anyone it is about."""
    question = _text(question, "question", "question")
    directory = ctx.directory
    if idempotency_key:
        existing = _existing(ctx, asker, idempotency_key)
        if existing:
            return existing
    # Someone the question names never receives it, picked in a form or only named in the words.
    concerned = sorted(({c.lower() for c in concerns} | set(mentions.named_in(directory, question))) - {asker.email})
    route = _route(ctx, asker, concerned)
    now = ctx.clock.now()
    try:
        with ctx.db.transaction() as session:
            row = Escalation(
                ref=next_ref(session, kind="E", year=local_year(now, ctx.config.timezone)),
                idempotency_key=idempotency_key, status=OPEN, asker_email=asker.email,
                recipient_email=route.person.email, question=question, clause_ids=list(clause_ids),
                concerns_emails=concerned, routing_note=route.note, created_at=now, routed_at=now,
            )
            session.add(row)
            session.flush()
            _audit(session, ctx, row, asker.email, "created", None,
                   {"status": OPEN, "recipient": route.person.email, "routing_note": route.note})
            notices.new(session, now=now, row=row, recipient=route.person, directory=directory)
    except IntegrityError:
        existing = _existing(ctx, asker, idempotency_key) if idempotency_key else None
        if existing:
            return existing  # a concurrent double-click won the race
        raise
    return access.to_view(row, viewer=asker, directory=directory)


def _route(ctx: Context, asker: Person, concerns: Sequence[str]) -> routing.Route:
    directory = ctx.directory
    try:
        route = routing.avoid_concerned(directory, routing.line_manager_route(directory, asker), concerns)
    except RoutingError as exc:
        admin_alerts.directory_problem(ctx=ctx, key="no-route", text=f"A query could not be routed: {exc}")
        raise
    if route.note and asker.role is not Role.HEAD_TEACHER and directory.line_manager_of(asker) is None:
        admin_alerts.directory_problem(ctx=ctx, key=f"missing-manager:{asker.email}", text=route.note)
    return route


def _existing(ctx: Context, asker: Person, key: str) -> EscalationView | None:
    with ctx.db.transaction() as session:
        row = session.scalar(select(Escalation).where(Escalation.idempotency_key == key))
    if row is None:
        return None
    if row.asker_email != asker.email:
        raise ValidationError("This request id was already used by someone else.")
    return access.to_view(row, viewer=asker, directory=ctx.directory, duplicate=True)


def answer(*, ctx: Context, actor: Person, ref: str, text: str, save_as_guidance: bool = False,
           guidance_text: str | None = None, encode: Callable | None = None,
           on_answered: Callable[[Session, Escalation], None] | None = None) -> EscalationView:
    """The recipient answers; the answer goes to the asker. `on_answered` runs in the same
    transaction (e.g. to suggest a question-bank entry from a clause the answer names)."""
    text = _text(text, "text", "answer")
    wants_own_wording = save_as_guidance and guidance_text and guidance_text.strip()
    guidance_body = _text(guidance_text, "guidance_text", "guidance") if wants_own_wording else text
    now = ctx.clock.now()
    with ctx.db.transaction() as session:
        row = _for_recipient(session, actor, ref)
        if row.status != OPEN:
            raise InvalidTransition(f"Query {row.ref} is already {row.status}.")
        guidance_row = None
        if save_as_guidance:
            guidance_row = guidance.save(session, now=now, author=actor, text=guidance_body, question=row.question,
                                         clause_ids=row.clause_ids or [], embedding=guidance.embed(encode, row.question),
                                         source_ref=row.ref)
        row.status, row.answer_text, row.answered_by_email, row.answered_at = ANSWERED, text, actor.email, now
        row.guidance_id = guidance_row.id if guidance_row else None
        _audit(session, ctx, row, actor.email, "answered", {"status": OPEN},
               {"status": ANSWERED, "guidance_id": row.guidance_id})
        notices.answered(session, now=now, row=row, answerer=actor)
        if on_answered is not None:
            on_answered(session, row)
    return access.to_view(row, viewer=actor, directory=ctx.directory)


def forward(*, ctx: Context, actor: Person, ref: str, to: ForwardTarget, note: str | None = None) -> EscalationView:
    directory = ctx.directory
    target = directory.head_teacher if to is ForwardTarget.HEAD_TEACHER else directory.hr
    if target is None:
        raise RoutingError(f"The staff directory lists no {'head teacher' if to is ForwardTarget.HEAD_TEACHER else 'HR contact'}.")
    note = (note or "").strip()[:2000] or None
    now = ctx.clock.now()
    with ctx.db.transaction() as session:
        row = _for_recipient(session, actor, ref)
        if row.status != OPEN:
            raise InvalidTransition(f"Query {row.ref} is {row.status}; only open queries can be passed on.")
        route = routing.avoid_concerned(directory, routing.Route(target), [*(row.concerns_emails or ()), row.asker_email])
        if route.person.email == actor.email:
            raise InvalidTransition(f"Query {row.ref} is already with you.")
        before = {"recipient": row.recipient_email}
        row.recipient_email, row.routed_at = route.person.email, now
        row.reminded_at = row.overdue_notified_at = None
        _audit(session, ctx, row, actor.email, "forwarded", before,
               {"recipient": route.person.email, "to": to.value, "note": note})
        notices.new(session, now=now, row=row, recipient=route.person, directory=directory, note=note, forwarded_by=actor)
    return access.to_view(row, viewer=actor, directory=directory)


def resolve(*, ctx: Context, actor: Person, ref: str) -> EscalationView:
    with ctx.db.transaction() as session:
        row = access.check_visible(load(session, ref, lock=True), actor, ref)
        if not permissions.may_resolve_escalation(actor, row):
            raise PermissionDenied("Only the person who asked can mark a query resolved.")
        if row.status == CLOSED:
            raise InvalidTransition(f"Query {row.ref} is already closed.")
        close(session, ctx=ctx, row=row, actor=actor.email, reason=CloseReason.RESOLVED)
        notices.closed(session, now=ctx.clock.now(), row=row, to=row.answered_by_email or row.recipient_email,
                       text=f"{actor.name} marked their query resolved. Thank you.")
    return access.to_view(row, viewer=actor, directory=ctx.directory)


def close(session: Session, *, ctx: Context, row: Escalation, actor: str, reason: CloseReason) -> None:
    """Close a row the caller holds locked (the asker resolving it, or the quiet period ending)."""
    before = {"status": row.status}
    row.status, row.closed_at, row.close_reason = CLOSED, ctx.clock.now(), reason.value
    _audit(session, ctx, row, actor, "closed", before, {"status": CLOSED, "reason": reason.value})


def get(*, ctx: Context, actor: Person, ref: str) -> EscalationView:
    with ctx.db.transaction() as session:
        row = access.check_visible(load(session, ref), actor, ref)
    return access.to_view(row, viewer=actor, directory=ctx.directory)


def list_for(*, ctx: Context, actor: Person, include_closed: bool = True) -> list[EscalationView]:
    query = select(Escalation).where(or_(
        Escalation.asker_email == actor.email, Escalation.recipient_email == actor.email,
        Escalation.overdue_notified_email == actor.email))
    if not include_closed:
        query = query.where(Escalation.status != CLOSED)
    with ctx.db.transaction() as session:
        rows = session.scalars(query.order_by(Escalation.created_at.desc(), Escalation.id.desc())).all()
    return [access.to_view(r, viewer=actor, directory=ctx.directory) for r in rows]


def _for_recipient(session: Session, actor: Person, ref: str) -> Escalation:
    row = access.check_visible(load(session, ref, lock=True), actor, ref)
    if not permissions.may_answer_escalation(actor, row):
        raise PermissionDenied(f"Query {row.ref} is routed to someone else, so only they can act on it.")
    return row
