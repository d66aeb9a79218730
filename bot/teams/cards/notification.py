"""Notifications (and core `Card`s, which have the same shape) and item views as Adaptive Cards.

The first primary action that needs a form gets the form's text inputs right on the card
(the manager types the answer and presses "Send answer" or "Save as guidance"); other
actions with a required form open it in an `Action.ShowCard`; the rest are plain submits.
"""
from __future__ import annotations

from typing import Iterable

from bot.core.escalations.types import EscalationView
from bot.core.forms import FORMS, FieldKind, FormSpec
from bot.core.notifications.types import Action, ActionStyle, Card, Field, Notification
from bot.core.reports.types import ReportView
from bot.teams.cards.common import card, compact, core_submit, facts, heading, plain, quote
from bot.teams.cards.forms import SHORT_LABELS, field_inputs

_DATE = "%-d %B %Y, %H:%M"


def paragraphs(text: str) -> list[dict]:
    return [plain(line) for line in (text or "").splitlines() if line.strip()]


def message_card(message: Notification | Card, *, status: str | None = None) -> dict:
    """`status` (e.g. an outcome message) replaces the buttons on a card already acted on."""
    body = [heading(message.title), *paragraphs(message.text)]
    if message.quote:
        body.append(quote(message.quote))
    body += compact([facts((f.label, f.value) for f in message.fields)])
    if status:
        body.append(plain(status, weight="Bolder"))
        return card(body)
    extra_body, actions = render_actions(message.actions)
    return card(body + extra_body, actions)


def render_actions(actions: Iterable[Action]) -> tuple[list[dict], list[dict]]:
    body: list[dict] = []
    rendered: list[dict] = []
    used_forms: set[str] = set()
    for action in actions:
        spec = FORMS.get(action.form or "")
        if spec is None or spec.name in used_forms:
            rendered.append(core_submit(action))  # core asks for the form if it needs one
            continue
        if not any(f.required for f in spec.fields):
            rendered.append(core_submit(action, form=spec.name))  # optional fields: one click
            continue
        used_forms.add(spec.name)
        if action.style is ActionStyle.PRIMARY and not body:
            body += field_inputs(spec, include_checkboxes=False)
            rendered += _form_buttons(action, spec)
        else:
            inner = field_inputs(spec, include_checkboxes=False)
            rendered.append({"type": "Action.ShowCard", "title": action.label,
                             "card": card(inner, _form_buttons(action, spec, first_title=spec.submit_label))})
    for item in rendered:  # Action.ShowCard cards declare no $schema of their own
        if item["type"] == "Action.ShowCard":
            item["card"].pop("$schema", None)
    return body, rendered


def _form_buttons(action: Action, spec: FormSpec, first_title: str | None = None) -> list[dict]:
    buttons = [core_submit(action, title=first_title or spec.submit_label, form=spec.name)]
    for field in spec.fields:
        if field.kind is FieldKind.CHECKBOX:
            buttons.append(core_submit(action, title=SHORT_LABELS.get(field.name, field.label), form=spec.name,
                                       preset={field.name: "true"}))
    return buttons


def escalation_card(view: EscalationView, *, message: str | None = None) -> dict:
    fields = [Field("Reference", view.ref), Field("Status", view.status.value), Field("From", view.asker.name),
              Field("Routed to", f"{view.recipient.name} ({view.recipient.role_label})"),
              Field("Asked", view.created_at.strftime(_DATE))]
    if view.answered_by:
        fields.append(Field("Answered by", view.answered_by.name))
    if view.routing_note:
        fields.append(Field("Routing", view.routing_note))
    body = [heading(f"Policy query {view.ref}"), quote(view.question, label="Question")]
    if view.answer:
        body.append(quote(view.answer, label="Answer", style="accent"))
    if view.guidance_saved:
        body.append(plain("Saved as guidance for similar questions."))
    return _view_card(body, fields, view.actions, message)


def report_card(view: ReportView, *, message: str | None = None) -> dict:
    fields = [Field("Reference", view.ref), Field("Category", view.category.label), Field("Status", view.status.value),
              Field("Received", view.created_at.strftime(_DATE)), Field("Where", view.where),
              Field("When", view.when), Field("Links", " ".join(view.links)),
              Field("Staff involved", ", ".join(p.name for p in view.involved)),
              Field("Others involved", view.involved_text),
              Field("Reported by", view.reporter.name if view.reporter else ""),
              Field("Handled by", f"{view.recipient.name} ({view.recipient.role_label})")]
    if view.routing_note:
        fields.append(Field("Routing", view.routing_note))
    body = [heading(f"Report {view.ref}"), quote(view.what_happened, label="What happened")]
    if view.outcome:
        body.append(quote(view.outcome, label="Outcome", style="accent"))
    return _view_card(body, fields, view.actions, message)


def _view_card(body: list[dict], fields: list[Field], actions, message: str | None) -> dict:
    body += compact([facts((f.label, f.value) for f in fields)])
    if message:
        body.append(plain(message, weight="Bolder"))
    extra, rendered = render_actions(actions)
    return card(body + extra, rendered)


def receipt_card(ref: str, message: str) -> dict:
    """What replaces a submitted report form: the confirmation only, none of the details."""
    return card([heading(f"Report {ref} sent"), plain(message)])


def list_card(title: str, lines: list[str], *, empty: str) -> dict:
    return card([heading(title), *([plain(line) for line in lines] or [plain(empty)])])
