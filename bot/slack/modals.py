"""Core form requests as Slack modals, and a submitted modal's state back into form values.

The modal carries only the core's own token (what submitting does) in `private_metadata`;
where to update cards afterwards is looked up from where the bot posted them, never read
from the modal.
"""
from __future__ import annotations

import json
from typing import Any, Mapping

from slack_sdk.models.blocks import (
    CheckboxesElement, InputBlock, Option, PlainTextInputElement, PlainTextObject, RadioButtonsElement,
    StaticSelectElement, UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.core.content.model import Card
from bot.core.conversation.replies import FormRequest
from bot.core.forms import FieldKind, FormField, FormSpec
from bot.slack.escape import escape, quote, truncate
from bot.slack.render import card_blocks, context, sections

CALLBACK_PREFIX = "form:"
INPUT_MAX = 3000  # Slack's plain_text_input limit
_TITLE = View.title_max_length
_OPTION = Option.label_max_length


def _option(value: str, label: str, description: str = "") -> Option:
    return Option(value=value, label=truncate(label, _OPTION),
                  description=truncate(description, _OPTION) if description else None)


def _element(field: FormField, value: Any) -> Any:
    if field.kind in (FieldKind.TEXT, FieldKind.MULTILINE):
        return PlainTextInputElement(action_id=field.name, multiline=field.kind is FieldKind.MULTILINE,
                                     max_length=min(field.max_length or INPUT_MAX, INPUT_MAX),
                                     initial_value=truncate(str(value), INPUT_MAX) if value else None)
    if field.kind in (FieldKind.SELECT, FieldKind.RADIO):
        options = [_option(o.value, o.label, o.description) for o in field.options]
        initial = next((o for o in options if o.value == (value or field.default)), None)
        if field.kind is FieldKind.RADIO:
            return RadioButtonsElement(action_id=field.name, options=options, initial_option=initial)
        return StaticSelectElement(action_id=field.name, placeholder="Choose one", options=options,
                                   initial_option=initial)
    if field.kind is FieldKind.PEOPLE:
        return UserMultiSelectElement(action_id=field.name, placeholder="Choose people")
    if field.kind is FieldKind.CHECKBOX:
        option = _option("true", field.choice or field.label)
        checked = [option] if str(value).lower() == "true" else None
        return CheckboxesElement(action_id=field.name, options=[option], initial_options=checked)
    raise ValueError(f"unknown field kind {field.kind}")


def modal(request: FormRequest) -> dict:
    spec: FormSpec = request.spec
    metadata = json.dumps(dict(request.token), separators=(",", ":"))
    if len(metadata) > View.private_metadata_max_length:
        raise ValueError("modal metadata too large")
    blocks: list = []
    if request.message:
        blocks += sections(quote(request.message))
    if spec.intro:
        blocks.append(context(escape(spec.intro)))
    for field in spec.fields:
        blocks.append(InputBlock(block_id=field.name, label=PlainTextObject(text=truncate(field.label, 2000)),
                                 optional=not field.required, element=_element(field, request.values.get(field.name)),
                                 hint=PlainTextObject(text=truncate(field.hint, 2000)) if field.hint else None))
    view = View(type="modal", callback_id=CALLBACK_PREFIX + spec.name, title=truncate(spec.title, _TITLE),
                submit=truncate(spec.submit_label, _TITLE), close="Cancel", private_metadata=metadata,
                blocks=blocks[: View.blocks_max_length])
    return view.to_dict()


def done(card: Card) -> dict:
    """The modal that replaces a submitted form: what happened, as a card."""
    title = truncate(card.title or "Done", _TITLE)
    plain = Card(title="", blocks=card.blocks, subject=card.subject, summary=card.summary)
    return View(type="modal", title=title, close="Close", blocks=card_blocks(plain)[: View.blocks_max_length]).to_dict()


def form_name(view: Mapping[str, Any]) -> str:
    callback = str(view.get("callback_id") or "")
    return callback[len(CALLBACK_PREFIX):] if callback.startswith(CALLBACK_PREFIX) else ""


def token(view: Mapping[str, Any]) -> dict:
    try:
        value = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def values(view: Mapping[str, Any]) -> dict[str, Any]:
    """`view.state.values` -> {field name: value}: text as str, a select's value, checkbox
    "true"/"false", people as Slack user ids (the adapter turns them into e-mails)."""
    found: dict[str, Any] = {}
    state = (view.get("state") or {}).get("values") or {}
    for block_id, actions in state.items():
        entry = (actions or {}).get(block_id) or {}
        kind = entry.get("type")
        if kind in ("static_select", "radio_buttons"):
            found[block_id] = (entry.get("selected_option") or {}).get("value") or ""
        elif kind == "checkboxes":
            found[block_id] = "true" if entry.get("selected_options") else "false"
        elif kind == "multi_users_select":
            found[block_id] = list(entry.get("selected_users") or [])
        else:
            found[block_id] = entry.get("value") or ""
    return found


def errors(request: FormRequest) -> dict[str, str]:
    """Field errors by block id (our block ids are the field names); an error about no field is
    shown on the first field, so it is never lost."""
    names = [f.name for f in request.spec.fields]
    shown = {name: truncate(msg, 150) for name, msg in request.errors.items() if name in names}
    if not shown and names:
        shown[names[0]] = truncate(request.message or "Please check the form.", 150)
    return shown
