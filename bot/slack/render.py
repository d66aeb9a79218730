"""Core cards as Block Kit, built with slack_sdk's models (their validators check Slack's limits;
text people typed is escaped and cut to fit first, so a long message never breaks a card)."""
from __future__ import annotations

import json
from typing import Any, Sequence

from slack_sdk.models.blocks import (
    ActionsBlock, Block, ButtonElement, ContextBlock, HeaderBlock, MarkdownTextObject, PlainTextObject, SectionBlock,
)

from bot.core.content.model import Action, ActionStyle, Bullets, Card, Choices, Facts, Paragraph, Quote, Tone
from bot.slack.escape import escape, quote, truncate

MESSAGE_BLOCK_LIMIT = 50
FIELD_LIMIT = 2000
ACTIONS_BLOCK = "card_actions"
_SECTION = SectionBlock.text_max_length
_TONE_MARK = {Tone.WARNING: ":warning: ", Tone.ATTENTION: ":x: ", Tone.SUCCESS: ":white_check_mark: "}
_STYLE = {ActionStyle.PRIMARY: "primary", ActionStyle.DANGER: "danger"}


def _mrkdwn(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=truncate(text or " ", _SECTION))


def sections(text: str) -> list[Block]:
    """Already-escaped mrkdwn as one or more sections, split at line breaks under Slack's limit."""
    chunks: list[str] = []
    current = ""
    for line in (text or " ").split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= _SECTION:
            current = candidate
            continue
        if current:
            chunks.append(current)
        current = line if len(line) <= _SECTION else truncate(line, _SECTION)
    chunks.append(current or " ")
    return [SectionBlock(text=_mrkdwn(chunk)) for chunk in chunks]


def context(*texts: str) -> ContextBlock:
    return ContextBlock(elements=[_mrkdwn(t) for t in texts if t][:10] or [_mrkdwn(" ")])


def button(action: Action, index: int) -> ButtonElement:
    """A core action: action_id `<id>#<n>` (unique within a message), value = its value as JSON."""
    value = json.dumps(dict(action.value), ensure_ascii=False, separators=(",", ":"))
    return ButtonElement(text=PlainTextObject(text=truncate(action.label, ButtonElement.text_max_length), emoji=True),
                         action_id=f"{action.id.value}#{index}", value=value, style=_STYLE.get(action.style))


def _paragraph(block: Paragraph) -> list[Block]:
    text = escape(block.text)
    if block.strong:
        text = f"*{text}*"
    text = _TONE_MARK.get(block.tone, "") + text
    if block.tone is Tone.SUBTLE:
        return [context(truncate(text, _SECTION))]
    return sections(text)


def _quote(block: Quote) -> list[Block]:
    head = " \u00b7 ".join(p for p in (f"*{escape(block.label)}:*" if block.label else "",
                                       f"*{escape(block.title)}*" if block.title else "") if p)
    if block.guidance:
        head = f":bulb: {head}"
    if block.muted:
        return [context(truncate(f"{head}\n{escape(block.text)}".strip(), _SECTION))]
    return sections(f"{head}\n{quote(block.text)}" if head else quote(block.text))


def _facts(block: Facts) -> list[Block]:
    items = [_mrkdwn(truncate(f"*{escape(f.label)}*\n{escape(f.value) or '—'}", FIELD_LIMIT)) for f in block.items]
    return [SectionBlock(fields=items[i:i + 10]) for i in range(0, len(items), 10)]


def _choices(block: Choices, start: int) -> list[Block]:
    found: list[Block] = sections(f"*{escape(block.prompt)}*") if block.prompt else []
    return found + [ActionsBlock(elements=[button(a, start + i) for i, a in enumerate(block.options)][:25],
                                 block_id=f"choices_{start}")]


def card_blocks(card: Card) -> list[dict[str, Any]]:
    """The blocks of `card`, at most 50 (a cut card keeps its buttons)."""
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=truncate(card.title, HeaderBlock.text_max_length),
                                                            emoji=True))] if card.title else []
    index = 0
    for block in card.blocks:
        if isinstance(block, Paragraph):
            blocks += _paragraph(block)
        elif isinstance(block, Quote):
            blocks += _quote(block)
        elif isinstance(block, Facts):
            blocks += _facts(block)
        elif isinstance(block, Bullets):
            lines = [f"\u2022 _{escape(i)}_" if block.italic else f"\u2022 {escape(i)}" for i in block.items]
            blocks += sections("\n".join(lines))
        elif isinstance(block, Choices):
            blocks += _choices(block, index)
            index += len(block.options)
    tail: list[Block] = []
    if card.actions:
        tail = [ActionsBlock(elements=[button(a, index + i) for i, a in enumerate(card.actions)][:25],
                             block_id=ACTIONS_BLOCK)]
    if len(blocks) + len(tail) > MESSAGE_BLOCK_LIMIT:
        blocks = blocks[: MESSAGE_BLOCK_LIMIT - len(tail) - 1] + [context("_\u2026shortened to fit in one Slack message._")]
    return [b.to_dict() for b in blocks + tail]


def fallback(card: Card) -> str:
    """The message's `text`: shown in notifications and read by screen readers."""
    return truncate(escape(card.summary or card.title or card.plain_text()), 3000)


def render(card: Card) -> tuple[str, list[dict[str, Any]]]:
    return fallback(card), card_blocks(card)


def action_value(raw: str | None) -> dict:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def parse_action_id(action_id: str) -> str:
    """`escalation.answer#2` -> `escalation.answer`."""
    return str(action_id or "").split("#", 1)[0]


def buttons_of(blocks: Sequence[dict]) -> list[dict]:
    return [e for b in blocks if b.get("type") == "actions" for e in b.get("elements", [])]
