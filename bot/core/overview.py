"""What is on someone's plate: their open queries, queries waiting for their answer, the open
reports they handle or oversee, the reports they made, the question-bank suggestions they review,
and whether the policies' review status is theirs to watch. The home card shows it."""
from __future__ import annotations

from dataclasses import dataclass

from bot.core.auth import permissions
from bot.core.context import Context
from bot.core.directory.model import Person
from bot.core.escalations import service as escalations
from bot.core.escalations.types import EscalationStatus, EscalationView
from bot.core.reports import service as reports
from bot.core.reports.types import ReportReceipt, ReportStatus, ReportView
from index.types import PolicyInfo


@dataclass(frozen=True)
class Overview:
    person: Person
    asked: tuple[EscalationView, ...]  # their own queries that are not closed
    waiting: tuple[EscalationView, ...]  # open queries routed to them, not yet answered
    reports: tuple[ReportView, ...]  # open reports they handle or oversee
    my_reports: tuple[ReportReceipt, ...]  # reports they made that are not closed
    watches_policy_review: bool
    policies: tuple[PolicyInfo, ...] = ()
    suggestions: int = 0  # question-bank entries waiting for their review (policy owners)

    @property
    def overdue(self) -> int:
        return sum(r.overdue for r in self.reports) + sum(e.overdue for e in self.waiting)


def overview(*, ctx: Context, person: Person, policies: tuple[PolicyInfo, ...] = (), suggestions: int = 0) -> Overview:
    open_escalations = escalations.list_for(ctx=ctx, actor=person, include_closed=False)
    return Overview(
        person=person,
        asked=tuple(e for e in open_escalations if e.asker.email == person.email),
        waiting=tuple(e for e in open_escalations
                      if e.recipient.email == person.email and e.status is EscalationStatus.OPEN),
        reports=tuple(reports.list_for(ctx=ctx, actor=person, include_closed=False)),
        my_reports=tuple(r for r in reports.receipts_for(ctx=ctx, reporter=person)
                         if r.status is not ReportStatus.CLOSED),
        watches_policy_review=permissions.watches_policy_review(person),
        policies=policies,
        suggestions=suggestions,
    )
