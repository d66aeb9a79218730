"""What is on someone's plate: their open queries, queries waiting for their answer, the open
reports they handle or oversee, the reports they made, and whether the policies' review status
is theirs to watch. Adapters show it (Slack's App Home); the selection rules live here."""
from __future__ import annotations

from dataclasses import dataclass

from bot.core.context import Context
from bot.core.directory.model import Person, Role
from bot.core.escalations import service as escalations
from bot.core.escalations.types import EscalationStatus, EscalationView
from bot.core.reports import service as reports
from bot.core.reports.types import ReportReceipt, ReportStatus, ReportView

# Policy 1.3: the head teacher (with the deputy) keeps the policy current and its review on time.
_POLICY_OVERSIGHT = {Role.HEAD_TEACHER, Role.DEPUTY}


@dataclass(frozen=True)
class Overview:
    person: Person
    asked: tuple[EscalationView, ...]  # their own queries that are not closed
    waiting: tuple[EscalationView, ...]  # open queries routed to them, not yet answered
    reports: tuple[ReportView, ...]  # open reports they handle or oversee
    my_reports: tuple[ReportReceipt, ...]  # reports they made that are not closed
    watches_policy_review: bool

    @property
    def overdue(self) -> int:
        return sum(r.overdue for r in self.reports) + sum(e.overdue for e in self.waiting)


def overview(*, ctx: Context, person: Person) -> Overview:
    open_escalations = escalations.list_for(ctx=ctx, actor=person, include_closed=False)
    return Overview(
        person=person,
        asked=tuple(e for e in open_escalations if e.asker.email == person.email),
        waiting=tuple(e for e in open_escalations
                      if e.recipient.email == person.email and e.status is EscalationStatus.OPEN),
        reports=tuple(reports.list_for(ctx=ctx, actor=person, include_closed=False)),
        my_reports=tuple(r for r in reports.receipts_for(ctx=ctx, reporter=person)
                         if r.status is not ReportStatus.CLOSED),
        watches_policy_review=person.role in _POLICY_OVERSIGHT,
    )
