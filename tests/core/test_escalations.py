"""Escalation lifecycle through the core API, on SQLite and PostgreSQL."""
from __future__ import annotations

import threading

import pytest

from bot.core.directory import StaticDirectory, parse_directory
from bot.core.errors import (
    InvalidTransition,
    PermissionDenied,
    RoutingError,
    ValidationError,
)
from bot.core.escalations.types import CloseReason, EscalationStatus
from bot.core.notifications.actions import ActionId
from bot.core.notifications.types import NotificationKind as K
from bot.core.content.answers import answer_card
from bot.core.directory.model import Platform
from tests.core.corefakes import deliver, press, sender_of, submit


def test_full_lifecycle_with_guidance(assistant, people, slack):
    result = assistant.ask(question="Can I accept a friend request from a parent?", asker=people.amy)
    assert result.answer.answered and result.escalation_offered and not result.guidance
    card = answer_card(result, platform=Platform.SLACK)
    assert [a.id for a in card.actions] == [ActionId.FEEDBACK_HELPFUL, ActionId.FEEDBACK_NOT_HELPFUL,
                                            ActionId.ASK_ESCALATE, ActionId.REPORT_OPEN]

    view = assistant.escalate(asker=people.amy, question=result.answer.question,
                              clause_ids=[r.clause.id for r in result.answer.ranked], idempotency_key="trigger-1")
    assert view.ref.startswith("E-2026-") and view.status is EscalationStatus.OPEN
    assert view.recipient.email == people.tom.email and view.actions[0].id is ActionId.ESCALATION_RESOLVE
    deliver(assistant)
    [note] = slack.to(people.tom.email, K.ESCALATION_NEW)
    assert note.quote == result.answer.question and note.subject.ref == view.ref
    assert [a.id for a in note.actions] == [ActionId.ESCALATION_ANSWER, ActionId.ESCALATION_FORWARD, ActionId.ESCALATION_FORWARD]

    reply = press(assistant, people.tom, note.actions[0])
    assert reply.form and reply.form.spec.name == "escalation_answer"
    reply = submit(assistant, people.tom, reply.form,
                   {"text": "Politely decline parents' friend requests; say it is school policy.",
                    "save_as_guidance": "true"})
    assert "sent to Amy Green and saved as guidance" in reply.cards[0].plain_text()
    assert assistant.get_escalation(actor=people.tom, ref=view.ref).status is EscalationStatus.ANSWERED
    deliver(assistant)
    [answered] = slack.to(people.amy.email, K.ESCALATION_ANSWERED)
    assert "Politely decline" in answered.quote and answered.actions[0].id is ActionId.ESCALATION_RESOLVE

    later = assistant.ask(question="Should I accept a parent's friend request?", asker=people.ben)
    assert len(later.guidance) == 1
    guidance = later.guidance[0]
    assert guidance.author_role == "Line manager" and "not policy text" in guidance.label
    assert "Tom" not in guidance.label

    closed = assistant.resolve_escalation(actor=people.amy, ref=view.ref)
    assert closed.status is EscalationStatus.CLOSED and closed.close_reason is CloseReason.RESOLVED
    deliver(assistant)
    assert slack.to(people.tom.email, K.ESCALATION_CLOSED)
    actions = [e.action for e in assistant.audit_trail(actor=people.amy, ref=view.ref)]
    assert actions == ["escalation.created", "escalation.answered", "escalation.closed"]


def test_idempotency_key_gives_one_escalation(assistant, people):
    first = assistant.escalate(asker=people.amy, question="Q?", idempotency_key="k1")
    again = assistant.escalate(asker=people.amy, question="Q?", idempotency_key="k1")
    assert again.ref == first.ref and again.duplicate
    assert len(assistant.list_escalations(actor=people.tom)) == 1
    with pytest.raises(ValidationError):
        assistant.escalate(asker=people.ben, question="Q?", idempotency_key="k1")


