"""Core form requests as Adaptive Card inputs: a whole form card, or inputs to embed in another."""
from __future__ import annotations

from typing import Any, Mapping

from bot.core.conversation.replies import FormRequest
from bot.core.forms import FieldKind, FormField, FormSpec
from bot.teams.cards.common import DATA_KEY, card, heading, note, plain, submit

PEOPLE_HINT = "Email addresses, separated by commas"
FORM_ACTION = "form"  # the submit of a form card the core asked for


def field_input(field: FormField, value: Any = None) -> dict:
    """One input; its `id` is the form field name, so submitted values map straight back."""
    base: dict[str, Any] = {"id": field.name, "label": field.label}
    if field.required:
        base["isRequired"] = True
        base["errorMessage"] = f"{field.label} is required."
    if field.kind in (FieldKind.SELECT, FieldKind.RADIO):
        element = {"type": "Input.ChoiceSet", **base, "style": "expanded" if field.kind is FieldKind.RADIO else "compact",
                   "isMultiSelect": False, "choices": [{"title": o.label, "value": o.value} for o in field.options]}
        chosen = value or field.default
        if chosen:
            element["value"] = str(chosen)
        return element
    if field.kind is FieldKind.CHECKBOX:
        return {"type": "Input.Toggle", **base, "title": field.choice or field.hint or field.label,
                "valueOn": "true", "valueOff": "false", "value": "true" if str(value).lower() == "true" else "false"}
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
        elif field.kind is FieldKind.PEOPLE and isinstance(value, str):
            value = [v for v in value.replace(",", " ").split() if v]
        values[field.name] = value if isinstance(value, (list, tuple)) else str(value)
    return values


def form_card(request: FormRequest) -> dict:
    """A form on its own card; its submit carries the form's name and the core's token."""
    spec = request.spec
    body: list[dict] = [heading(spec.title)]
    if request.message:
        body.append(note(request.message, subtle=False, color="Attention" if request.errors else None))
    if spec.intro:
        body.append(plain(spec.intro))
    body += field_inputs(spec, request.values, request.errors)
    data = {DATA_KEY: {"action": FORM_ACTION, "form": spec.name, "token": dict(request.token)}}
    return card(body, [submit(spec.submit_label, data, style="positive")])
