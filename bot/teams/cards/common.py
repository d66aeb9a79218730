"""Adaptive Card building blocks shared by the answer, notification and form cards.

Everything that came from a person or from a document (questions, answers, report details,
policy text, names) is rendered as plain text: in a `RichTextBlock`'s `TextRun`, which
Adaptive Cards never parse as Markdown, or, where only a `TextBlock`/`Fact` fits, through
`md_escape`. No card ever carries a mention entity, so `<at>` typed by a user stays text.
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from bot.core.notifications.types import Action, ActionStyle

VERSION = "1.5"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
DATA_KEY = "pb"  # the key our Action.Submit data lives under; form inputs sit beside it

_MD_INLINE = re.compile(r"([\\`*_\[\]<>])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+\.)", re.MULTILINE)


def md_escape(text: str) -> str:
    """Backslash-escape the Markdown subset Teams renders (emphasis, links, lists, headings, tags)."""
    text = _MD_INLINE.sub(r"\\\1", str(text))
    return _MD_LINE_START.sub(lambda m: m.group(1) + re.sub(r"([#>+.-])", r"\\\1", m.group(2)), text)


def card(body: list[dict], actions: Iterable[dict] = ()) -> dict:
    content: dict[str, Any] = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION, "body": body}
    actions = list(actions)
    if actions:
        content["actions"] = actions
    return content


def attachment(content: dict) -> dict:
    return {"contentType": CONTENT_TYPE, "content": content}


def heading(text: str, *, size: str = "Medium") -> dict:
    return {"type": "TextBlock", "text": md_escape(text), "weight": "Bolder", "size": size, "wrap": True}


def note(text: str, *, subtle: bool = True, color: str | None = None) -> dict:
    block: dict[str, Any] = {"type": "TextBlock", "text": md_escape(text), "wrap": True}
    if subtle:
        block["isSubtle"] = True
    if color:
        block["color"] = color
    return block


def plain(text: str, *, italic: bool = False, weight: str | None = None, color: str | None = None,
          subtle: bool = False) -> dict:
    """Literal text (never Markdown): a RichTextBlock holding one TextRun."""
    run: dict[str, Any] = {"type": "TextRun", "text": str(text)}
    if italic:
        run["italic"] = True
    if weight:
        run["weight"] = weight
    if color:
        run["color"] = color
    if subtle:
        run["isSubtle"] = True
    return {"type": "RichTextBlock", "inlines": [run]}


def quote(text: str, *, label: str | None = None, style: str = "emphasis") -> dict:
    """A quoted passage (policy text, a question, guidance) set apart in an emphasis container."""
    items: list[dict] = []
    if label:
        items.append(note(label))
    items.append(plain(f"\u201c{text}\u201d", italic=True))
    return {"type": "Container", "style": style, "items": items}


def facts(pairs: Iterable[tuple[str, str]]) -> dict | None:
    rows = [{"title": md_escape(title), "value": md_escape(value)} for title, value in pairs if value]
    return {"type": "FactSet", "facts": rows} if rows else None


def submit_data(action_id: str, value: Mapping[str, str] | None = None, **extra: Any) -> dict:
    data: dict[str, Any] = {"action": action_id, "value": dict(value or {})}
    data.update({k: v for k, v in extra.items() if v is not None})
    return {DATA_KEY: data}


def submit(title: str, data: dict, *, style: str | None = None) -> dict:
    action: dict[str, Any] = {"type": "Action.Submit", "title": title, "data": data}
    if style in ("positive", "destructive"):
        action["style"] = style
    return action


def action_style(style: ActionStyle) -> str | None:
    return {ActionStyle.PRIMARY: "positive", ActionStyle.DANGER: "destructive"}.get(style)


def core_submit(action: Action, *, title: str | None = None, form: str | None = None,
                preset: Mapping[str, str] | None = None, **extra: Any) -> dict:
    """An `Action.Submit` for a core `Action`: the id and value go back to `Assistant.perform`.

    `form` names the FormSpec whose inputs this button submits (they arrive beside the data);
    `preset` fixes some of its values (e.g. a checkbox rendered as its own button).
    """
    data = submit_data(action.id.value, action.value, form=form, preset=dict(preset) if preset else None, **extra)
    return submit(title or action.label, data, style=action_style(action.style))


def compact(items: Iterable[dict | None]) -> list[dict]:
    return [item for item in items if item]
