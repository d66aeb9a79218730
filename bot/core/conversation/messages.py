"""Typed messages: a question (answered from the policy) or a command ("help", "report",
"my queries", "my reports", "suggestions"), and things opened without typing (forms, home)."""
from __future__ import annotations

import dataclasses
import re

from bot.core.asking.types import AskResult
from bot.core.bank import service as bank
from bot.core.content import help as helpcards
from bot.core.content import items
from bot.core.content.answers import answer_card
from bot.core.content.home import home_card
from bot.core.conversation.deps import Deps
from bot.core.conversation.events import Message, Open, Opening, Surface
from bot.core.conversation.replies import Audience, FormRequest, Reply
from bot.core.errors import PermissionDenied, StorageUnavailable, UnknownPerson
from bot.core.escalations import service as escalations
from bot.core.forms import REPORT_OPENER, REPORT_FORM
from bot.core.identity import UNKNOWN_MESSAGE
from bot.core.overview import overview
from bot.core.reports import service as reports
from bot.core.text import cut, safe
from index.types import AnswerStatus, SmallTalk


_COMMAND = re.compile(r"^\s*/?(%s)\s*[.!?]*\s*$" % "|".join(
    re.escape(name) for name in sorted([*(n for n, _ in helpcards.COMMANDS), *helpcards.COMMAND_ALIASES],
                                       key=len, reverse=True)), re.IGNORECASE)
# "ask ..." is how Teams' command menu starts a question; the word itself is not part of it.
_ASK = re.compile(r"^\s*/?ask\s+(?=\S)", re.IGNORECASE)
LONG_NOTICE = "Your message was long, so I read only its first {limit:,} characters."


def handle(conv: Deps, event: Message) -> Reply:
    text, was_cut = cut(safe(event.text).strip())
    command = _COMMAND.match(text)
    if command:
        name = command.group(1).lower()
        return _command(conv, event, helpcards.COMMAND_ALIASES.get(name, name))
    return ask(conv, event, _ASK.sub("", text), notice=LONG_NOTICE.format(limit=len(text)) if was_cut else None)


def ask(conv: Deps, event: Message, text: str, *, notice: str | None = None) -> Reply:
    person = conv.who(event.sender)
    conv.refresh_learned()
    result = conv.asking.ask(answerer=conv.answerer, question=text, asker=person)
    if notice and not result.answer.notice:
        result = AskResult(answer=_with_notice(result.answer, notice), guidance=result.guidance, asker=result.asker,
                           token=result.token, escalation_blocked=result.escalation_blocked)
    answer = result.answer
    platform = event.sender.platform
    if answer.status is AnswerStatus.SMALL_TALK:
        card = {SmallTalk.THANKS: helpcards.thanks_card(), SmallTalk.GREETING: helpcards.greeting_card(platform)}.get(
            answer.small_talk, helpcards.help_card(platform))
    elif answer.status is AnswerStatus.EMPTY:
        card = helpcards.notice_card(answer.notice or "Please type a question.")
    else:
        card = answer_card(result, platform=platform)
    private = event.surface is Surface.PRIVATE
    return Reply(cards=(card,), audience=Audience.SENDER if private else Audience.CONVERSATION)


def _with_notice(answer, notice: str):
    return dataclasses.replace(answer, notice=notice)


def _person_or_refuse(conv: Deps, sender):
    person = conv.who(sender)
    if person is None:
        raise UnknownPerson(UNKNOWN_MESSAGE)
    return person


def _command(conv: Deps, event: Message, name: str) -> Reply:
    platform = event.sender.platform
    if name == "help":
        return Reply(cards=(helpcards.help_card(platform),), audience=_audience(event))
    person = _person_or_refuse(conv, event.sender)
    # Anything about queries and reports is private, whatever the conversation was.
    if name == "report":
        return Reply(form=FormRequest(REPORT_FORM, opener=REPORT_OPENER), audience=Audience.SENDER)
    if name == "my queries":
        card = items.my_queries_card(escalations.list_for(ctx=conv.ctx, actor=person))
    elif name == "my reports":
        card = items.my_reports_card(reports.receipts_for(ctx=conv.ctx, reporter=person))
    else:
        card = suggestions_card(conv, person)
    return Reply(cards=(card,), audience=Audience.SENDER)


def suggestions_card(conv: Deps, person):
    return items.suggestions_card(bank.pending(ctx=conv.ctx, actor=person, policies=conv.answerer.policies))


def _audience(event: Message) -> Audience:
    return Audience.SENDER if event.surface is Surface.PRIVATE else Audience.CONVERSATION


def open_(conv: Deps, event: Open) -> Reply:
    if event.what is Opening.HELP:
        return Reply(cards=(helpcards.help_card(event.sender.platform),), audience=Audience.SENDER)
    if event.what is Opening.REPORT_FORM:
        _person_or_refuse(conv, event.sender)
        return Reply(form=FormRequest(REPORT_FORM, values=dict(event.prefill), opener=REPORT_OPENER), audience=Audience.SENDER)
    return Reply(cards=(home(conv, event),), audience=Audience.SENDER)


def home(conv: Deps, event: Open):
    policies = tuple(conv.answerer.policies)
    person = conv.who(event.sender)
    if person is None:
        return home_card(None, platform=event.sender.platform, policies=policies, notice=UNKNOWN_MESSAGE)
    try:
        try:
            pending = len(bank.pending(ctx=conv.ctx, actor=person, policies=list(policies)))
        except PermissionDenied:
            pending = 0
        items_now = overview(ctx=conv.ctx, person=person, policies=policies, suggestions=pending)
    except StorageUnavailable as exc:
        return home_card(None, platform=event.sender.platform, policies=policies, notice=str(exc))
    return home_card(items_now, platform=event.sender.platform, policies=policies)
