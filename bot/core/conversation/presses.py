"""Button presses: each a core action. Answer buttons name their server-side offer by a signed
token; item buttons name their query or report, and the actor's permission is checked again.
Repeated and concurrent presses change things once (idempotency keys, row locks)."""
from __future__ import annotations


from bot.core import feedback
from bot.core.asking import offers
from bot.core.asking.types import AskResult
from bot.core.bank import service as bank
from bot.core.bank.types import Source
from bot.core.content import items
from bot.core.content.answers import ESCALATE_LABEL, choice_label, chosen_clause_card
from bot.core.content.model import Action, Card, Choices, Paragraph
from bot.core.conversation.deps import Deps
from bot.core.conversation.events import Press, Surface
from bot.core.conversation.messages import suggestions_card
from bot.core.conversation.replies import Audience, FormRequest, Reply
from bot.core.directory.model import Person
from bot.core.errors import UnknownPerson, ValidationError
from bot.core.escalations import access as escalation_access
from bot.core.escalations import service as escalations
from bot.core.escalations.types import ForwardTarget
from bot.core.forms import REPORT_OPENER, ANSWER, ESCALATION_FORWARD_FORM, REPORT_CLOSE_FORM, REPORT_FORM, escalation_answer_form
from bot.core.identity import UNKNOWN_MESSAGE
from bot.core.notifications.actions import ActionId
from bot.core.reports import service as reports
from index.types import Answer, AnswerStatus


OLD_BUTTON = "That button belongs to a message I can no longer act on. Please ask again."


def handle(conv: Deps, event: Press) -> Reply:
    try:
        action = ActionId(str(event.action))
    except ValueError:
        return Reply(cards=(items.refusal(OLD_BUTTON),), audience=Audience.SENDER)
    handler = _HANDLERS.get(action)
    if handler is None:
        return Reply(cards=(items.refusal(OLD_BUTTON),), audience=Audience.SENDER)
    return handler(conv, event)


def _person(conv: Deps, event: Press) -> Person:
    person = conv.who(event.sender)
    if person is None:
        raise UnknownPerson(UNKNOWN_MESSAGE)
    return person


def _private(*cards: Card, replace: Card | None = None) -> Reply:
    return Reply(cards=cards, audience=Audience.SENDER, replace=replace)


# -- answer buttons ---------------------------------------------------------------------
def _offer(conv: Deps, event: Press):
    return offers.resolve(ctx=conv.ctx, signer=conv.signer, token=str(event.value.get("t") or ""))


def escalate(conv: Deps, event: Press) -> Reply:
    asker = _person(conv, event)
    offer = _offer(conv, event)
    # One query per answer and person, however often it is pressed; a colleague who presses it on
    # a shared answer asks their own line manager.
    view = escalations.escalate(ctx=conv.ctx, asker=asker, question=offer.question, clause_ids=offer.clause_ids,
                                idempotency_key=f"offer:{offer.id}:{asker.email}")
    with conv.ctx.db.transaction() as session:
        offers.forget_log_text(session, offer_id=offer.id)
    lead = "Already sent" if view.duplicate else "Sent"
    text = (f"{lead} to {view.recipient.name} ({view.recipient.role_label}), reference {view.ref}. "
            "Their answer will come to you here as a direct message.")
    if view.routing_note and not view.duplicate:
        text += f" ({view.routing_note})"
    return _private(items.confirmation(text))


def vote(conv: Deps, event: Press) -> Reply:
    offer = _offer(conv, event)
    helpful = ActionId(event.action) is ActionId.FEEDBACK_HELPFUL
    if offers.vote(ctx=conv.ctx, offer_id=offer.id, helpful=helpful):
        # Stored without who pressed it; one vote per answer, on the clause that answer showed.
        feedback.record(ctx=conv.ctx, helpful=helpful, clause_id=(offer.clause_ids or [None])[0],
                        policy_id=offer.policy_id)
    if helpful:
        return _private(items.confirmation("Thanks, glad it helped."))
    return _private(_which_clause(conv, offer, event))


