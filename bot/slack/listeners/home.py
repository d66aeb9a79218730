"""The App Home tab: the core's home card, published when someone opens it."""
from __future__ import annotations

import asyncio
import logging

from slack_bolt.async_app import AsyncApp

from bot.core.conversation.events import Open, Opening
from bot.slack.render import card_blocks

log = logging.getLogger(__name__)
VIEW_BLOCK_LIMIT = 100


def register(bolt: AsyncApp, adapter) -> None:
    @bolt.event("app_home_opened")
    async def home_opened(event: dict) -> None:
        if event.get("tab", "home") != "home":
            return
        user = event["user"]
        try:
            await adapter.wait_until_ready(timeout=5)
        except asyncio.TimeoutError:
            pass
        reply = await adapter.handle(Open(sender=await adapter.sender(user), what=Opening.HOME))
        blocks = [b for card in reply.cards for b in card_blocks(card)][:VIEW_BLOCK_LIMIT]
        try:
            await adapter.client.views_publish(user_id=user, view={"type": "home", "blocks": blocks})
        except Exception:
            log.exception("could not publish the App Home")
