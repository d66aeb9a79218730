"""TeamsNotifier and the proactive sender against the fake Bot Connector: saved references,
creating the 1:1 chat, redelivery dedupe, and HTTP errors mapped to delivery errors."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)

from bot.core.directory.model import Person, Role
from bot.core.errors import PermanentDeliveryError, TransientDeliveryError
from bot.core.notifications.types import Notification, NotificationKind
from bot.teams.auth import BotFrameworkConfig
from bot.teams.notifier import TeamsNotifier
from bot.teams.proactive import ProactiveSender
from bot.teams.references import MemoryReferenceStore
from tests.teams.e2e_support import FakeConnector
from tests.teams.teamsfakes import BOT_ID, TENANT, TOM

TOM_PERSON = Person("Tom Ellery", "tom.ellery@hardmoor.example", Role.MANAGER, teams_user_id=TOM)


@pytest.fixture(scope="module")
def connector():
    return FakeConnector().start()


@pytest.fixture
def notifier(connector):
    connector.calls.clear()
    connector.fail.clear()
    store = MemoryReferenceStore()
    store.note_service(TENANT, connector.url, BOT_ID)
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(BotFrameworkConfig()))
    return TeamsNotifier(ProactiveSender(adapter=adapter, app_id=None, store=store))


def note(id_: str = "n1") -> Notification:
    return Notification(id=id_, recipient=TOM_PERSON.email, kind=NotificationKind.ESCALATION_REMINDER,
                        title="Still waiting", text="Please answer.", created_at=datetime.now(timezone.utc))


async def test_creates_the_chat_once_then_reuses_it_and_dedupes(notifier, connector):
    assert notifier.can_reach(TOM_PERSON) and not notifier.can_reach(Person("X", "x@y", Role.STAFF))
    await notifier.deliver(note("n1"), TOM_PERSON)
    await notifier.deliver(note("n1"), TOM_PERSON)  # redelivery after a crash: not sent twice
    await notifier.deliver(note("n2"), TOM_PERSON)
    paths = [c.path for c in connector.calls]
    assert paths.count("/v3/conversations") == 1
    created = connector.calls[0].body
    assert created["members"] == [{"id": TOM}] and created["bot"]["id"] == BOT_ID
    sends = [c for c in connector.calls if c.path.endswith("/activities")]
    assert len(sends) == 2 and all(c.cards for c in sends) and sends[0].body["summary"] == "Still waiting"


@pytest.mark.parametrize("status,error", [(429, TransientDeliveryError), (503, TransientDeliveryError),
                                          (400, PermanentDeliveryError)])
async def test_connector_errors_become_delivery_errors(notifier, connector, status, error):
    connector.fail["/v3/conversations"] = status
    with pytest.raises(error):
        await notifier.deliver(note(), TOM_PERSON)


async def test_a_stale_saved_chat_falls_back_to_a_new_one(notifier, connector):
    await notifier.deliver(note("n1"), TOM_PERSON)
    conversation = connector.calls[-1].conversation
    connector.fail[f"/v3/conversations/{conversation}"] = 403  # e.g. the app was removed and reinstalled
    await notifier.deliver(note("n2"), TOM_PERSON)
    assert [c.path for c in connector.calls].count("/v3/conversations") == 2


async def test_network_failure_and_unknown_tenant_are_transient(connector):
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(BotFrameworkConfig()))
    store = MemoryReferenceStore()
    unknown = TeamsNotifier(ProactiveSender(adapter=adapter, app_id=None, store=store))
    with pytest.raises(TransientDeliveryError):
        await unknown.deliver(note(), TOM_PERSON)
    store.note_service(TENANT, "http://127.0.0.1:9/", BOT_ID)  # nothing listens there
    with pytest.raises(TransientDeliveryError):
        await unknown.deliver(note(), TOM_PERSON)


def test_without_an_app_id_teams_is_offered_only_once_a_local_connector_is_known(connector):
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(BotFrameworkConfig()))
    store = MemoryReferenceStore()
    emulator = TeamsNotifier(ProactiveSender(adapter=adapter, app_id=None, store=store))
    assert not emulator.configured  # e.g. a Slack-only deployment: nobody is routed to Teams
    store.note_service(TENANT, connector.url, BOT_ID)  # the emulator talked to the bot
    assert emulator.configured
    azure = TeamsNotifier(ProactiveSender(adapter=adapter, app_id="app-id", store=MemoryReferenceStore()))
    assert azure.configured
