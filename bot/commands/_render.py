"""Show an `Answer` in a terminal (rich) or as one line of JSON.

Clause text is quoted verbatim and never parsed as markup (policy text may contain brackets);
wrapped lines are plainly indented, so a quote copied from the terminal is the policy's words.
"""
from __future__ import annotations

import json

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.styled import Styled
from rich.text import Text

from bot.core.asking import helptext
from index.types import Answer, AnswerStatus, Clause, Force, PolicyInfo, qualifier_label

FORCE_STYLE = {
    Force.REQUIREMENT: "bold red",
    Force.RECOMMENDATION: "yellow",
    Force.EXCEPTION: "bold magenta",
    Force.INFORMATION: "cyan",
}


def answer_json(answer: Answer) -> str:
    """One line of JSON (ASCII-escaped, so any terminal or pipe encoding can carry it)."""
    return json.dumps(answer.to_json(), ensure_ascii=True)


def render_answer(answer: Answer, console: Console) -> None:
    console.print(answer_renderable(answer))


def answer_renderable(answer: Answer) -> RenderableType:
    parts: list[RenderableType] = []
    if answer.notice and answer.status is not AnswerStatus.EMPTY:
        parts.append(Text.assemble(("Note: ", "bold yellow"), answer.notice))
    if answer.status is AnswerStatus.EMPTY:
        parts.append(Text(answer.notice or "Please type a question."))
    elif answer.status is AnswerStatus.SMALL_TALK:
        parts.extend(_help())
    elif answer.status is AnswerStatus.ANSWERED:
        parts.extend(_answered(answer))
    else:
        parts.extend(_not_covered(answer))
    return Group(*_spaced(parts))


def _help() -> list[RenderableType]:
    examples = Text("\n").join(Text.assemble("  • ", (q, "italic")) for q in helptext.EXAMPLE_QUESTIONS)
    return [Text(helptext.INTRO), examples]


def _answered(answer: Answer) -> list[RenderableType]:
    top = answer.top
    assert top is not None
    parts: list[RenderableType] = [
        Text.assemble(("Answer from the ", "bold"), (answer.policy.title, "bold")),
        clause_block(top),
    ]
    shown = {top.id}
    for qualifier in answer.qualifiers:
        parts.append(clause_block(qualifier, label=qualifier_label(top, qualifier)))
        shown.add(qualifier.id)
    others = [r.clause for r in answer.ranked[1:] if r.clause.id not in shown]
    if others:
        parts.append(Group(Text("Also relevant", style="bold dim"),
                           *(clause_block(c, dim=True) for c in others)))
    parts.append(policy_footer(answer.policy))
    return parts


def _not_covered(answer: Answer) -> list[RenderableType]:
    parts: list[RenderableType] = [
        Text.assemble(("The ", "bold"), (answer.policy.title, "bold"), (" does not cover this.", "bold")),
        Text("Please ask your line manager. (In Slack or Teams the bot offers a button that sends them "
             "your question.)"),
    ]
    if answer.ranked:
        parts.append(Group(Text("Closest clauses (not an answer to your question)", style="bold dim"),
                           *(clause_block(r.clause, dim=True) for r in answer.ranked)))
    parts.append(policy_footer(answer.policy))
    return parts


def clause_block(clause: Clause, *, label: str | None = None, dim: bool = False) -> RenderableType:
    """`[label] 2.1 Friends/Befriending · recommendation` over the indented, quoted clause text."""
    title = Text()
    if label:
        title.append(f"{label}: ", style="bold")
    title.append(f"{clause.section} {clause.heading}" if clause.section[:1].isdigit() else clause.heading,
                 style="bold")
    if clause.group:
        title.append(f" ({clause.group})")
    title.append(" · ")
    title.append(clause.force.value, style=FORCE_STYLE[clause.force])
    quote = Indented(Text(f"\u201c{clause.text}\u201d"))
    block = Group(title, quote)
    return Styled(block, "dim") if dim else block


class Indented:
    """Text wrapped to the console and indented, without the trailing padding rich adds to blocks."""

    def __init__(self, text: Text, indent: int = 2):
        self.text = text
        self.indent = indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width - self.indent, 20)
        for line in self.text.wrap(console, width):
            line.rstrip()
            yield Segment(" " * self.indent)
            yield from line.render(console)
            yield Segment.line()


def policy_footer(policy: PolicyInfo) -> Text:
    footer = Text()
    footer.append(f"{policy.title} · approved {policy.approved} · review date {policy.review_date}", style="dim")
    if policy.review_overdue:
        footer.append(" · ", style="dim")
        footer.append(f"review overdue since {policy.review_date}", style="bold red")
    return footer


def _spaced(parts: list[RenderableType]) -> list[RenderableType]:
    """A blank line between parts."""
    spaced: list[RenderableType] = []
    for part in parts:
        if spaced:
            spaced.append(Text(""))
        spaced.append(part)
    return spaced
