"""An `AskResult` as an Adaptive Card: the clause quoted, its section, heading and force,
qualifying clauses, manager guidance (set apart, never as policy), the policy's review status,
and the buttons "Helpful", "Not helpful", "Ask my line manager" (and "Report a concern")."""
from __future__ import annotations

from bot.core.asking import helptext
from bot.core.asking.types import AskResult, GuidanceView
from bot.core.notifications.actions import ActionId
from bot.teams.cards.common import (
    attachment, card, core_submit, heading, note, plain, quote, submit, submit_data,
)
from index.types import Answer, AnswerStatus, Clause, PolicyInfo, qualifier_label

FEEDBACK = "feedback"  # the card button for Assistant.record_feedback

COMMANDS_TEXT = 'Type "report" to report a concern in confidence, or "my queries" to see your questions to your line manager.'


def answer_card(result: AskResult) -> dict:
    answer = result.answer
    if answer.status is AnswerStatus.EMPTY:
        return card([plain(answer.notice or "Please type a question.")])
    if answer.status is AnswerStatus.SMALL_TALK:
        return help_card()
    body: list[dict] = []
    if answer.notice:
        body.append(note(f"Note: {answer.notice}", subtle=False, color="Warning"))
    body += _answered(answer) if answer.status is AnswerStatus.ANSWERED else _not_covered(answer)
    body += [_guidance(g) for g in result.guidance]
    if result.escalation_unavailable_reason:
        body.append(note(result.escalation_unavailable_reason))
    body.append(policy_status(answer.policy))
    return card(body, _actions(result))


def answer_attachment(result: AskResult) -> dict:
    return attachment(answer_card(result))


def help_card() -> dict:
    body = [plain(helptext.INTRO)] + [plain(f"\u2022 {q}", italic=True) for q in helptext.EXAMPLE_QUESTIONS]
    return card(body + [note(COMMANDS_TEXT)])


def _answered(answer: Answer) -> list[dict]:
    top = answer.top
    assert top is not None
    body = [heading(f"Answer from the {answer.policy.title}"), *clause_block(top)]
    shown = {top.id}
    for qualifier in answer.qualifiers:
        body += clause_block(qualifier, label=qualifier_label(top, qualifier))
        shown.add(qualifier.id)
    others = [r.clause for r in answer.ranked[1:] if r.clause.id not in shown]
    if others:
        body.append(note("Also relevant"))
        for clause in others:
            body += clause_block(clause, style="default")
    return body


def _not_covered(answer: Answer) -> list[dict]:
    body = [
        heading(f"The {answer.policy.title} does not cover this."),
        plain('Please ask your line manager: the "Ask my line manager" button sends them your question.'),
    ]
    if answer.ranked:
        body.append(note("Closest clauses (not an answer to your question)"))
        for ranked in answer.ranked:
            body += clause_block(ranked.clause, style="default")
    return body


def clause_title(clause: Clause) -> str:
    title = f"{clause.section} {clause.heading}" if clause.section[:1].isdigit() else clause.heading
    if clause.group:
        title += f" ({clause.group})"
    return f"{title} \u00b7 {clause.force.value}"


def clause_block(clause: Clause, *, label: str | None = None, style: str = "emphasis") -> list[dict]:
    title = f"{label}: {clause_title(clause)}" if label else clause_title(clause)
    return [plain(title, weight="Bolder"), quote(clause.text, style=style)]


def _guidance(item: GuidanceView) -> dict:
    return {"type": "Container", "style": "accent", "items": [note(item.label, subtle=False), plain(item.text)]}


def policy_status(policy: PolicyInfo) -> dict:
    text = f"{policy.title}: approved {policy.approved}, next review {policy.review_date}."
    if policy.review_overdue:
        return note(text + " This policy is overdue for review; check with your line manager if in doubt.",
                    subtle=False, color="Attention")
    return note(text)


def _actions(result: AskResult) -> list[dict]:
    answer = result.answer
    actions: list[dict] = []
    if answer.status in (AnswerStatus.ANSWERED, AnswerStatus.NOT_COVERED):
        top = answer.top.id if answer.top else ""
        actions += [
            submit("Helpful", submit_data(FEEDBACK, {"helpful": "true", "clause": top})),
            submit("Not helpful", submit_data(FEEDBACK, {"helpful": "false", "clause": top})),
        ]
    for action in result.actions:
        if action.id is ActionId.ASK_ESCALATE:
            # The adapter keeps the question: it travels in the button's data.
            actions.append(core_submit(action, question=answer.question,
                                       clause_ids=[r.clause.id for r in answer.ranked]))
        else:
            actions.append(core_submit(action))
    return actions