def test_concurrent_double_click(assistant, people):
    refs, errors = [], []

    def click():
        try:
            refs.append(assistant.escalate(asker=people.amy, question="Same?", idempotency_key="dbl").ref)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=click) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(set(refs)) == 1
    assert len(assistant.list_escalations(actor=people.amy)) == 1


def test_forward_to_hr_then_answer(assistant, people, slack):
    view = assistant.escalate(asker=people.amy, question="Does this apply to agency staff?")
    forwarded = assistant.forward_escalation(actor=people.tom, ref=view.ref, to="hr", note="HR knows contracts")
    assert forwarded.recipient.email == people.hr.email
    deliver(assistant)
    [note] = slack.to(people.hr.email, K.ESCALATION_FORWARDED)
    assert "HR knows contracts" in note.text
    with pytest.raises(PermissionDenied):
        assistant.get_escalation(actor=people.tom, ref=view.ref)  # no longer routed to Tom
    with pytest.raises(PermissionDenied):
        assistant.answer_escalation(actor=people.tom, ref=view.ref, text="x")
    assistant.answer_escalation(actor=people.hr, ref=view.ref, text="Yes, it does.")
    with pytest.raises(InvalidTransition):
        assistant.answer_escalation(actor=people.hr, ref=view.ref, text="again")
    trail = assistant.audit_trail(actor=people.amy, ref=view.ref)
    assert trail[1].before == {"recipient": people.tom.email} and trail[1].after["recipient"] == people.hr.email


def test_head_teacher_query_goes_to_chair_and_teams(assistant, people, teams):
    view = assistant.escalate(asker=people.head, question="Can governors friend parents?")
    assert view.recipient.email == people.chair.email
    deliver(assistant)
    assert teams.to(people.chair.email, K.ESCALATION_NEW)  # the chair has only a Teams id


def test_query_about_own_manager_goes_up(assistant, people):
    view = assistant.escalate(asker=people.amy, question="My manager posted about pupils", concerns=[people.tom.email])
    assert view.recipient.email == people.deputy.email


def test_missing_manager_goes_to_head_and_admins_are_told(db, clock, slack, config, index):
    from bot.core.app import Assistant
    from bot.core.notifications.registry import NotifierRegistry

    text = ("name,email,role,line_manager_email,slack_user_id,teams_user_id\n"
            "Head,head@x.org,head_teacher,,UH,\nHR,hr@hardmoor.example,hr,head@x.org,UHR,\n"
            "Ann,ann@x.org,staff,gone@x.org,UA,\n")
    directory = parse_directory(text)
    assistant = Assistant(db=db, directory=StaticDirectory(directory), answerer=index,
                          notifiers=NotifierRegistry([slack]), clock=clock, config=config)
    view = assistant.escalate(asker=directory.get("ann@x.org"), question="Who do I ask?")
    assert view.recipient.email == "head@x.org"
    assert "missing" in assistant.get_escalation(actor=directory.get("head@x.org"), ref=view.ref).routing_note
    assistant.escalate(asker=directory.get("ann@x.org"), question="Again?")
    deliver(assistant)
    assert len(slack.to("hr@hardmoor.example", K.ADMIN_ALERT)) == 1  # told once


def test_no_head_teacher_is_a_clear_error(db, clock, config, index):
    from bot.core.app import Assistant

    directory = parse_directory("name,email,role,line_manager_email,slack_user_id,teams_user_id\n"
                                "Ann,ann@x.org,staff,gone@x.org,UA,\n")
    assistant = Assistant(db=db, directory=StaticDirectory(directory), answerer=index, clock=clock, config=config)
    with pytest.raises(RoutingError, match="no head teacher"):
        assistant.escalate(asker=directory.get("ann@x.org"), question="Q?")


