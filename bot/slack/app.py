"""Builds the Bolt `AsyncApp` and the `SlackAdapter` its listeners share.

The adapter holds the core `Assistant`, the Web API client and the helpers every listener
needs (who is acting, asking, error sentences). Listeners live in `bot.slack.listeners`.
"""
from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.app import Assistant
from bot.core.directory.model import Person
from bot.core.errors import CoreError, UnknownPerson
from bot.core.identity import UNKNOWN_MESSAGE
from bot.settings import Settings
from bot.slack.blocks.answer import render_answer
from bot.slack.client import build_client
from bot.slack.escape import escape
from bot.slack.identity import SlackIdentity, SlackIds
from bot.slack.notifier import SlackNotifier

log = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side. Please try again in a minute."


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
        self.notifier = SlackNotifier(client, self.ids)
        self.seen = SeenEvents()
        self._ready = ready
        # The policy index is not documented as thread-safe: one question at a time (each takes ~20 ms).
        self._ask_lock = asyncio.Lock()

    async def first_delivery(self, event_id: str) -> bool:
        """Memory first (fast, covers quick retries), then the database (restarts, replicas)."""
        if not self.seen.first_time(event_id):
            return False
        try:
            return await asyncio.to_thread(self.assistant.first_delivery, platform="slack", event_id=event_id)
        except CoreError:
            log.warning("could not record event %s: processing it anyway", event_id)
            return True

    async def person(self, user_id: str) -> Person | None:
        return await self.identity.person(user_id)

    async def wait_until_ready(self, timeout: float = 120.0) -> None:
        if self._ready is not None and not self._ready.is_set():
            await asyncio.wait_for(self._ready.wait(), timeout)

    async def answer(self, user_id: str, question: str) -> tuple[str, list[dict]]:
        """(fallback text, blocks) answering `question` for the Slack user `user_id`."""
        try:
            person = await self.person(user_id)
            await self.wait_until_ready()
            async with self._ask_lock:
                result = await asyncio.to_thread(self.assistant.ask, question=question, asker=person)
            return render_answer(result)
        except CoreError as exc:
            return escape(str(exc)), [{"type": "section", "text": {"type": "mrkdwn", "text": escape(str(exc))}}]
        except Exception:
            log.exception("answering a question failed")
            return SORRY, [{"type": "section", "text": {"type": "mrkdwn", "text": SORRY}}]

    async def actor(self, user_id: str) -> Person:
        person = await self.person(user_id)
        if person is None:
            raise UnknownPerson(UNKNOWN_MESSAGE)
        return person

    async def call(self, method, /, **kwargs) -> Any:
        """Run a (blocking) core call in a worker thread."""
        return await asyncio.to_thread(method, **kwargs)

    async def say_privately(self, body: dict, respond, text: str, blocks: list | None = None) -> None:
        """Show `text` only to the person who acted: via response_url, else chat.postEphemeral/DM."""
        try:
            if body.get("response_url") or (body.get("response_urls") or []):
                await respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
                return
            user = (body.get("user") or {}).get("id") or body.get("user_id")
            channel = (body.get("channel") or {}).get("id") or body.get("channel_id")
            if channel and not str(channel).startswith("D"):
                await self.client.chat_postEphemeral(channel=channel, user=user, text=text, blocks=blocks)
            elif user:
                await self.notifier.post_dm(user, text=text, blocks=blocks)
        except Exception:
            log.exception("could not tell the user: %s", text[:100])


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
