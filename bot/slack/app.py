"""Builds the Bolt `AsyncApp` and the `SlackAdapter` its listeners share.

The adapter translates: a Slack payload becomes a core event, `Assistant.handle` decides, and
the `Reply` is rendered as Block Kit and sent to where Slack allows it (the DM or thread, an
ephemeral message, a modal, the clicked message). Nothing here decides what to answer.
"""
from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict

from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.app import Assistant
from bot.core.content.model import Card
from bot.core.conversation.events import Event, Message, Sender
from bot.core.conversation.replies import Audience, Reply
from bot.core.directory.model import Platform
from bot.core.errors import CoreError, PermanentDeliveryError
from bot.settings import Settings
from bot.slack import modals
from bot.slack.client import build_client
from bot.slack.identity import SlackIdentity, SlackIds
from bot.slack.notifier import SlackNotifier, delivery_error
from bot.slack.render import render
from bot.slack.where import Where

log = logging.getLogger(__name__)


class SeenEvents:
    """Event ids already taken in (bounded), so a retried delivery is processed once."""

    def __init__(self, size: int = 10000):
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._size = size

    def first_time(self, event_id: str) -> bool:
        if event_id in self._seen:
            return False
        self._seen[event_id] = None
        while len(self._seen) > self._size:
            self._seen.popitem(last=False)
        return True


class SlackAdapter:
    def __init__(self, *, assistant: Assistant, client: AsyncWebClient, ready: asyncio.Event | None = None):
        self.assistant = assistant
        self.client = client
        self.ids = SlackIds()
        self.identity = SlackIdentity(assistant, client, self.ids)
        self.notifier = SlackNotifier(client, self.ids, on_posted=self._posted)
        self.seen = SeenEvents()
        self._ready = ready

    # -- in -----------------------------------------------------------------------------------
    async def first_delivery(self, event_id: str) -> bool:
        """Memory first (fast, covers quick retries), then the database (restarts, replicas)."""
        if not self.seen.first_time(event_id):
            return False
        try:
            return await asyncio.to_thread(self.assistant.first_delivery, platform="slack", event_id=event_id)
        except CoreError:
            log.warning("could not record event %s: processing it anyway", event_id)
            return True

    async def sender(self, user_id: str) -> Sender:
        # The profile e-mail is looked up only for people the directory lists without a Slack id.
        email = None
        if self.assistant.directory.by_platform_id(Platform.SLACK, user_id) is None:
            email = await self.identity.email_of(user_id)
        return Sender(platform=Platform.SLACK, user_id=user_id, email=email)

    async def wait_until_ready(self, timeout: float = 120.0) -> None:
        if self._ready is not None and not self._ready.is_set():
            await asyncio.wait_for(self._ready.wait(), timeout)

    async def handle(self, event: Event) -> Reply:
        if isinstance(event, Message):
            await self.wait_until_ready()
        return await asyncio.to_thread(self.assistant.handle, event)

    # -- out ----------------------------------------------------------------------------------
    async def deliver(self, reply: Reply, where: Where) -> None:
        """Send what the core decided, to where Slack allows it for this interaction."""
        if reply.form is not None:
            await self._open_form(reply, where)
        if reply.replace is not None:
            if not await self._replace(reply.replace, where):
                await self._send(reply.replace, where, reply.audience)
        for card in reply.cards:
            await self._send(card, where, reply.audience)
        for update in reply.updates:
            await self.update_cards(update.subject_ref, update.recipient, update.card)

    async def _open_form(self, reply: Reply, where: Where) -> None:
        form = reply.form
        if where.trigger_id:
            await self.client.views_open(trigger_id=where.trigger_id, view=modals.modal(form))
        elif form.opener is not None:
            # A typed message cannot open a modal in Slack: offer the button that does.
            await self._send(Card(title=form.spec.title, blocks=(), actions=(form.opener,),
                                  summary=form.spec.title), where, Audience.SENDER)

    async def _replace(self, card: Card, where: Where) -> bool:
        """Replace the message whose button was pressed. Only through the response_url Slack gave
        for that message (a channel or timestamp in the request is never trusted)."""
        if where.respond is None or not where.message_ts:
            return False
        text, blocks = render(card)
        try:
            await where.respond(text=text, blocks=blocks, replace_original=True)
            return True
        except Exception:
            log.exception("could not replace the message after a button")
            return False

    async def _send(self, card: Card, where: Where, audience: Audience) -> None:
        text, blocks = render(card)
        try:
            if audience is Audience.SENDER and where.respond is not None:
                await where.respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
            elif audience is Audience.SENDER and where.channel and not where.in_dm:
                await self.client.chat_postEphemeral(channel=where.channel, user=where.user, text=text, blocks=blocks)
            elif audience is Audience.SENDER or not where.channel:
                await self.notifier.post_dm(where.user, text=text, blocks=blocks)
            else:
                await self.client.chat_postMessage(channel=where.channel, thread_ts=where.thread_ts, text=text,
                                                   blocks=blocks, unfurl_links=False, unfurl_media=False)
        except Exception as exc:
            error = delivery_error(exc)
            if isinstance(error, PermanentDeliveryError):
                log.error("Slack refused a reply: %s", error)
                return
            # Slack is down or busy: the reply is owed, and reaches the person later as a DM.
            await self._owe(card, where, f"{where.channel}:{where.thread_ts}:{where.message_ts}:{text}")

    async def _owe(self, card: Card, where: Where, key: str) -> None:
        person = await asyncio.to_thread(self.assistant.identify, platform=Platform.SLACK, user_id=where.user)
        if person is None:
            log.warning("Slack did not take a reply to someone not in the directory; it cannot be sent later")
            return
        try:
            await asyncio.to_thread(self.assistant.owe, recipient=person.email, card=card, key=f"slack:{where.user}:{key}")
            log.warning("Slack did not take a reply; it is queued and will be sent as a direct message")
        except CoreError:
            log.error("Slack did not take a reply and the database is unavailable: the reply is lost")

    async def update_cards(self, subject_ref: str, recipient: str, card: Card) -> None:
        """Update the cards about an item that the bot itself posted to this person."""
        locations = await asyncio.to_thread(self.assistant.card_locations, platform=Platform.SLACK,
                                            subject_ref=subject_ref, recipient=recipient)
        text, blocks = render(card)
        for location in locations:
            try:
                await self.client.chat_update(channel=location["channel"], ts=location["ts"], text=text, blocks=blocks)
            except Exception:
                log.exception("could not update a card about %s", subject_ref)

    def _posted(self, notification, channel: str, ts: str) -> None:
        if notification.subject is not None:
            self.assistant.remember_card(platform=Platform.SLACK, subject_ref=notification.subject.ref,
                                         recipient=notification.recipient, location={"channel": channel, "ts": ts})


