"""`SlackNotifier`: the core's Notifier for Slack. Every notification is a DM from the bot.

Each DM carries the notification id in its message metadata. When an earlier attempt may
have arrived (the process died, or the answer to chat.postMessage was lost), the outbox
asks `find_delivered`, which looks for that id in the DM's history around the time of the
attempt (conversations.history with include_all_metadata; needs only im:history).
Deliveries use a client without automatic retries: a 429 becomes `RateLimited` and the
outbox reschedules the message after Retry-After instead of sleeping while it holds it.
"""
from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from datetime import datetime, timedelta
from typing import Callable

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.content.items import notification_card
from bot.core.directory.model import Person
from bot.core.errors import DeliveryError, PermanentDeliveryError, TransientDeliveryError
from bot.core.notifications.ports import NotSent, RateLimited
from bot.core.notifications.types import Notification
from bot.slack.client import without_retries
from bot.slack.identity import SlackIds
from bot.slack.render import render

log = logging.getLogger(__name__)

# Slack error codes worth retrying later; anything else is permanent for this message.
_TRANSIENT_ERRORS = {
    "ratelimited", "rate_limited", "service_unavailable", "fatal_error", "internal_error", "request_timeout",
    "team_added_to_org", "invalid_auth", "not_authed", "token_expired", "account_inactive",
}
# Slack's own words for these: some aspect of the operation may have succeeded.
_MAYBE_DONE_ERRORS = {"fatal_error", "internal_error", "request_timeout"}
METADATA_EVENT = "policybot_notification"
# The window searched for an earlier attempt: a post is answered within the client timeout,
# and Slack's clock (message ts) may differ a little from ours.
_LOOK_BEFORE, _LOOK_AFTER = timedelta(minutes=2), timedelta(minutes=15)
_HISTORY_PAGES, _HISTORY_PAGE_SIZE = 5, 200
_DEFAULT_RETRY_AFTER = 30.0


def delivery_error(exc: Exception, *, may_have_posted: bool = True) -> DeliveryError:
    """Map a Slack/network failure to the core's delivery errors. `may_have_posted`: the call
    that failed was the post itself, so a timeout or 5xx may still have delivered it."""
    if isinstance(exc, SlackApiError):
        status = getattr(exc.response, "status_code", 200)
        error = str(exc.response.get("error") or "")
        if status == 429 or error in ("ratelimited", "rate_limited"):
            return RateLimited(f"slack 429 {error}".strip(), retry_after=_retry_after(exc.response))
        if status >= 500 or error in _MAYBE_DONE_ERRORS:
            return (TransientDeliveryError if may_have_posted else NotSent)(f"slack {status} {error}".strip())
        if error in _TRANSIENT_ERRORS:  # Slack answered, and did not post
            return NotSent(f"slack {status} {error}".strip())
        return PermanentDeliveryError(f"slack refused: {error or status}")
    kind = TransientDeliveryError if may_have_posted else NotSent
    if isinstance(exc, (aiohttp.ClientError, asyncio.TimeoutError, OSError)):
        return kind(f"network: {exc.__class__.__name__}: {exc}")
    return kind(f"{exc.__class__.__name__}: {exc}")


def _retry_after(response) -> float:
    headers = getattr(response, "headers", None) or {}
    for name, value in headers.items():
        if name.lower() == "retry-after":
            try:
                return max(float(value), 1.0)
            except (TypeError, ValueError):
                break
    return _DEFAULT_RETRY_AFTER


def _is_for(message: dict, notification_id: str) -> bool:
    metadata = message.get("metadata") or {}
    return metadata.get("event_type") == METADATA_EVENT and (metadata.get("event_payload") or {}).get("id") == notification_id


