"""What Slack says about an account: its profile e-mail (`users.info`, scope `users:read.email`).

The core decides who someone is (`bot.core.identity`: the directory's Slack id first, the
e-mail only for people listed without one); this module only fetches and caches what Slack
reports. Notification recipients without a Slack id are found with `users.lookupByEmail`.
"""
from __future__ import annotations

import logging
from collections import OrderedDict

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.app import Assistant
from bot.core.directory.model import Person

log = logging.getLogger(__name__)


class SlackIds:
    """In-process cache of Slack user id ↔ e-mail learnt from Slack (bounded)."""

    def __init__(self, size: int = 5000):
        self._size = size
        self._email_by_user: OrderedDict[str, str] = OrderedDict()
        self._user_by_email: OrderedDict[str, str] = OrderedDict()

    def remember(self, user_id: str, email: str) -> None:
        email = email.strip().lower()
        for cache, key, value in ((self._email_by_user, user_id, email), (self._user_by_email, email, user_id)):
            cache[key] = value
            cache.move_to_end(key)
            while len(cache) > self._size:
                cache.popitem(last=False)

    def email_of(self, user_id: str) -> str | None:
        return self._email_by_user.get(user_id)

    def user_of(self, email: str) -> str | None:
        return self._user_by_email.get(email.strip().lower())


class SlackIdentity:
    def __init__(self, assistant: Assistant, client: AsyncWebClient, ids: SlackIds):
        self.assistant = assistant
        self.client = client
        self.ids = ids

    async def email_of(self, user_id: str) -> str | None:
        cached = self.ids.email_of(user_id)
        if cached:
            return cached
        try:
            response = await self.client.users_info(user=user_id)
        except SlackApiError as exc:
            log.warning("users.info %s failed: %s", user_id, exc.response.get("error"))
            return None
        except Exception as exc:  # network trouble: treat as unknown for now
            log.warning("users.info %s failed: %s", user_id, exc)
            return None
        user = response.get("user") or {}
        if user.get("is_bot"):
            return None
        email = (user.get("profile") or {}).get("email")
        if email:
            self.ids.remember(user_id, email)
        return email.strip().lower() if email else None

    async def emails_of(self, user_ids: list[str]) -> list[str]:
        """E-mails for people picked in a modal (directory first, then Slack); unknown ids are skipped."""
        emails = []
        for user_id in user_ids:
            person = self.assistant.directory.by_platform_id("slack", user_id)
            email = person.email if person else await self.email_of(user_id)
            if email:
                emails.append(email)
        return emails
