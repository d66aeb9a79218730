"""Core cards as Adaptive Cards 1.5 for Teams.

Buttons go in the card body as rows of at most two (`ActionSet`s), so titles are not cut at
phone width; "did you mean" choices get a row each. A button whose core action needs a form
carries that form's inputs inline (a primary action) or in an `Action.ShowCard`.
"""
from __future__ import annotations

from typing import Iterable, Sequence

from bot.core.content.model import Action, ActionStyle, Bullets, Card, Choices, Facts, Paragraph, Quote, Tone
from bot.core.forms import FORMS, FieldKind, FormSpec
from bot.teams.cards.common import card, core_submit, facts, heading, note, plain
from bot.teams.cards.forms import field_inputs

ROW = 2  # buttons per row: more are cut short ("Send ans…") on a phone
_COLOR = {Tone.WARNING: "Warning", Tone.ATTENTION: "Attention", Tone.SUCCESS: "Good"}
SHORT_LABELS = {"save_as_guidance": "Save as guidance"}


def _paragraph(block: Paragraph) -> dict:
    if block.tone is Tone.SUBTLE:
        return note(block.text)
    return plain(block.text, weight="Bolder" if block.strong else None, color=_COLOR.get(block.tone))


def _quote(block: Quote) -> dict:
    items: list[dict] = []
    if block.label:
        items.append(note(block.label, subtle=block.muted))
    if block.title:
        items.append(plain(block.title, weight="Bolder", subtle=block.muted))
    items.append(plain(f"\u201c{block.text}\u201d", italic=True, subtle=block.muted))
    style = "accent" if block.guidance else ("default" if block.muted else "emphasis")
    return {"type": "Container", "style": style, "items": items}


def action_rows(actions: Sequence[dict], per_row: int = ROW) -> list[dict]:
    return [{"type": "ActionSet", "actions": list(actions[i:i + per_row])} for i in range(0, len(actions), per_row)]


def render_actions(actions: Iterable[Action]) -> tuple[list[dict], list[dict]]:
    """(inputs to show in the body, buttons) for core actions, forms included."""
    body: list[dict] = []
    rendered: list[dict] = []
    used: set[str] = set()
    for action in actions:
        spec = FORMS.get(action.form or "")
        if spec is None or spec.name in used:
            rendered.append(core_submit(action))  # the core asks for the form if it needs one
            continue
        if not any(f.required for f in spec.fields):
            rendered.append(core_submit(action, form=spec.name))  # optional fields only: one click
            continue
        used.add(spec.name)
        if action.style is ActionStyle.PRIMARY and not body:
            body += field_inputs(spec, include_checkboxes=False)
            rendered += _form_buttons(action, spec)
        else:
            inner = field_inputs(spec, include_checkboxes=False)
            show = card(inner, _form_buttons(action, spec, first_title=spec.submit_label))
            show.pop("$schema", None)  # Action.ShowCard cards declare no schema of their own
            rendered.append({"type": "Action.ShowCard", "title": action.label, "card": show})
    return body, rendered


def _form_buttons(action: Action, spec: FormSpec, first_title: str | None = None) -> list[dict]:
    buttons = [core_submit(action, title=first_title or spec.submit_label, form=spec.name)]
    for field in spec.fields:
        if field.kind is FieldKind.CHECKBOX:
            buttons.append(core_submit(action, title=SHORT_LABELS.get(field.name, field.label), form=spec.name,
                                       preset={field.name: "true"}))
    return buttons


def body_of(content: Card) -> list[dict]:
    body: list[dict] = [heading(content.title)] if content.title else []
    for block in content.blocks:
        if isinstance(block, Paragraph):
            body.append(_paragraph(block))
        elif isinstance(block, Quote):
            body.append(_quote(block))
        elif isinstance(block, Facts):
            found = facts((f.label, f.value) for f in block.items)
            if found:
                body.append(found)
        elif isinstance(block, Bullets):
            body += [plain(f"\u2022 {item}", italic=block.italic) for item in block.items]
        elif isinstance(block, Choices):
            if block.prompt:
                body.append(plain(block.prompt, weight="Bolder"))
            # One choice per row: clause labels are long and must be read whole.
            per_row = 1 if any(len(o.label) > 20 for o in block.options) else ROW
            body += action_rows([core_submit(o) for o in block.options], per_row)
    return body


def render(content: Card) -> dict:
    body = body_of(content)
    inputs, buttons = render_actions(content.actions)
    return card(body + inputs + action_rows(buttons))
