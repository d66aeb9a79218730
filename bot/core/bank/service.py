"""Suggesting, reviewing and applying question-bank entries learnt from use.

A suggestion holds the question's words (directory names taken out) and the clause, never who
asked. Only the policy's owner (a directory role, the head teacher by default) approves or
rejects; every decision is in the audit log. Approved entries reach every replica's index
through `LearnedSync`, without a restart.
"""
from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.core.asking.ports import Answerer
from bot.core.audit import service as audit
from bot.core.auth import permissions
from bot.core.bank.types import EntryStatus, EntryView, Source
from bot.core.context import Context
from bot.core.directory import mentions
from bot.core.directory.model import Person
from bot.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from bot.core.storage.db import Database
from bot.core.storage.models import BankEntry
from index.types import Clause, LearnedEntry, PolicyInfo

log = logging.getLogger(__name__)

MAX_QUESTION = 1000


def _key(policy_id: str, question: str, clause_id: str) -> str:
    normal = " ".join(question.lower().split())
    return hashlib.sha256(f"{policy_id}\0{normal}\0{clause_id}".encode()).hexdigest()


def suggest(session: Session, *, ctx: Context, question: str, clause: Clause, source: Source) -> bool:
    """Queue (question, clause) for the owner's review, once; False if it was suggested before."""
    question = mentions.redact(ctx.directory, " ".join((question or "").split()))[:MAX_QUESTION]
    if not question:
        return False
    key = _key(clause.policy_id, question, clause.id)
    if session.scalar(select(BankEntry.id).where(BankEntry.dedupe_key == key)) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(BankEntry(dedupe_key=key, policy_id=clause.policy_id, question=question, clause_id=clause.id,
                                  clause_text=clause.text, source=source.value, status=EntryStatus.PENDING.value,
                                  created_at=ctx.clock.now()))
    except IntegrityError:
        return False  # suggested by a concurrent press
    return True


def _view(row: BankEntry) -> EntryView:
    return EntryView(id=row.id, policy_id=row.policy_id, question=row.question, clause_id=row.clause_id,
                     clause_text=row.clause_text, source=Source(row.source), status=EntryStatus(row.status),
                     created_at=row.created_at, decided_at=row.decided_at, decided_by=row.decided_by)


def _check_owner(actor: Person, policy: PolicyInfo) -> None:
    if not permissions.may_review_bank(actor, policy.maintained_by):
        role = permissions.policy_owner_role(policy.maintained_by).label.lower()
        raise PermissionDenied(f"Only the {policy.title}'s owner (the {role}) can review its question bank.")


def pending(*, ctx: Context, actor: Person, policies: list[PolicyInfo]) -> list[EntryView]:
    """Suggestions awaiting review, for the policies this person owns, oldest first."""
    owned = [p.id for p in policies if permissions.may_review_bank(actor, p.maintained_by)]
    if not owned:
        raise PermissionDenied("Only a policy's owner can review suggested question-bank entries.")
    with ctx.db.transaction() as session:
        rows = session.scalars(select(BankEntry).where(BankEntry.status == EntryStatus.PENDING.value,
                                                       BankEntry.policy_id.in_(owned))
                               .order_by(BankEntry.id)).all()
    return [_view(r) for r in rows]


def decide(*, ctx: Context, actor: Person, entry_id: int, approve: bool, policies: list[PolicyInfo]) -> EntryView:
    by_id = {p.id: p for p in policies}
    now = ctx.clock.now()
    with ctx.db.transaction() as session:
        row = session.scalar(select(BankEntry).where(BankEntry.id == entry_id).with_for_update())
        if row is None or row.policy_id not in by_id:
            raise NotFound(f"There is no suggested entry {entry_id}.")
        _check_owner(actor, by_id[row.policy_id])
        target = EntryStatus.APPROVED if approve else EntryStatus.REJECTED
        if row.status != EntryStatus.PENDING.value:
            if row.status == target.value:
                return _view(row)  # a repeated click: already done
            raise InvalidTransition(f"Entry {entry_id} was already {row.status}.")
        row.status, row.decided_at, row.decided_by = target.value, now, actor.email
        audit.record(session, at=now, actor=actor.email, action=f"bank.{target.value}", subject_type="bank",
                     subject_ref=f"B-{row.id}", before={"status": EntryStatus.PENDING.value},
                     after={"status": target.value, "clause_id": row.clause_id})
        return _view(row)