def test_unknown_asker_answered_and_admins_told_once(assistant, people, slack):
    assert assistant.identify(platform="slack", user_id="U_STRANGER") is None
    assert assistant.identify(platform="slack", user_id="U_STRANGER") is None
    result = assistant.ask(question="Can I friend a parent?", asker=None)
    assert result.answer.answered and not result.escalation_offered
    card = answer_card(result, platform=Platform.SLACK)
    assert "staff directory" in result.escalation_blocked and "staff directory" in card.plain_text()
    assert ActionId.ASK_ESCALATE not in [a.id for a in card.actions]
    assert "Ask my line manager" not in card.plain_text()  # never points to a button it does not have
    deliver(assistant)
    alerts = slack.to(people.hr.email, K.ADMIN_ALERT)
    assert len(alerts) == 1 and "U_STRANGER" in alerts[0].text


def test_small_talk_offers_nothing_and_is_not_logged(assistant, people, db):
    from sqlalchemy import select

    from bot.core.storage.models import QuestionLog

    assert not assistant.ask(question="hello", asker=people.amy).escalation_offered
    assistant.ask(question="Is TikTok covered?", asker=people.amy)
    with db.transaction() as s:
        rows = s.scalars(select(QuestionLog)).all()
    assert [(r.question, r.answered, r.status) for r in rows] == [("Is TikTok covered?", False, "not_covered")]
    assert rows[0].asked_at.minute == 0  # rounded to the hour
    assert "asker" not in " ".join(QuestionLog.__table__.columns.keys())


def test_settings_from_env_feed_core_config():
    from bot.composition import core_config
    from bot.settings import Settings

    settings = Settings.from_env({"POLICYBOT_ADMIN_EMAILS": "A@x.org, b@x.org", "POLICYBOT_REPORT_ACK_HOURS": "2",
                                  "POLICYBOT_ESCALATION_REMINDER_DAYS": "0.5", "POLICYBOT_TIMEZONE": "UTC"})
    config = core_config(settings)
    assert config.admin_emails == ("a@x.org", "b@x.org") and config.report_ack_hours == 2
    assert config.escalation_reminder_working_days == 0.5 and config.timezone == "UTC"


def test_query_naming_own_manager_only_in_its_words_goes_past_them(assistant, people, slack):
    """Red-team finding 1: nothing was picked as "concerns"; the manager is only named in the
    question. Tom must not receive a query about himself; it goes to his own manager."""
    view = assistant.escalate(asker=people.amy, question="Tom Ellery posts photos of pupils on Instagram; is that OK?")
    assert view.recipient.email == people.deputy.email
    deliver(assistant)
    assert not slack.to(people.tom.email, K.ESCALATION_NEW)
    assert slack.to(people.deputy.email, K.ESCALATION_NEW)


def test_an_escalated_question_leaves_no_text_in_the_anonymous_log(assistant, people, db):
    """Red-team finding 16: a question the policy does not cover is logged anonymously with its
    words (for insights). Once it goes to a line manager with the asker's name, the log must no
    longer hold those words, or the two could be joined on the text to name the asker."""
    from sqlalchemy import select

    from bot.core.conversation.events import Message
    from bot.core.storage.models import AnswerOffer, Escalation, QuestionLog

    question = "How do I book annual leave for the week after half term?"
    reply = assistant.handle(Message(sender=sender_of(people.amy), text=question))
    with db.transaction() as s:
        assert s.scalars(select(QuestionLog.question)).all() == [question]  # logged, as insights need
    escalate = next(a for a in reply.cards[0].actions if a.id is ActionId.ASK_ESCALATE)
    assert "Sent to Tom Ellery" in press(assistant, people.amy, escalate).cards[0].plain_text()
    with db.transaction() as s:
        assert s.scalar(select(Escalation.question)) == question
        assert s.scalars(select(QuestionLog.question)).all() == [None]  # the log row stays, without its words
        assert s.scalars(select(AnswerOffer.log_id)).all() == [None]    # and the offer no longer points at it
    # Pressing again (Already sent) does not bring anything back.
    press(assistant, people.amy, escalate)
    with db.transaction() as s:
        assert s.scalars(select(QuestionLog.question)).all() == [None]
