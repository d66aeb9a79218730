"""Core `FormSpec`s as Slack modals, and modal state back into the values the core expects."""
from __future__ import annotations

import json
from typing import Any, Mapping

from bot.core.forms import FieldKind, FormField, FormSpec
from bot.slack.blocks.common import OPTION_TEXT_LIMIT, Block, context, fit, plain, section, VIEW_BLOCK_LIMIT
from bot.slack.escape import escape, truncate

# Slack's plain_text_input accepts at most 3000 characters.
INPUT_MAX = 3000
TITLE_LIMIT = 24
PRIVATE_METADATA_LIMIT = 3000
CALLBACK_PREFIX = "form:"


def _element(field: FormField) -> dict:
    action_id = field.name
    if field.kind in (FieldKind.TEXT, FieldKind.MULTILINE):
        element: dict[str, Any] = {"type": "plain_text_input", "action_id": action_id,
                                   "multiline": field.kind is FieldKind.MULTILINE}
        element["max_length"] = min(field.max_length or INPUT_MAX, INPUT_MAX)
        return element
    if field.kind is FieldKind.SELECT:
        return {"type": "static_select", "action_id": action_id, "placeholder": plain("Choose one", 150),
                "options": [{"text": plain(o.label, OPTION_TEXT_LIMIT), "value": o.value} for o in field.options]}
    if field.kind is FieldKind.PEOPLE:
        return {"type": "multi_users_select", "action_id": action_id, "placeholder": plain("Choose people", 150)}
    if field.kind is FieldKind.CHECKBOX:
        return {"type": "checkboxes", "action_id": action_id,
                "options": [{"text": plain(field.label, OPTION_TEXT_LIMIT), "value": "true"}]}
    raise ValueError(f"unknown field kind {field.kind}")


def _input(field: FormField) -> Block:
    block: Block = {"type": "input", "block_id": field.name, "label": plain(field.label, 2000),
                    "optional": not field.required, "element": _element(field)}
    if field.hint:
        block["hint"] = plain(field.hint, 2000)
    return block


NEXT_STEP = "next_step"
ANSWER_CHOICE = "answer"


def next_step_block(label: str, alternatives: list[str]) -> Block:
    """Radio buttons: do what the form says (the default), or one of the card's other buttons instead."""
    options = [{"text": plain(label, OPTION_TEXT_LIMIT), "value": ANSWER_CHOICE}]
    options += [{"text": plain(text, OPTION_TEXT_LIMIT), "value": f"alt:{i}"} for i, text in enumerate(alternatives)]
    return {"type": "input", "block_id": NEXT_STEP, "label": plain("What next?", 2000), "optional": True,
            "element": {"type": "radio_buttons", "action_id": NEXT_STEP, "options": options,
                        "initial_option": options[0]}}


def chosen_alternative(state: Mapping[str, Any]) -> int | None:
    """Index of the alternative picked in `next_step_block`, or None for the default."""
    entry = ((state.get("values") or {}).get(NEXT_STEP) or {}).get(NEXT_STEP) or {}
    value = (entry.get("selected_option") or {}).get("value") or ""
    return int(value[4:]) if value.startswith("alt:") and value[4:].isdigit() else None


def form_modal(form: FormSpec, *, metadata: Mapping[str, Any] | None = None, preface: str | None = None,
               extra: list[Block] | None = None) -> dict:
    """A modal view for `form`. `metadata` comes back on submission (as `private_metadata`).

    `preface` is already-escaped mrkdwn shown above the intro (e.g. the query being answered);
    `extra` blocks go after the form's fields.
    """
    encoded = json.dumps(dict(metadata or {}), separators=(",", ":"))
    if len(encoded) > PRIVATE_METADATA_LIMIT:
        raise ValueError("modal metadata too large")
    blocks: list[Block] = []
    if preface:
        blocks += section(preface)
    if form.intro:
        blocks.append(context(escape(form.intro)))
    blocks += [_input(f) for f in form.fields]
    blocks += extra or []
    return {
        "type": "modal",
        "callback_id": CALLBACK_PREFIX + form.name,
        "title": plain(form.title, TITLE_LIMIT),
        "submit": plain(form.submit_label, TITLE_LIMIT),
        "close": plain("Cancel", TITLE_LIMIT),
        "private_metadata": encoded,
        "blocks": fit(blocks, VIEW_BLOCK_LIMIT, keep_last=0),
    }


def done_modal(title: str, text: str) -> dict:
    """A modal that replaces a submitted form to confirm what happened (text already escaped)."""
    return {"type": "modal", "title": plain(title, TITLE_LIMIT), "close": plain("Close", TITLE_LIMIT),
            "blocks": section(text)}


def form_values(form: FormSpec, state: Mapping[str, Any]) -> dict[str, Any]:
    """`view.state.values` → {field name: value} as the core documents it.

    Text: str; select: the option value; checkbox: "true"/"false"; people: a list of
    Slack user ids (the caller resolves them to emails).
    """
    values: dict[str, Any] = {}
    blocks = state.get("values") or {}
    for field in form.fields:
        entry = (blocks.get(field.name) or {}).get(field.name) or {}
        if field.kind in (FieldKind.TEXT, FieldKind.MULTILINE):
            values[field.name] = entry.get("value") or ""
        elif field.kind is FieldKind.SELECT:
            values[field.name] = (entry.get("selected_option") or {}).get("value") or ""
        elif field.kind is FieldKind.CHECKBOX:
            values[field.name] = "true" if entry.get("selected_options") else "false"
        elif field.kind is FieldKind.PEOPLE:
            values[field.name] = list(entry.get("selected_users") or [])
    return values


def field_errors(form: FormSpec, errors: Mapping[str, str], fallback: str) -> dict[str, str]:
    """Core field errors keyed by block id (our block ids are the field names).

    An error about no particular field is shown on the first field, so it is never lost.
    """
    names = {f.name for f in form.fields}
    shown = {name: truncate(msg, 150) for name, msg in errors.items() if name in names}
    if not shown and form.fields:
        shown[form.fields[0].name] = truncate(fallback, 150)
    return shown