def add(*, ctx: Context, actor: Person, question: str, clause: Clause, policy: PolicyInfo) -> EntryView:
    """The owner adds an entry directly (approved at once)."""
    _check_owner(actor, policy)
    question = " ".join((question or "").split())
    if not question:
        raise ValidationError("Please give the question.")
    now = ctx.clock.now()
    key = _key(clause.policy_id, question, clause.id)
    with ctx.db.transaction() as session:
        row = session.scalar(select(BankEntry).where(BankEntry.dedupe_key == key).with_for_update())
        if row is None:
            row = BankEntry(dedupe_key=key, policy_id=clause.policy_id, question=question[:MAX_QUESTION],
                            clause_id=clause.id, clause_text=clause.text, source=Source.OWNER.value,
                            status=EntryStatus.PENDING.value, created_at=now)
            session.add(row)
            session.flush()
        if row.status != EntryStatus.APPROVED.value:
            before = row.status
            row.status, row.decided_at, row.decided_by = EntryStatus.APPROVED.value, now, actor.email
            audit.record(session, at=now, actor=actor.email, action="bank.approved", subject_type="bank",
                         subject_ref=f"B-{row.id}", before={"status": before},
                         after={"status": EntryStatus.APPROVED.value, "clause_id": clause.id})
        return _view(row)


def placed(entry: EntryView, answerer: Answerer) -> EntryView:
    """The entry with the clause it points at today (found by its words, as `LearnedSync` finds
    it): its current id and heading, or marked as no longer in the policy."""
    clause = answerer.find_clause(entry.clause_text, entry.policy_id)
    if clause is None:
        return replace(entry, clause_in_policy=False)
    return replace(entry, clause_id=clause.id, clause_heading=clause.heading)


def clause_named(answerer: Answerer, ref: str, policy_id: str | None = None) -> Clause:
    """The one clause `ref` names (an id, or words quoted from it); NotFound or ValidationError
    with the sentence to show when it names none or several."""
    ref = " ".join((ref or "").split())
    if not ref:
        raise ValidationError("Please say which clause answers it: its id (e.g. 2.3.1) or words quoted from it.")
    found = answerer.clauses_named(ref, policy_id)
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFound(f"No clause is numbered {ref!r} or contains those words; `policybot index show` lists them.")
    ids = ", ".join(c.id for c in found[:8]) + (", \u2026" if len(found) > 8 else "")
    raise ValidationError(f"{ref!r} could be any of {len(found)} clauses ({ids}): give one clause id, "
                          "or quote more of its words.")


class LearnedSync:
    """Brings approved entries into the index, checking the database at most every few seconds
    (so another replica's approval takes effect here too, without a restart)."""

    def __init__(self, *, every_seconds: float = 5.0):
        self.every_seconds = every_seconds
        self._last_id = 0
        self._checked = float("-inf")
        self._lock = threading.Lock()

    def refresh(self, *, ctx: Context, answerer: Answerer, force: bool = False) -> int:
        with self._lock:
            if not force and time.monotonic() - self._checked < self.every_seconds:
                return 0
            self._checked = time.monotonic()
            taken, self._last_id = learn_approved(db=ctx.db, answerer=answerer, after_id=self._last_id)
            return taken


def learn_approved(*, db: Database, answerer: Answerer, after_id: int = 0) -> tuple[int, int]:
    """Teach `answerer` the approved entries with ids above `after_id`: (entries taken, the last
    id seen). Also for a one-off process such as `policybot ask` on the server."""
    with db.transaction() as session:
        rows = session.scalars(select(BankEntry).where(BankEntry.status == EntryStatus.APPROVED.value,
                                                       BankEntry.id > after_id)
                               .order_by(BankEntry.id)).all()
    if not rows:
        return 0, after_id
    entries = [e for e in (_anchor(answerer, r) for r in rows) if e is not None]
    return (answerer.learn(entries) if entries else 0), rows[-1].id


def _anchor(answerer: Answerer, row: BankEntry) -> LearnedEntry | None:
    """The entry's clause now, found by its words (ids move when a policy is edited); an entry
    whose clause is gone is left out and logged, never attached to whatever took its id."""
    clause = answerer.find_clause(row.clause_text, row.policy_id)
    if clause is None:
        log.warning("learnt bank entry B-%d: its clause (%s) is no longer in the policy", row.id, row.clause_id)
        return None
    return LearnedEntry(question=row.question, clause_id=clause.id, policy_id=row.policy_id)
