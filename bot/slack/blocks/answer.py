"""An `AskResult` as a Block Kit message: the clause quoted, qualifiers, guidance, policy, buttons."""
from __future__ import annotations

import json

from bot.core.asking import helptext
from bot.core.asking.types import AskResult
from bot.core.notifications.actions import ActionId
from bot.slack.blocks.common import (
    BUTTON_VALUE_LIMIT, Block, actions, button, context, divider, fit, section,
)
from bot.slack.escape import escape, quote, truncate
from index.types import AnswerStatus, Clause, Force, PolicyInfo, qualifier_label

FORCE_LABELS = {
    Force.REQUIREMENT: "Requirement",
    Force.RECOMMENDATION: "Recommendation",
    Force.EXCEPTION: "Exception",
    Force.INFORMATION: "Information",
}

FEEDBACK_HELPFUL = "feedback.helpful"
FEEDBACK_NOT_HELPFUL = "feedback.not_helpful"

HELP_TEXT = (
    helptext.INTRO + "\n" + "\n".join(f"\u2022 _{q}_" for q in helptext.EXAMPLE_QUESTIONS) + "\n"
    "Message me directly, mention me in a channel (I reply in a thread), or use `/policy your question` "
    "(only you see the answer). If the policy doesn't settle it, press *Ask my line manager*. "
    "To report a concern in confidence, use `/policy-report` or the *Report a concern* shortcut."
)


def clause_heading(clause: Clause) -> str:
    force = FORCE_LABELS.get(clause.force, clause.force.value.title())
    return f"*{escape(clause.section)} {escape(clause.heading)}* · _{force}_"


def policy_line(policy: PolicyInfo) -> str:
    status = "overdue for review" if policy.review_overdue else "in date"
    return (f":page_facing_up: {escape(policy.owner)} *{escape(policy.title)}* · approved {escape(policy.approved)}"
            f" · review due {escape(policy.review_date)} ({status})")


def escalate_value(result: AskResult) -> str:
    """What the "Ask my line manager" button carries: the question and the clauses shown."""
    clause_ids = [r.clause.id for r in result.answer.ranked]
    question = result.answer.question
    while True:
        encoded = json.dumps({"q": question, "c": clause_ids}, ensure_ascii=False, separators=(",", ":"))
        if len(encoded) <= BUTTON_VALUE_LIMIT:
            return encoded
        question = truncate(question, max(50, len(question) - (len(encoded) - BUTTON_VALUE_LIMIT) - 10))


def render_answer(result: AskResult) -> tuple[str, list[Block]]:
    """(fallback text, blocks) for an answer."""
    answer = result.answer
    blocks: list[Block] = []
    if answer.status in (AnswerStatus.SMALL_TALK, AnswerStatus.EMPTY):
        text = escape(answer.notice) if answer.notice and answer.status is AnswerStatus.EMPTY else HELP_TEXT
        blocks += section(text)
        return "How to ask me about the policy", blocks
    if answer.answered and answer.top is not None:
        top = answer.top
        fallback = escape(f"{top.section} {top.heading}: {top.text}")
        blocks += section(f"{clause_heading(top)}\n{quote(top.text)}")
        if top.context:
            blocks.append(context(f"Under: {escape(top.context)}"))
        for clause in answer.qualifiers:
            label = escape(qualifier_label(top, clause))
            blocks += section(f"*{label}:* {clause_heading(clause)}\n{quote(clause.text)}")
        shown = {top.id, *(c.id for c in answer.qualifiers)}
        related = [r.clause for r in answer.ranked[1:] if r.clause.id not in shown]
        if related:
            blocks.append(context("Also relevant: " + " · ".join(
                f"*{escape(c.section)}* {escape(c.heading)}" for c in related)))
    else:
        fallback = escape(f"The {answer.policy.title} doesn't cover this.")
        blocks += section(
            f"The *{escape(answer.policy.title)}* doesn't cover this question, so I can't quote a clause for it."
            + ("\nYour line manager can help: press *Ask my line manager*." if result.escalation_offered else "")
        )
    for item in result.guidance:
        blocks.append(divider())
        blocks.append(context(f":bulb: *{escape(item.label)}*"))
        blocks += section(quote(item.text))
    blocks.append(context(policy_line(answer.policy)))
    if answer.notice:
        blocks.append(context(f":information_source: {escape(answer.notice)}"))
    if result.escalation_unavailable_reason:
        blocks.append(context(escape(result.escalation_unavailable_reason)))
    blocks += actions(_buttons(result), block_id="answer_actions")
    return truncate(fallback, 3000), fit(blocks)


def _buttons(result: AskResult) -> list[dict]:
    answer = result.answer
    top = answer.top.id if answer.answered and answer.top else ""
    feedback = {"c": top, "p": answer.policy.id}
    elements = []
    if answer.answered:
        elements += [button(FEEDBACK_HELPFUL, "Helpful", feedback), button(FEEDBACK_NOT_HELPFUL, "Not helpful", feedback)]
    for action in result.actions:
        if action.id is ActionId.ASK_ESCALATE:
            elements.append(button(action.id.value, action.label, escalate_value(result), action.style))
        else:
            elements.append(button(action.id.value, action.label, dict(action.value), action.style))
    return elements