class _WithoutRequestBodies(logging.Filter):
    """Drops Bolt's "Invalid request signature detected (... body: ...)" lines: they carry the
    refused request's whole body (staff questions, report text)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Invalid request signature")


def _keep_refused_bodies_out_of_the_log() -> None:
    # Bolt logs that line at INFO on a logger whose level it copies from the root logger when the
    # app first dispatches, so setting a level (as `serve` once did) does not reach it; a filter on
    # the logger holds at every level. The HTTP edge (bot/slack/edge.py) already refuses such
    # requests before Bolt sees them; this holds wherever else a request might reach Bolt.
    logger = logging.getLogger("slack_bolt.RequestVerification")
    if not any(isinstance(f, _WithoutRequestBodies) for f in logger.filters):
        logger.addFilter(_WithoutRequestBodies())


def build_bolt_app(settings: Settings, assistant: Assistant, *, ready: asyncio.Event | None = None,
                   client: AsyncWebClient | None = None) -> tuple[AsyncApp, SlackAdapter]:
    """The Bolt app with every listener registered. Signature verification stays on."""
    _keep_refused_bodies_out_of_the_log()
    client = client or build_client(settings)
    bolt = AsyncApp(
        client=client,
        signing_secret=settings.slack_signing_secret or "",
        process_before_response=False,  # ack first (within 3 s), then do the work
        ignoring_self_events_enabled=True,
        raise_error_for_unhandled_request=False,
    )
    adapter = SlackAdapter(assistant=assistant, client=client, ready=ready)

    @bolt.middleware
    async def process_each_event_once(body: dict, resp: BoltResponse, next) -> BoltResponse:
        # Slack re-sends an event (X-Slack-Retry-Num, same event_id) if our ack seemed slow.
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if event_id and not await adapter.first_delivery(event_id):
            log.info("event %s already taken in; retry ignored", event_id)
            return BoltResponse(status=200, body="")
        await next()
        return resp

    from bot.slack.listeners import actions, commands, home, messages, views

    for module in (messages, commands, actions, views, home):
        module.register(bolt, adapter)
    return bolt, adapter
