"""The answer card: what every surface shows for a question, decided once.

The clause quoted with its section, heading and force; the clauses that qualify it, labelled;
guidance (set apart, never as policy); other relevant clauses, or the nearest ones when the
policy does not cover the question; "Did you mean ...?" choices when two clauses are close;
the policy's review status; one sentence saying what to do next; and the buttons this asker
may press.
"""
from __future__ import annotations

from bot.core.asking.types import AskResult
from bot.core.content.model import Action, ActionStyle, Card, Choices, Paragraph, Quote, Tone
from bot.core.directory.model import Platform
from bot.core.forms import REPORT_OPENER
from bot.core.notifications.actions import ActionId
from index.types import Answer, AnswerStatus, Clause, Force, PolicyInfo, qualifier_label

FORCE_LABELS = {
    Force.REQUIREMENT: "Requirement",
    Force.RECOMMENDATION: "Recommendation",
    Force.EXCEPTION: "Exception",
    Force.INFORMATION: "Information",
}
ESCALATE_LABEL = "Ask my line manager"
CHOICE_LABEL_LIMIT = 70  # Slack's button text limit is 75; Teams wraps choice buttons


def clause_source(clause: Clause) -> str:
    """"2.1 Friends/Befriending" (numbered sections), or the heading alone for keyed ones."""
    title = f"{clause.section} {clause.heading}" if clause.section[:1].isdigit() else clause.heading
    return f"{title} ({clause.group})" if clause.group else title


def clause_title(clause: Clause) -> str:
    return f"{clause_source(clause)} \u00b7 {FORCE_LABELS[clause.force]}"


def clause_quote(clause: Clause, *, label: str = "", muted: bool = False) -> Quote:
    return Quote(text=clause.text, title=clause_title(clause), label=label, muted=muted)


def choice_label(clause: Clause) -> str:
    """A short, distinct button label for a clause: its section and its first words."""
    words, label = clause.text.split(), f"{clause.section if clause.section[:1].isdigit() else clause.heading}:"
    for word in words:
        if len(label) + 1 + len(word) > CHOICE_LABEL_LIMIT - 1:
            return label + "\u2026"
        label += " " + word
    return label


def policy_status(policy: PolicyInfo) -> Paragraph:
    text = (f"{policy.owner} {policy.title} \u00b7 approved {policy.approved} \u00b7 review due "
            f"{policy.review_date}")
    if policy.review_overdue:
        return Paragraph(text + " (overdue for review: if in doubt, check with your line manager)", Tone.WARNING)
    return Paragraph(text + " (in date)", Tone.SUBTLE)


def _offer_value(result: AskResult, **extra: str) -> dict:
    return {"t": result.token or "", **extra}


def answer_card(result: AskResult, *, platform: Platform) -> Card:
    """The card for `result`. Chat platforms get "did you mean" buttons only with a token to name
    the answer by; the command line lists the choices without one."""
    answer = result.answer
    if answer.status is AnswerStatus.ANSWERED and answer.top is not None:
        blocks = list(_answered(answer))
    else:
        blocks = list(_not_covered(answer))
    blocks += [Quote(text=g.text, label=g.label, guidance=True) for g in result.guidance]
    if answer.alternatives and (result.token or platform is Platform.CLI):
        blocks.append(Choices("Did you mean\u2026", tuple(
            Action(ActionId.ANSWER_CHOOSE, choice_label(c), _offer_value(result, c=c.id)) for c in answer.alternatives)))
    if answer.notice:
        blocks.append(Paragraph(answer.notice, Tone.WARNING))
    if answer.status is not AnswerStatus.OFF_TOPIC:
        blocks.append(policy_status(answer.policy))
    step = next_step(result)
    if step:
        blocks.append(Paragraph(step, Tone.SUBTLE))
    title = (f"Answer from the {answer.policy.title}" if answer.answered
             else f"The {answer.policy.title} doesn't cover this")
    summary = (f"{clause_source(answer.top)}: {answer.top.text}" if answer.answered and answer.top
               else f"The {answer.policy.title} doesn't cover this.")
    return Card(title=title, blocks=tuple(blocks), actions=answer_actions(result), summary=summary)


