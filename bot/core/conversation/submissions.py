"""Forms submitted: a report, a query's answer (or passing it on), closing a report.

A form that cannot be acted on stays open with the reason on it; nothing is half done. The same
submission sent twice (a platform retry, a double click) is acted on once.
"""
from __future__ import annotations

import re

from bot.core.bank import service as bank
from bot.core.bank.types import Source
from bot.core.content import items
from bot.core.conversation.deps import Deps
from bot.core.conversation.events import Submission
from bot.core.conversation.replies import Audience, CardUpdate, FormRequest, Reply
from bot.core.directory.model import Person
from bot.core.errors import CoreError, InvalidTransition, UnknownPerson, ValidationError
from bot.core.escalations import service as escalations
from bot.core.escalations.types import ForwardTarget
from bot.core.forms import ANSWER, ANSWER_NEXT_STEP, FORMS, REPORT_FORM, FormSpec
from bot.core.identity import UNKNOWN_MESSAGE
from bot.core.notifications.actions import ActionId
from bot.core.reports import service as reports
from bot.core.reports.types import ReportInput
from bot.core.text import safe_values


EXPIRED = "This form has expired; please press the button on the message again."


def _truthy(value) -> bool:
    return value is True or str(value).strip().lower() in {"true", "1", "yes", "on"}


def _person(conv: Deps, event: Submission) -> Person:
    person = conv.who(event.sender)
    if person is None:
        raise UnknownPerson(UNKNOWN_MESSAGE)
    return person


def handle(conv: Deps, event: Submission) -> Reply:
    values = safe_values(event.values)
    if event.form == REPORT_FORM.name:
        return _report(conv, event, values)
    action = str(event.token.get("a") or "")
    ref = str(event.token.get("ref") or "")
    if not ref or event.form not in FORMS:
        raise ValidationError(EXPIRED)
    person = _person(conv, event)
    if action == ActionId.ESCALATION_ANSWER.value:
        return _answer(conv, person, ref, values)
    if action == ActionId.ESCALATION_FORWARD.value:
        to = ForwardTarget(str(event.token.get("to") or ForwardTarget.HEAD_TEACHER.value))
        return _forward(conv, person, ref, to, values.get("note"))
    if action == ActionId.REPORT_CLOSE.value:
        view = reports.close(ctx=conv.ctx, actor=person, ref=ref, outcome=str(values.get("outcome") or ""))
        note = f"Report {view.ref} closed; the reporter has been told (without the outcome)."
        return _done(person, view.ref, items.report_card(view, note=note), note)
    raise ValidationError(EXPIRED)


def _done(person: Person, ref: str, card, note: str) -> Reply:
    """Confirm privately, and update the person's own cards about the item (wherever the bot put them)."""
    return Reply(cards=(items.confirmation(note),), audience=Audience.SENDER, replace=card,
                 updates=(CardUpdate(subject_ref=ref, recipient=person.email, card=card),))


def _report(conv: Deps, event: Submission, values: dict) -> Reply:
    report = ReportInput.from_form(values)  # ValidationError -> shown on the form's fields
    reporter = _person(conv, event)
    key = f"{event.sender.platform.value}:form:{event.submission_id or 'none'}:{reporter.email}"[:200]
    receipt = reports.submit(ctx=conv.ctx, reporter=reporter, report=report,
                             idempotency_key=key if event.submission_id else None)
    card = items.receipt_card(receipt)
    # The receipt itself reaches the reporter through the outbox (once); this closes the form.
    return Reply(replace=card, audience=Audience.SENDER)


def _answer(conv: Deps, person: Person, ref: str, values: dict) -> Reply:
    step = str(values.get(ANSWER_NEXT_STEP) or ANSWER)
    if step != ANSWER:
        return _forward(conv, person, ref, ForwardTarget(step), values.get("text"))
    clause = _named_clause(conv, ref, str(values.get("clause_id") or ""), str(values.get("text") or ""))

    def suggest(session, row) -> None:
        # The manager said which clause answers it: a suggested bank entry (no asker kept).
        if clause is not None:
            bank.suggest(session, ctx=conv.ctx, question=row.question, clause=clause, source=Source.MANAGER)

    try:
        view = escalations.answer(ctx=conv.ctx, actor=person, ref=ref, text=str(values.get("text") or ""),
                                  save_as_guidance=_truthy(values.get("save_as_guidance")),
                                  guidance_text=values.get("guidance_text"),
                                  encode=lambda texts: conv.answerer.encode(texts), on_answered=suggest)
    except InvalidTransition:
        view = escalations.get(ctx=conv.ctx, actor=person, ref=ref)
        if view.answered_by is None or view.answered_by.email != person.email:
            raise
        # The same form sent again: it was answered already, by this person.
    saved = " and saved as guidance" if view.guidance_saved else ""
    note = f"Your answer was sent to {view.asker.name}{saved}."
    return _done(person, view.ref, items.escalation_card(view, note=note), note)


_CLAUSE_ID = re.compile(r"\b(\d+\.\d+(?:\.\d+)?)\b")


def _named_clause(conv: Deps, ref: str, picked: str, text: str):
    """The clause the answer names: picked in the form, or one of the clauses the asker was shown
    that the answer cites by number ("see 2.2.7"; a section number counts if only one shown clause
    is in that section)."""
    with conv.ctx.db.transaction() as session:
        row = escalations.load(session, ref)
    shown = list(row.clause_ids or ()) if row else []
    wanted = picked or next((m for m in _CLAUSE_ID.findall(text) if m in shown), "")
    if not wanted:
        sections = {m for m in _CLAUSE_ID.findall(text)}
        in_section = [cid for cid in shown if cid.rsplit(".", 1)[0] in sections]
        wanted = in_section[0] if len(in_section) == 1 else ""
    if not wanted or wanted not in shown:
        return None
    try:
        return conv.answerer.clause(wanted)
    except KeyError:
        return None


def _forward(conv: Deps, person: Person, ref: str, to: ForwardTarget, note) -> Reply:
    view = escalations.forward(ctx=conv.ctx, actor=person, ref=ref, to=to, note=note)
    text = f"Query {view.ref} passed to {view.recipient.name}."
    return _done(person, view.ref, items.escalation_card(view, note=text), text)


def errors(conv: Deps, event: Submission, exc: CoreError) -> Reply:
    """Keep the form open: field problems beside their fields, anything else above the form."""
    spec: FormSpec = FORMS.get(event.form, REPORT_FORM)
    field_errors = exc.field_errors if isinstance(exc, ValidationError) else {}
    return Reply(form_errors=FormRequest(spec, token=dict(event.token), values=dict(event.values),
                                         errors=field_errors, message=str(exc)),
                 audience=Audience.SENDER)
