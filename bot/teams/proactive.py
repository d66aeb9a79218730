"""Sending to one Teams user privately, outside the turn they started: via the saved reference
to their personal chat, else by creating that chat through the connector (`POST /v3/conversations`
with the tenant id and their Azure AD object id). Connector failures become delivery errors."""
from __future__ import annotations

import asyncio
import logging
from typing import Sequence

import aiohttp
from botbuilder.core import BotAdapter, TurnContext
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount, ConversationParameters, ConversationReference
from msrest.exceptions import ClientRequestError, HttpOperationError

from bot.core.errors import PermanentDeliveryError, TransientDeliveryError
from bot.teams.references import ReferenceStore, to_reference

log = logging.getLogger(__name__)

DEFAULT_SERVICE_URL = "https://smba.trafficmanager.net/teams/"
_GONE = {403, 404}  # bot uninstalled / chat gone: the saved reference is stale


class ProactiveSender:
    def __init__(self, *, adapter: BotAdapter, app_id: str | None, store: ReferenceStore,
                 service_url: str | None = None, tenant_id: str | None = None):
        self.adapter = adapter
        self.app_id = app_id or ""
        self.store = store
        self.service_url = service_url or DEFAULT_SERVICE_URL
        self.tenant_id = tenant_id

    async def send(self, aad_id: str, activities: Sequence[Activity], *, member_id: str | None = None) -> None:
        """Deliver `activities` to the user's personal chat. Raises a DeliveryError on failure."""
        saved = self.store.get(aad_id)
        if saved:
            try:
                await self._guarded(self.adapter.continue_conversation(to_reference(saved), _sender(activities),
                                                                       self.app_id))
                return
            except PermanentDeliveryError as exc:
                log.warning("saved Teams conversation for %s refused (%s); creating a new one", aad_id, exc)
        await self._guarded(self._create(aad_id, activities, member_id))

    async def _create(self, aad_id: str, activities: Sequence[Activity], member_id: str | None) -> None:
        tenant, service_url = self.store.service_for(self.tenant_id)
        if not tenant:
            raise TransientDeliveryError("no Teams tenant id known yet (set MicrosoftAppTenantId, or wait "
                                         "until someone from the tenant messages the bot)")
        bot = ChannelAccount(id=self.store.bot_id or f"28:{self.app_id}")
        params = ConversationParameters(is_group=False, bot=bot, members=[ChannelAccount(id=member_id or aad_id)],
                                        tenant_id=tenant, channel_data={"tenant": {"id": tenant}})
        service_url = service_url or self.service_url
        send = _sender(activities)

        async def on_created(turn: TurnContext) -> None:
            reference = ConversationReference(
                channel_id="msteams", service_url=service_url, bot=bot,
                user=ChannelAccount(id=member_id or aad_id, aad_object_id=aad_id),
                conversation=ConversationAccount(id=turn.activity.conversation.id, conversation_type="personal",
                                                 tenant_id=tenant))
            self.store.save(aad_id, reference.serialize())
            await send(turn)

        await self.adapter.create_conversation(self.app_id, on_created, params, "msteams", service_url)

    @staticmethod
    async def _guarded(call) -> None:
        try:
            await call
        except HttpOperationError as exc:
            status = getattr(exc.response, "status_code", None) or 0
            if status == 429 or status >= 500:
                raise TransientDeliveryError(f"Bot Connector returned HTTP {status}") from exc
            raise PermanentDeliveryError(f"Bot Connector returned HTTP {status}") from exc
        except (ClientRequestError, aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            raise TransientDeliveryError(f"Bot Connector unreachable: {exc.__class__.__name__}") from exc


def _sender(activities: Sequence[Activity]):
    async def send(turn: TurnContext) -> None:
        turn.activity.id = None  # a new message in the chat, not a reply to the (synthetic) trigger
        await turn.send_activities([_copy(a) for a in activities])
    return send


def _copy(activity: Activity) -> Activity:
    return Activity().deserialize(activity.serialize())
