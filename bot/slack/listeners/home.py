"""The App Home tab, published when someone opens it."""
from __future__ import annotations

import asyncio
import logging

from slack_bolt.async_app import AsyncApp

from bot.core.directory.model import Person
from bot.core.errors import CoreError
from bot.core.identity import UNKNOWN_MESSAGE
from bot.slack.blocks.home import HomeData, home_view

log = logging.getLogger(__name__)


async def home_data(adapter, person: Person | None) -> HomeData:
    policies = []
    try:
        await adapter.wait_until_ready(timeout=5)
        policies = list(adapter.assistant.answerer.policies)
    except (asyncio.TimeoutError, RuntimeError):
        pass
    if person is None:
        return HomeData(person=None, policies=policies, notice=UNKNOWN_MESSAGE)
    items = await adapter.call(adapter.assistant.overview, person=person)
    return HomeData(person=person, asked=list(items.asked), waiting=list(items.waiting), reports=list(items.reports),
                    my_reports=list(items.my_reports), policies=policies,
                    show_policy_status=items.watches_policy_review)


def register(bolt: AsyncApp, adapter) -> None:
    @bolt.event("app_home_opened")
    async def home_opened(event: dict) -> None:
        if event.get("tab", "home") != "home":
            return
        user_id = event["user"]
        try:
            person = await adapter.person(user_id)
            data = await home_data(adapter, person)
        except CoreError as exc:
            data = HomeData(person=None, notice=str(exc))
        except Exception:
            log.exception("building the App Home failed")
            data = HomeData(person=None, notice="Sorry, I couldn't load your items just now.")
        try:
            await adapter.client.views_publish(user_id=user_id, view=home_view(data))
        except Exception:
            log.exception("could not publish the App Home")