def _answered(answer: Answer) -> list:
    top = answer.top
    blocks: list = []
    if top.context and top.context != top.group:
        blocks.append(Paragraph(f"Under: {top.context}", Tone.SUBTLE))
    blocks.append(clause_quote(top))
    shown = {top.id}
    for qualifier in answer.qualifiers:
        blocks.append(clause_quote(qualifier, label=qualifier_label(top, qualifier)))
        shown.add(qualifier.id)
    offered = {c.id for c in answer.alternatives}
    related = [r.clause for r in answer.ranked[1:] if r.clause.id not in shown | offered]
    if related:
        blocks.append(Paragraph("Also relevant", Tone.SUBTLE, strong=True))
        blocks += [clause_quote(c, muted=True) for c in related]
    return blocks


def _not_covered(answer: Answer) -> list:
    if answer.status is AnswerStatus.OFF_TOPIC:
        return [Paragraph(f"That isn't something I can help with: I answer questions about the school's "
                          f"{answer.policy.title}, by quoting the clause that applies.")]
    blocks: list = [Paragraph("I can't quote a clause that answers this question.")]
    nearest = [r.clause for r in answer.ranked if r.clause.id not in {c.id for c in answer.alternatives}]
    if nearest:
        blocks.append(Paragraph("Closest clauses (not an answer to your question)", Tone.SUBTLE, strong=True))
        blocks += [clause_quote(c, muted=True) for c in nearest]
    return blocks


def next_step(result: AskResult) -> str:
    """One sentence: what this asker can do now. Never mentions a button they do not have."""
    answer = result.answer
    if answer.status is AnswerStatus.OFF_TOPIC:
        return f"Ask me about the {answer.policy.title} in your own words; type \u201chelp\u201d for examples."
    if result.escalation_blocked:
        return result.escalation_blocked
    if not result.escalation_offered:
        # No button here (the command line): still say where such questions go (policy 1.3).
        return "" if answer.answered else "Ask your line manager: questions the policy does not settle go to them first."
    if answer.answered:
        return f"If this doesn't settle it for you, press \u201c{ESCALATE_LABEL}\u201d: your question goes to your line manager."
    return f"Your line manager can help: press \u201c{ESCALATE_LABEL}\u201d to send them your question."


def answer_actions(result: AskResult) -> tuple[Action, ...]:
    answer = result.answer
    actions: list[Action] = []
    if result.token and answer.answered:
        actions += [Action(ActionId.FEEDBACK_HELPFUL, "Helpful", _offer_value(result)),
                    Action(ActionId.FEEDBACK_NOT_HELPFUL, "Not helpful", _offer_value(result))]
    if result.escalation_offered:
        style = ActionStyle.DEFAULT if answer.answered else ActionStyle.PRIMARY
        actions.append(Action(ActionId.ASK_ESCALATE, ESCALATE_LABEL, _offer_value(result), style))
    if result.asker is not None and answer.status is not AnswerStatus.OFF_TOPIC:
        actions.append(REPORT_OPENER)
    return tuple(actions)


def chosen_clause_card(clause: Clause, qualifiers: tuple[Clause, ...], policy: PolicyInfo, *,
                       result: AskResult) -> Card:
    """What replaces an answer when the asker picks another clause: that clause with its qualifiers."""
    blocks: list = [clause_quote(clause)]
    blocks += [clause_quote(q, label=qualifier_label(clause, q)) for q in qualifiers]
    blocks.append(policy_status(policy))
    step = next_step(result)
    if step:
        blocks.append(Paragraph(step, Tone.SUBTLE))
    # The vote was cast on the first answer; the rest of its buttons still apply.
    actions = tuple(a for a in answer_actions(result)
                    if a.id not in (ActionId.FEEDBACK_HELPFUL, ActionId.FEEDBACK_NOT_HELPFUL))
    return Card(title=f"Answer from the {policy.title}", blocks=tuple(blocks), actions=actions,
                summary=f"{clause_source(clause)}: {clause.text}")
