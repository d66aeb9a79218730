"""Block Kit building blocks with Slack's size limits applied."""
from __future__ import annotations

import json
from typing import Any, Iterable, Mapping

from bot.core.notifications.types import Action, ActionStyle
from bot.slack.escape import escape, truncate

SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
HEADER_LIMIT = 150
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
OPTION_TEXT_LIMIT = 75
MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100
FALLBACK_LIMIT = 3000

Block = dict[str, Any]


def plain(text: str, limit: int = SECTION_LIMIT) -> dict:
    return {"type": "plain_text", "text": truncate(text or " ", limit), "emoji": True}


def mrkdwn(text: str, limit: int = SECTION_LIMIT) -> dict:
    """`text` must already be escaped (it may contain our own *bold* and > quotes)."""
    return {"type": "mrkdwn", "text": truncate(text or " ", limit)}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, HEADER_LIMIT)}


def section(text: str) -> list[Block]:
    """One or more section blocks for already-escaped mrkdwn, split at line breaks under the limit."""
    chunks: list[str] = []
    current = ""
    for line in (text or " ").split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= SECTION_LIMIT:
            current = candidate
            continue
        if current:
            chunks.append(current)
        current = line if len(line) <= SECTION_LIMIT else truncate(line, SECTION_LIMIT)
    chunks.append(current or " ")
    return [{"type": "section", "text": mrkdwn(chunk)} for chunk in chunks]


def fields_section(pairs: Iterable[tuple[str, str]]) -> list[Block]:
    """Label/value pairs (plain text; escaped here) as section fields, 10 per block."""
    items = [mrkdwn(f"*{escape(label)}*\n{escape(value) or '—'}", FIELD_LIMIT) for label, value in pairs]
    return [{"type": "section", "fields": items[i:i + 10]} for i in range(0, len(items), 10)]


def context(*texts: str) -> Block:
    """A context block of already-escaped mrkdwn snippets (at most 10)."""
    return {"type": "context", "elements": [mrkdwn(t) for t in texts if t][:10] or [mrkdwn(" ")]}


def divider() -> Block:
    return {"type": "divider"}


def button(action_id: str, label: str, value: Mapping[str, Any] | str | None = None,
           style: ActionStyle | str = ActionStyle.DEFAULT) -> dict:
    element: dict[str, Any] = {"type": "button", "action_id": action_id[:255], "text": plain(label, BUTTON_TEXT_LIMIT)}
    if value is not None:
        encoded = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        if len(encoded) > BUTTON_VALUE_LIMIT:
            raise ValueError(f"button value for {action_id} is {len(encoded)} characters (limit {BUTTON_VALUE_LIMIT})")
        element["value"] = encoded
    style = ActionStyle(style)
    if style is not ActionStyle.DEFAULT:
        element["style"] = style.value
    return element


def core_button(action: Action, index: int = 0) -> dict:
    """A core `Action` as a button: action_id `<id>#<n>` (unique per message), value = JSON of `action.value`."""
    return button(f"{action.id.value}#{index}", action.label, dict(action.value), action.style)


def actions(elements: list[dict], block_id: str | None = None) -> list[Block]:
    """Buttons in action blocks (Slack allows 25 elements per block)."""
    blocks = []
    for i in range(0, len(elements), 25):
        block: Block = {"type": "actions", "elements": elements[i:i + 25]}
        if block_id:
            block["block_id"] = f"{block_id}{i // 25 or ''}"
        blocks.append(block)
    return blocks


def fit(blocks: list[Block], limit: int = MESSAGE_BLOCK_LIMIT, *, keep_last: int = 1) -> list[Block]:
    """At most `limit` blocks; if cut, the last `keep_last` blocks (the buttons) are kept."""
    if len(blocks) <= limit:
        return blocks
    tail = blocks[-keep_last:] if keep_last else []
    head = blocks[: limit - len(tail) - 1]
    return head + [context("_…shortened to fit in one Slack message._")] + tail


def parse_action_id(action_id: str) -> str:
    """`escalation.answer#2` → `escalation.answer`."""
    return action_id.split("#", 1)[0]
