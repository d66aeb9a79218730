"""`SlackNotifier`: the core's Notifier for Slack. Every notification is a DM from the bot."""
from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import Callable

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.directory.model import Person
from bot.core.errors import PermanentDeliveryError, TransientDeliveryError
from bot.core.notifications.types import Notification
from bot.core.content.items import notification_card
from bot.slack.render import render
from bot.slack.identity import SlackIds

log = logging.getLogger(__name__)

# Slack error codes worth retrying later; anything else is permanent for this message.
_TRANSIENT_ERRORS = {
    "ratelimited", "rate_limited", "service_unavailable", "fatal_error", "internal_error", "request_timeout",
    "team_added_to_org", "invalid_auth", "not_authed", "token_expired", "account_inactive",
}
METADATA_EVENT = "policybot_notification"


def delivery_error(exc: Exception) -> Exception:
    """Map a Slack/network failure to the core's Transient/PermanentDeliveryError."""
    if isinstance(exc, SlackApiError):
        status = getattr(exc.response, "status_code", 200)
        error = str(exc.response.get("error") or "")
        if status == 429 or status >= 500 or error in _TRANSIENT_ERRORS:
            return TransientDeliveryError(f"slack {status} {error}".strip())
        return PermanentDeliveryError(f"slack refused: {error or status}")
    if isinstance(exc, (aiohttp.ClientError, asyncio.TimeoutError, OSError)):
        return TransientDeliveryError(f"network: {exc.__class__.__name__}: {exc}")
    return TransientDeliveryError(f"{exc.__class__.__name__}: {exc}")


class SlackNotifier:
    platform = "slack"

    def __init__(self, client: AsyncWebClient, ids: SlackIds, *, remember: int = 10000,
                 on_posted: Callable[[Notification, str, str], None] | None = None):
        self.client = client
        self.ids = ids
        # Told (notification, channel, ts) after each post, so actions can update that card later.
        self.on_posted = on_posted
        self._channels: dict[str, str] = {}
        self._delivered: OrderedDict[str, None] = OrderedDict()
        self._remember = remember

    @property
    def configured(self) -> bool:
        return bool(self.client.token)

    def can_reach(self, person: Person) -> bool:
        # Without a Slack id, users.lookupByEmail can still find anyone whose e-mail Slack knows.
        return bool(person.slack_user_id or person.email)

    async def deliver(self, notification: Notification, person: Person) -> None:
        if notification.id in self._delivered:
            log.info("notification %s already delivered to Slack; skipped", notification.id)
            return
        text, blocks = render(notification_card(notification))
        try:
            user_id = await self.user_id(person)
            channel = await self.dm_channel(user_id)
            posted = await self.client.chat_postMessage(
                channel=channel, text=text, blocks=blocks, unfurl_links=False, unfurl_media=False,
                metadata={"event_type": METADATA_EVENT,
                          "event_payload": {"id": notification.id, "kind": notification.kind.value}},
            )
        except (PermanentDeliveryError, TransientDeliveryError):
            raise
        except Exception as exc:
            raise delivery_error(exc) from exc
        if self.on_posted is not None and posted.get("ts"):
            try:
                await asyncio.to_thread(self.on_posted, notification, channel, posted["ts"])
            except Exception:  # the message is delivered; only later card updates miss it
                log.warning("could not record where notification %s was posted", notification.id)
        self._delivered[notification.id] = None
        while len(self._delivered) > self._remember:
            self._delivered.popitem(last=False)

    async def user_id(self, person: Person) -> str:
        if person.slack_user_id:
            return person.slack_user_id
        cached = self.ids.user_of(person.email)
        if cached:
            return cached
        try:
            response = await self.client.users_lookupByEmail(email=person.email)
        except SlackApiError as exc:
            if exc.response.get("error") == "users_not_found":
                raise PermanentDeliveryError(f"no Slack user with the e-mail {person.email}") from exc
            raise
        user_id = response["user"]["id"]
        self.ids.remember(user_id, person.email)
        return user_id

    async def dm_channel(self, user_id: str) -> str:
        channel = self._channels.get(user_id)
        if channel is None:
            response = await self.client.conversations_open(users=user_id)
            channel = response["channel"]["id"]
            self._channels[user_id] = channel
        return channel

    async def post_dm(self, user_id: str, *, text: str, blocks: list | None = None) -> None:
        """A direct message that is not a core notification (e.g. a report receipt)."""
        channel = await self.dm_channel(user_id)
        await self.client.chat_postMessage(channel=channel, text=text, blocks=blocks,
                                           unfurl_links=False, unfurl_media=False)