class SlackNotifier:
    platform = "slack"

    def __init__(self, client: AsyncWebClient, ids: SlackIds, *, remember: int = 10000,
                 on_posted: Callable[[Notification, str, str], None] | None = None):
        self.client = client  # shared with the listeners (waits out 429s itself)
        self._api = without_retries(client)  # for outbox deliveries
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
        channel = await self._dm_for(person)
        try:
            posted = await self._api.chat_postMessage(
                channel=channel, text=text, blocks=blocks, unfurl_links=False, unfurl_media=False,
                metadata={"event_type": METADATA_EVENT,
                          "event_payload": {"id": notification.id, "kind": notification.kind.value}},
            )
        except Exception as exc:
            raise delivery_error(exc) from exc
        await self._posted(notification, channel, posted.get("ts"))
        self._seen(notification.id)

    async def find_delivered(self, notification: Notification, person: Person, *, since: datetime) -> bool:
        """Whether a DM with this notification's id is in the person's DM around `since`."""
        if notification.id in self._delivered:
            return True
        try:
            channel = await self._dm_for(person)
        except PermanentDeliveryError:
            return False  # no DM can be opened with them, so none can have arrived
        cursor = None
        for _ in range(_HISTORY_PAGES):
            try:
                page = await self._api.conversations_history(
                    channel=channel, include_all_metadata=True, inclusive=True, limit=_HISTORY_PAGE_SIZE,
                    oldest=f"{(since - _LOOK_BEFORE).timestamp():.6f}",
                    latest=f"{(since + _LOOK_AFTER).timestamp():.6f}", cursor=cursor)
            except Exception as exc:
                error = delivery_error(exc, may_have_posted=False)
                if isinstance(error, PermanentDeliveryError):
                    # e.g. missing_scope (an app from an old manifest): sending again is the lesser harm.
                    log.warning("cannot read the DM history to check notification %s: %s", notification.id, error)
                    return False
                raise error from exc
            found = next((m for m in page.get("messages") or () if _is_for(m, notification.id)), None)
            if found is not None:
                await self._posted(notification, channel, found.get("ts"))
                self._seen(notification.id)
                return True
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return False
        raise NotSent("too many messages around the earlier attempt to be sure; checked again later")

    async def _posted(self, notification: Notification, channel: str, ts: str | None) -> None:
        if self.on_posted is None or not ts:
            return
        try:
            await asyncio.to_thread(self.on_posted, notification, channel, ts)
        except Exception:  # the message is delivered; only later card updates miss it
            log.warning("could not record where notification %s was posted", notification.id)

    def _seen(self, notification_id: str) -> None:
        self._delivered[notification_id] = None
        while len(self._delivered) > self._remember:
            self._delivered.popitem(last=False)

    async def _dm_for(self, person: Person) -> str:
        try:
            return await self.dm_channel(await self.user_id(person), client=self._api)
        except DeliveryError:
            raise
        except Exception as exc:  # nothing has been posted yet
            raise delivery_error(exc, may_have_posted=False) from exc

    async def user_id(self, person: Person) -> str:
        if person.slack_user_id:
            return person.slack_user_id
        cached = self.ids.user_of(person.email)
        if cached:
            return cached
        try:
            response = await self._api.users_lookupByEmail(email=person.email)
        except SlackApiError as exc:
            if exc.response.get("error") == "users_not_found":
                raise PermanentDeliveryError(f"no Slack user with the e-mail {person.email}") from exc
            raise
        user_id = response["user"]["id"]
        self.ids.remember(user_id, person.email)
        return user_id

    async def dm_channel(self, user_id: str, *, client: AsyncWebClient | None = None) -> str:
        channel = self._channels.get(user_id)
        if channel is None:
            response = await (client or self.client).conversations_open(users=user_id)
            channel = response["channel"]["id"]
            self._channels[user_id] = channel
        return channel

    async def post_dm(self, user_id: str, *, text: str, blocks: list | None = None) -> None:
        """A direct message that is not a core notification (e.g. a report receipt)."""
        channel = await self.dm_channel(user_id)
        await self.client.chat_postMessage(channel=channel, text=text, blocks=blocks,
                                           unfurl_links=False, unfurl_media=False)
