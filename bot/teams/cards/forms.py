"""Core `FormSpec`s as Adaptive Card inputs: a whole form card, or inputs to embed in another card."""
from __future__ import annotations

from typing import Any, Mapping

from bot.core.forms import FieldKind, FormField, FormSpec
from bot.core.notifications.actions import ActionId
from bot.teams.cards.common import card, heading, note, plain, submit, submit_data

PEOPLE_HINT = "Email addresses, separated by commas"
# Short button titles for checkbox fields rendered as their own button on a notification.
SHORT_LABELS = {"save_as_guidance": "Save as guidance"}


def field_input(field: FormField, value: Any = None) -> dict:
    """One input; its `id` is the form field name, so submitted values map straight back."""
    base: dict[str, Any] = {"id": field.name, "label": field.label}
    if field.required:
        base["isRequired"] = True
        base["errorMessage"] = f"{field.label} is required."
    if field.kind is FieldKind.SELECT:
        element = {"type": "Input.ChoiceSet", **base, "style": "compact", "isMultiSelect": False,
                   "choices": [{"title": o.label, "value": o.value} for o in field.options]}
        if value:
            element["value"] = str(value)
        return element
    if field.kind is FieldKind.CHECKBOX:
        element = {"type": "Input.Toggle", **base, "title": field.hint or field.label,
                   "valueOn": "true", "valueOff": "false"}
        element["value"] = "true" if str(value).lower() == "true" else "false"
        return element
    element = {"type": "Input.Text", **base}
    if field.kind is FieldKind.MULTILINE:
        element["isMultiline"] = True
    placeholder = PEOPLE_HINT if field.kind is FieldKind.PEOPLE else field.hint
    if placeholder:
        element["placeholder"] = placeholder
    if field.max_length:
        element["maxLength"] = field.max_length
    if value:
        element["value"] = ", ".join(value) if isinstance(value, (list, tuple)) else str(value)
    return element


def field_inputs(spec: FormSpec, values: Mapping[str, Any] | None = None,
                 errors: Mapping[str, str] | None = None, *, include_checkboxes: bool = True) -> list[dict]:
    values, errors = values or {}, errors or {}
    items: list[dict] = []
    for field in spec.fields:
        if field.kind is FieldKind.CHECKBOX and not include_checkboxes:
            continue
        items.append(field_input(field, values.get(field.name)))
        if field.name in errors:
            items.append(note(errors[field.name], subtle=False, color="Attention"))
    return items


def form_values(spec: FormSpec, submitted: Mapping[str, Any], preset: Mapping[str, Any] | None = None) -> dict:
    """The submitted values that belong to `spec` (Teams merges every input of the card)."""
    merged = {**submitted, **(preset or {})}
    values: dict[str, Any] = {}
    for field in spec.fields:
        if field.name not in merged:
            continue
        value = merged[field.name]
        if field.kind is FieldKind.CHECKBOX:
            value = "true" if str(value).lower() == "true" else "false"
        values[field.name] = value if isinstance(value, (list, tuple)) else str(value)
    return values


def form_card(spec: FormSpec, *, action_id: ActionId | str, value: Mapping[str, str] | None = None,
              values: Mapping[str, Any] | None = None, errors: Mapping[str, str] | None = None,
              message: str | None = None, context: list[dict] | None = None) -> dict:
    """A form on its own card; the submit button carries the action, its value and the form name."""
    body: list[dict] = [heading(spec.title)]
    if message:
        body.append(note(message, subtle=False, color="Attention"))
    body += context or []
    if spec.intro:
        body.append(plain(spec.intro))
    body += field_inputs(spec, values, errors)
    action_id = action_id.value if isinstance(action_id, ActionId) else action_id
    return card(body, [submit(spec.submit_label, submit_data(action_id, value, form=spec.name), style="positive")])
