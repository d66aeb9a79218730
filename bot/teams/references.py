"""Conversation references: where to reach each Teams user proactively.

A reference is saved whenever someone talks to the bot in a personal chat or installs it
(`conversationUpdate` with the bot in `membersAdded`, `installationUpdate`). Without one, the
notifier creates the 1:1 chat through the connector (`POST /v3/conversations`), which needs
only the tenant id and a service URL, so the last ones seen are kept too.

`DatabaseReferenceStore` keeps them in the core's platform-address table, so they survive
restarts and are shared by replicas (as BotBuilder-Samples' proactive-messages sample advises);
`MemoryReferenceStore` is for tests of the turn logic.
"""
from __future__ import annotations

import logging
import threading
from typing import Protocol

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ConversationReference

from bot.core.app import Assistant
from bot.core.directory.model import Platform
from bot.core.errors import StorageUnavailable

log = logging.getLogger(__name__)


class ReferenceStore(Protocol):
    def save(self, user_id: str, reference: dict) -> None:
        """Keep the personal-chat reference for an Azure AD object id (lower-cased)."""

    def get(self, user_id: str) -> dict | None: ...

    def note_service(self, tenant_id: str, service_url: str, bot_id: str | None = None) -> None:
        """Remember the service URL (and bot account id) Teams used for a tenant."""

    def service_for(self, tenant_id: str | None) -> tuple[str | None, str | None]:
        """(tenant id, service URL) last seen for `tenant_id`, or for any tenant if it is None."""

    @property
    def bot_id(self) -> str | None:
        """The bot's own Teams account id ("28:..."), as last seen."""


class MemoryReferenceStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._refs: dict[str, dict] = {}
        self._services: dict[str, str] = {}
        self._last_tenant: str | None = None
        self.bot_id: str | None = None

    def save(self, user_id: str, reference: dict) -> None:
        with self._lock:
            self._refs[user_id.lower()] = dict(reference)

    def get(self, user_id: str) -> dict | None:
        with self._lock:
            found = self._refs.get(user_id.lower())
            return dict(found) if found else None

    def note_service(self, tenant_id: str, service_url: str, bot_id: str | None = None) -> None:
        with self._lock:
            self._services[tenant_id] = service_url
            self._last_tenant = tenant_id
            self.bot_id = bot_id or self.bot_id

    def service_for(self, tenant_id: str | None) -> tuple[str | None, str | None]:
        with self._lock:
            tenant = tenant_id or self._last_tenant
            return tenant, self._services.get(tenant or "")


class DatabaseReferenceStore(MemoryReferenceStore):
    """Write-through to the core's durable address table, read-through with a memory cache.

    Only changes are written, so a chat message costs no database write once its sender's
    reference is known. A database outage degrades to memory only (the connector fallback
    still reaches people), and is logged.
    """

    _SERVICE_KEY = "service:{tenant}"
    _LAST_KEY = "service:last"

    def __init__(self, assistant: Assistant) -> None:
        super().__init__()
        self._assistant = assistant

    def save(self, user_id: str, reference: dict) -> None:
        if MemoryReferenceStore.get(self, user_id) == reference:
            return
        super().save(user_id, reference)
        self._write(f"user:{user_id.lower()}", reference)

    def get(self, user_id: str) -> dict | None:
        found = super().get(user_id)
        if found is None:
            found = self._read(f"user:{user_id.lower()}")
            if found is not None:
                super().save(user_id, found)
        return found

    def note_service(self, tenant_id: str, service_url: str, bot_id: str | None = None) -> None:
        with self._lock:
            unchanged = self._services.get(tenant_id) == service_url and self._last_tenant == tenant_id and (
                bot_id is None or bot_id == self.bot_id)
        if unchanged:
            return
        super().note_service(tenant_id, service_url, bot_id)
        data = {"tenant_id": tenant_id, "service_url": service_url, "bot_id": self.bot_id}
        self._write(self._SERVICE_KEY.format(tenant=tenant_id), data)
        self._write(self._LAST_KEY, data)

    def service_for(self, tenant_id: str | None) -> tuple[str | None, str | None]:
        tenant, service_url = super().service_for(tenant_id)
        if service_url:
            return tenant, service_url
        key = self._SERVICE_KEY.format(tenant=tenant_id) if tenant_id else self._LAST_KEY
        saved = self._read(key)
        if not saved:
            return tenant, None
        super().note_service(saved["tenant_id"], saved["service_url"], saved.get("bot_id"))
        return saved["tenant_id"], saved["service_url"]

    def _write(self, key: str, data: dict) -> None:
        try:
            self._assistant.remember_address(platform=Platform.TEAMS, key=key, data=data)
        except StorageUnavailable:
            log.warning("could not save a Teams conversation reference: database unavailable")

    def _read(self, key: str) -> dict | None:
        try:
            return self._assistant.recall_address(platform=Platform.TEAMS, key=key)
        except StorageUnavailable:
            log.warning("could not read a Teams conversation reference: database unavailable")
            return None


def tenant_of(activity: Activity) -> str | None:
    conversation = activity.conversation
    if conversation is not None and getattr(conversation, "tenant_id", None):
        return conversation.tenant_id
    channel_data = activity.channel_data or {}
    tenant = channel_data.get("tenant") if isinstance(channel_data, dict) else None
    return tenant.get("id") if isinstance(tenant, dict) else None


def is_personal(activity: Activity) -> bool:
    conversation = activity.conversation
    return conversation is not None and (conversation.conversation_type or "personal") == "personal"


def remember(store: ReferenceStore, activity: Activity) -> None:
    """Record what this incoming activity tells us about reaching its sender later."""
    tenant = tenant_of(activity)
    if tenant and activity.service_url:
        bot = activity.recipient.id if activity.recipient else None
        store.note_service(tenant, activity.service_url, bot)
    user = activity.from_property
    aad_id = getattr(user, "aad_object_id", None) if user else None
    if not aad_id or not is_personal(activity):
        return  # channel conversations are never used for anything private
    reference = TurnContext.get_conversation_reference(activity)
    reference.activity_id = None  # proactive messages start a new exchange, not a reply
    data = reference.serialize()
    if tenant:
        data["conversation"]["tenantId"] = tenant
    store.save(aad_id, data)


def to_reference(data: dict) -> ConversationReference:
    return ConversationReference().deserialize(data)
