"""The App Home tab: how to use the bot, and what is waiting for this person."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.core.directory.model import Person, Role
from bot.core.escalations.types import EscalationStatus, EscalationView
from bot.core.reports.types import ReportReceipt, ReportStatus, ReportView
from bot.slack.blocks.answer import HELP_TEXT, policy_line
from bot.slack.blocks.common import VIEW_BLOCK_LIMIT, Block, context, divider, fit, header, section
from bot.slack.escape import escape, truncate
from index.types import PolicyInfo

SHOWN = 10  # items per list; the rest are counted


@dataclass(frozen=True)
class HomeData:
    person: Person | None
    asked: list[EscalationView] = field(default_factory=list)       # their own open queries
    waiting: list[EscalationView] = field(default_factory=list)     # queries routed to them, unanswered
    reports: list[ReportView] = field(default_factory=list)         # open reports they handle or oversee
    my_reports: list[ReportReceipt] = field(default_factory=list)   # reports they made
    policies: list[PolicyInfo] = field(default_factory=list)
    show_policy_status: bool = False
    notice: str | None = None


def _date(value: datetime | None) -> str:
    return f"{value:%-d %b %Y}" if value else ""


def _listing(title: str, lines: list[str], empty: str | None) -> list[Block]:
    if not lines and empty is None:
        return []
    blocks: list[Block] = [divider(), *section(f"*{title}*")]
    if not lines:
        return blocks + [context(empty)]
    blocks += section("\n".join(lines[:SHOWN]))
    if len(lines) > SHOWN:
        blocks.append(context(f"…and {len(lines) - SHOWN} more."))
    return blocks


def _escalation_line(item: EscalationView, *, other: str) -> str:
    status = {EscalationStatus.OPEN: "waiting for an answer", EscalationStatus.ANSWERED: "answered",
              EscalationStatus.CLOSED: "closed"}[item.status]
    flag = " :warning: *overdue*" if item.overdue else ""
    return (f"• *{escape(item.ref)}* ({status}, {_date(item.created_at)}){flag} {escape(other)}: "
            f"_{escape(truncate(item.question, 150))}_")


def _report_line(item: ReportView) -> str:
    if item.overdue:
        flag = " :warning: *overdue: not acknowledged after a reminder*"
    elif item.status is ReportStatus.RECEIVED:
        flag = " · not acknowledged yet"
    else:
        flag = ""
    return (f"• *{escape(item.ref)}* {escape(item.category.label)} · {item.status.value} · received "
            f"{_date(item.created_at)} · with {escape(item.recipient.name)}{flag}")


def home_view(data: HomeData) -> dict:
    person = data.person
    greeting = f"Hello {person.name.split()[0]}" if person else "Hello"
    blocks: list[Block] = [header(f"{greeting}: ask me about school policy"), *section(HELP_TEXT)]
    if data.notice:
        blocks.append(context(escape(data.notice)))
    if person is not None:
        blocks += _listing("Waiting for your answer",
                           [_escalation_line(e, other=f"from {e.asker.name}") for e in data.waiting],
                           "Nothing is waiting for you." if person.role is not Role.STAFF else None)
        blocks += _listing("Your questions to your line manager",
                           [_escalation_line(e, other=f"with {e.recipient.name}") for e in data.asked],
                           "You have no open questions.")
        if data.reports or data.show_policy_status:
            overdue = sum(1 for r in data.reports if r.overdue)
            title = "Open reports" + (f" ({overdue} overdue)" if overdue else "")
            blocks += _listing(title, [_report_line(r) for r in data.reports], "No open reports.")
        blocks += _listing("Reports you made",
                           [f"• *{escape(r.ref)}* {escape(r.category.label)} · {r.status.value} · "
                            f"{_date(r.created_at)}" for r in data.my_reports], None)
    if data.policies:
        blocks += [divider(), *section("*Policies I answer from*")]
        for policy in data.policies:
            blocks.append(context(policy_line(policy)))
        overdue = [p for p in data.policies if p.review_overdue]
        if overdue and data.show_policy_status:
            blocks.append(context(":warning: " + ", ".join(escape(p.title) for p in overdue)
                                  + " passed its review date: please arrange the review."))
    return {"type": "home", "blocks": fit(blocks, VIEW_BLOCK_LIMIT, keep_last=0)}
