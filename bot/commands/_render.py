"""Core cards in a terminal (rich), and an `Answer` as one line of JSON.

Clause text is quoted verbatim and never parsed as markup (policy text may contain brackets);
wrapped lines are plainly indented, so a quote copied from the terminal is the policy's words.
"""
from __future__ import annotations

import json

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.styled import Styled
from rich.text import Text

from bot.core.asking.types import AskResult
from bot.core.content.answers import answer_card
from bot.core.content.help import greeting_card, help_card, notice_card, thanks_card
from bot.core.content.model import Bullets, Card, Choices, Facts, Paragraph, Quote, Tone
from bot.core.directory.model import Platform
from index.types import Answer, AnswerStatus, Force, SmallTalk

FORCE_STYLE = {
    Force.REQUIREMENT: "bold red",
    Force.RECOMMENDATION: "yellow",
    Force.EXCEPTION: "bold magenta",
    Force.INFORMATION: "cyan",
}
_TONE = {Tone.SUBTLE: "dim", Tone.WARNING: "bold yellow", Tone.ATTENTION: "bold red", Tone.SUCCESS: "green"}


def answer_json(answer: Answer) -> str:
    """One line of JSON (ASCII-escaped, so any terminal or pipe encoding can carry it)."""
    return json.dumps(answer.to_json(), ensure_ascii=True)


def card_for(answer: Answer) -> Card:
    """The card the chat platforms would show for `answer`, for someone with no buttons."""
    if answer.status is AnswerStatus.SMALL_TALK:
        return {SmallTalk.THANKS: thanks_card(), SmallTalk.GREETING: greeting_card(Platform.CLI)}.get(
            answer.small_talk, help_card(Platform.CLI))
    if answer.status is AnswerStatus.EMPTY:
        return notice_card(answer.notice or "Please type a question.")
    return answer_card(AskResult(answer=answer), platform=Platform.CLI)


def render_answer(answer: Answer, console: Console) -> None:
    console.print(card_renderable(card_for(answer)))


def card_renderable(card: Card) -> RenderableType:
    parts: list[RenderableType] = [Text(card.title, style="bold")] if card.title else []
    for block in card.blocks:
        if isinstance(block, Paragraph):
            parts.append(Text(block.text, style=(_TONE.get(block.tone, "") + (" bold" if block.strong else "")).strip()))
        elif isinstance(block, Quote):
            parts.append(_quote(block))
        elif isinstance(block, Facts):
            parts.append(Text("\n").join(Text.assemble((f"{f.label}: ", "bold"), f.value) for f in block.items))
        elif isinstance(block, Bullets):
            parts.append(Text("\n").join(Text.assemble("  \u2022 ", (i, "italic" if block.italic else "")) for i in block.items))
        elif isinstance(block, Choices):
            lines = [Text(block.prompt, style="bold")] + [Text(f"  {n}. {o.label}") for n, o in enumerate(block.options, 1)]
            parts.append(Text("\n").join(lines))
    return Group(*_spaced(parts))


def _quote(block: Quote) -> RenderableType:
    title = Text()
    if block.label:
        title.append(f"{block.label}: ", style="bold")
    if block.title:
        source, _, force = block.title.rpartition(" \u00b7 ")
        if source:
            title.append(source, style="bold")
            title.append(" \u00b7 ")
            style = next((s for f, s in FORCE_STYLE.items() if f.value == force.lower()), "")
            title.append(force.lower(), style=style)
        else:
            title.append(block.title, style="bold")
    quoted = Indented(Text(f"\u201c{block.text}\u201d"))
    group = Group(title, quoted) if title.plain else quoted
    return Styled(group, "dim") if block.muted else group


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


def _spaced(parts: list[RenderableType]) -> list[RenderableType]:
    """A blank line between parts."""
    spaced: list[RenderableType] = []
    for part in parts:
        if spaced:
            spaced.append(Text(""))
        spaced.append(part)
    return spaced