def _which_clause(conv: Deps, offer, event: Press) -> Card:
    """After "Not helpful": the other clauses the answer listed, to pick the one that answers it."""
    token = str(event.value.get("t") or "")
    others = [cid for cid in [*(offer.alternatives or ()), *(offer.clause_ids or ())[1:]]]
    options = []
    for cid in dict.fromkeys(others):
        try:
            clause = conv.answerer.clause(cid, offer.policy_id)
        except KeyError:
            continue
        options.append(Action(ActionId.ANSWER_CHOOSE, choice_label(clause), {"t": token, "c": cid}))
    person = conv.who(event.sender)
    blocks: list = [Paragraph("Thanks for telling me.")]
    if options:
        blocks.append(Choices("Does one of these answer your question?", tuple(options)))
    actions = ()
    if person is not None:
        blocks.append(Paragraph(f"If not, press \u201c{ESCALATE_LABEL}\u201d and your line manager will answer."))
        actions = (Action(ActionId.ASK_ESCALATE, ESCALATE_LABEL, {"t": token}),)
    return Card(title="", blocks=tuple(blocks), actions=actions, summary="Thanks for telling me.")


def choose(conv: Deps, event: Press) -> Reply:
    """"Did you mean X?" (or a pick after "Not helpful"): show X, with its qualifiers, in place."""
    offer = _offer(conv, event)
    clause_id = offers.shown_clause(offer, str(event.value.get("c") or ""))
    try:
        clause = conv.answerer.clause(clause_id, offer.policy_id)
    except KeyError:
        raise ValidationError("That part of the policy has changed since. Please ask again.") from None
    person = conv.who(event.sender)
    if offers.choose(ctx=conv.ctx, offer_id=offer.id, clause_id=clause.id) and clause_id != (offer.clause_ids or [None])[0]:
        source = Source.NOT_HELPFUL if offer.feedback == "not_helpful" else Source.DID_YOU_MEAN
        with conv.ctx.db.transaction() as session:
            bank.suggest(session, ctx=conv.ctx, question=offer.question, clause=clause, source=source)
    answerer = conv.answerer
    result = AskResult(answer=_stub_answer(answerer, offer), asker=person, token=str(event.value.get("t") or ""))
    card = chosen_clause_card(clause, answerer.qualifiers_of(clause), answerer.policy(offer.policy_id), result=result)
    in_own_chat = event.surface is Surface.DIRECT
    return Reply(replace=card, cards=() if in_own_chat else (card,), audience=Audience.SENDER)


def _stub_answer(answerer, offer) -> Answer:
    """The offer as an answered question, for deciding the chosen clause's buttons."""
    return Answer(question=offer.question, status=AnswerStatus.ANSWERED, ranked=(),
                  policy=answerer.policy(offer.policy_id))


def open_report(conv: Deps, event: Press) -> Reply:
    _person(conv, event)
    return Reply(form=FormRequest(REPORT_FORM, opener=REPORT_OPENER), audience=Audience.SENDER)


# -- query and report buttons ---------------------------------------------------------------
def _ref(event: Press) -> str:
    ref = str(event.value.get("ref") or "").strip()
    if not ref:
        raise ValidationError("This button is missing its reference; please use a newer message.")
    return ref


def answer_form(conv: Deps, event: Press) -> Reply:
    person = _person(conv, event)
    view = escalations.get(ctx=conv.ctx, actor=person, ref=_ref(event))
    if not any(a.id is ActionId.ESCALATION_ANSWER for a in view.actions):
        return _private(items.escalation_card(view, note=f"Query {view.ref} is {view.status.value}."))
    spec = escalation_answer_form(asker_name=view.asker.name, pass_to=_pass_to(conv, person, view.ref),
                                  clauses=_clauses(conv, view.clause_ids))
    return Reply(form=FormRequest(spec, token={"a": ActionId.ESCALATION_ANSWER.value, "ref": view.ref},
                                  values={"next_step": ANSWER}, message=f"Query {view.ref} from {view.asker.name}: "
                                                                       f"\u201c{view.question}\u201d"),
                 audience=Audience.SENDER)


