"""The home card (Slack's App Home tab): how to use the bot and what is waiting for this person."""
from __future__ import annotations

from bot.core.content.answers import policy_status
from bot.core.content.help import EXAMPLE_QUESTIONS, HOW_TO, INTRO
from bot.core.content.items import day
from bot.core.content.model import Action, Bullets, Card, Paragraph, Tone
from bot.core.directory.model import Platform, Role
from bot.core.forms import REPORT_OPENER
from bot.core.escalations.types import EscalationStatus, EscalationView
from bot.core.notifications.actions import ActionId
from bot.core.overview import Overview
from bot.core.reports.types import ReportStatus, ReportView
from index.types import PolicyInfo

SHOWN = 10  # items per list; the rest are counted


def _listing(title: str, lines: list[str], empty: str | None) -> list:
    if not lines and empty is None:
        return []
    blocks: list = [Paragraph(title, strong=True)]
    if not lines:
        return blocks + [Paragraph(empty, Tone.SUBTLE)]
    blocks.append(Bullets(tuple(lines[:SHOWN])))
    if len(lines) > SHOWN:
        blocks.append(Paragraph(f"\u2026and {len(lines) - SHOWN} more.", Tone.SUBTLE))
    return blocks


def _escalation_line(item: EscalationView, *, other: str) -> str:
    status = {EscalationStatus.OPEN: "waiting for an answer", EscalationStatus.ANSWERED: "answered",
              EscalationStatus.CLOSED: "closed"}[item.status]
    flag = " \u2014 overdue" if item.overdue else ""
    question = item.question if len(item.question) <= 150 else item.question[:149] + "\u2026"
    return f"{item.ref} ({status}, {day(item.created_at)}){flag} {other}: {question}"


def _report_line(item: ReportView) -> str:
    if item.overdue:
        flag = " \u2014 overdue: not acknowledged after a reminder"
    elif item.status is ReportStatus.RECEIVED:
        flag = " \u00b7 not acknowledged yet"
    else:
        flag = ""
    return (f"{item.ref} {item.category.short_label} \u00b7 {item.status.value} \u00b7 received "
            f"{day(item.created_at)} \u00b7 with {item.recipient.name}{flag}")


def home_card(overview: Overview | None, *, platform: Platform, policies: tuple[PolicyInfo, ...],
              notice: str | None = None) -> Card:
    person = overview.person if overview else None
    greeting = f"Hello {person.name.split()[0]}" if person else "Hello"
    blocks: list = [Paragraph(INTRO), Bullets(EXAMPLE_QUESTIONS, italic=True), Paragraph(HOW_TO[platform], Tone.SUBTLE)]
    if notice:
        blocks.append(Paragraph(notice, Tone.WARNING))
    actions: tuple[Action, ...] = ()
    if overview is not None:
        blocks += _listing("Waiting for your answer",
                           [_escalation_line(e, other=f"from {e.asker.name}") for e in overview.waiting],
                           "Nothing is waiting for you." if person.role is not Role.STAFF else None)
        blocks += _listing("Your questions to your line manager",
                           [_escalation_line(e, other=f"with {e.recipient.name}") for e in overview.asked],
                           "You have no open questions.")
        if overview.reports or overview.watches_policy_review:
            overdue = sum(1 for r in overview.reports if r.overdue)
            title = "Open reports" + (f" ({overdue} overdue)" if overdue else "")
            blocks += _listing(title, [_report_line(r) for r in overview.reports], "No open reports.")
        blocks += _listing("Reports you made",
                           [f"{r.ref} {r.category.short_label} \u00b7 {r.status.value} \u00b7 {day(r.created_at)}"
                            for r in overview.my_reports], None)
        if overview.suggestions:
            blocks.append(Paragraph(f"{overview.suggestions} suggested question-bank "
                                    f"entr{'y' if overview.suggestions == 1 else 'ies'} to review.", strong=True))
        actions = (REPORT_OPENER,)
        if overview.suggestions:
            actions += (Action(ActionId.BANK_REVIEW, "Review suggestions", {}),)
    if policies:
        blocks.append(Paragraph("Policies I answer from", strong=True))
        blocks += [policy_status(p) for p in policies]
        overdue = [p for p in policies if p.review_overdue]
        if overdue and overview is not None and overview.watches_policy_review:
            blocks.append(Paragraph(", ".join(p.title for p in overdue)
                                    + " passed its review date: please arrange the review.", Tone.WARNING))
    return Card(title=f"{greeting}: ask me about school policy", blocks=tuple(blocks), actions=actions,
                summary="policybot home")