def _pass_to(conv: Deps, person: Person, ref: str) -> tuple[tuple[str, str], ...]:
    with conv.ctx.db.transaction() as session:
        row = escalations.load(session, ref)
    targets = escalation_access.forward_targets(row, person, conv.ctx.directory) if row else []
    labels = {ForwardTarget.HEAD_TEACHER: "Pass it to the head teacher", ForwardTarget.HR: "Pass it to HR"}
    return tuple((t.value, labels[t]) for t, _ in targets)


def _clauses(conv: Deps, clause_ids) -> tuple[tuple[str, str], ...]:
    found = []
    for cid in clause_ids:
        try:
            found.append((cid, choice_label(conv.answerer.clause(cid))))
        except KeyError:
            continue
    return tuple(found)


def forward_form(conv: Deps, event: Press) -> Reply:
    person = _person(conv, event)
    view = escalations.get(ctx=conv.ctx, actor=person, ref=_ref(event))
    to = ForwardTarget(str(event.value.get("to") or ForwardTarget.HEAD_TEACHER.value))
    return Reply(form=FormRequest(ESCALATION_FORWARD_FORM, token={"a": ActionId.ESCALATION_FORWARD.value,
                                                                  "ref": view.ref, "to": to.value}),
                 audience=Audience.SENDER)


def resolve(conv: Deps, event: Press) -> Reply:
    view = escalations.resolve(ctx=conv.ctx, actor=_person(conv, event), ref=_ref(event))
    note = f"Query {view.ref} marked resolved."
    return _private(replace=items.escalation_card(view, note=note))


def acknowledge(conv: Deps, event: Press) -> Reply:
    view = reports.acknowledge(ctx=conv.ctx, actor=_person(conv, event), ref=_ref(event))
    note = "Acknowledged; the reporter has been told."
    return _private(replace=items.report_card(view, note=note))


def investigate(conv: Deps, event: Press) -> Reply:
    view = reports.investigate(ctx=conv.ctx, actor=_person(conv, event), ref=_ref(event))
    return _private(replace=items.report_card(view, note="Marked as under investigation; the reporter has been told."))


def close_form(conv: Deps, event: Press) -> Reply:
    person = _person(conv, event)
    view = reports.get(ctx=conv.ctx, actor=person, ref=_ref(event))
    return Reply(form=FormRequest(REPORT_CLOSE_FORM, token={"a": ActionId.REPORT_CLOSE.value, "ref": view.ref},
                                  message=f"Report {view.ref}"), audience=Audience.SENDER)


# -- the policy owner's review ---------------------------------------------------------------
def _decide(conv: Deps, event: Press, approve: bool) -> Reply:
    person = _person(conv, event)
    try:
        entry_id = int(str(event.value.get("id") or ""))
    except ValueError:
        raise ValidationError(OLD_BUTTON) from None
    entry = bank.decide(ctx=conv.ctx, actor=person, entry_id=entry_id, approve=approve,
                        policies=conv.answerer.policies)
    if approve:
        conv.learned.refresh(ctx=conv.ctx, answerer=conv.answerer, force=True)
    word = "approved: it is in use now" if approve else "rejected"
    card = suggestions_card(conv, person)
    note = Paragraph(f"#{entry.id} {word}.")
    return _private(replace=Card(title=card.title, blocks=(note, *card.blocks), actions=card.actions,
                                 summary=card.summary))


def review(conv: Deps, event: Press) -> Reply:
    return _private(suggestions_card(conv, _person(conv, event)))


_HANDLERS = {
    ActionId.ASK_ESCALATE: escalate,
    ActionId.FEEDBACK_HELPFUL: vote,
    ActionId.FEEDBACK_NOT_HELPFUL: vote,
    ActionId.ANSWER_CHOOSE: choose,
    ActionId.REPORT_OPEN: open_report,
    ActionId.ESCALATION_ANSWER: answer_form,
    ActionId.ESCALATION_FORWARD: forward_form,
    ActionId.ESCALATION_RESOLVE: resolve,
    ActionId.REPORT_ACKNOWLEDGE: acknowledge,
    ActionId.REPORT_INVESTIGATE: investigate,
    ActionId.REPORT_CLOSE: close_form,
    ActionId.BANK_APPROVE: lambda conv, event: _decide(conv, event, True),
    ActionId.BANK_REJECT: lambda conv, event: _decide(conv, event, False),
    ActionId.BANK_REVIEW: review,
}
