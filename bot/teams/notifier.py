"""`TeamsNotifier`: the core's Notifier for Teams. The outbox dispatcher calls it for every
notification whose recipient is best reached on Teams (escalations, reports, reminders).

It only offers itself when it can deliver: with an Azure Bot app id, or, in local/emulator
mode (no `MicrosoftAppId`), once a local Bot Connector has talked to the bot. A Slack-only
deployment that still mounts the Teams endpoint therefore never routes anyone to Teams.
"""
from __future__ import annotations

from collections import OrderedDict

from botbuilder.schema import Activity, ActivityTypes, Attachment

from bot.core.content.items import notification_card
from bot.core.directory.model import Person
from bot.core.notifications.types import Notification
from bot.teams.cards.common import CONTENT_TYPE
from bot.teams.cards.render import render
from bot.teams.proactive import ProactiveSender

_REMEMBERED = 2000


def card_activity(content: dict, *, summary: str | None = None) -> Activity:
    return Activity(type=ActivityTypes.message, summary=summary,
                    attachments=[Attachment(content_type=CONTENT_TYPE, content=content)])


class TeamsNotifier:
    platform = "teams"

    def __init__(self, sender: ProactiveSender):
        self.sender = sender
        self._delivered: OrderedDict[str, None] = OrderedDict()  # notification ids, for redeliveries

    @property
    def configured(self) -> bool:
        if not isinstance(self.sender, ProactiveSender):
            return True  # another sender (a test double) knows where it delivers
        if self.sender.app_id:
            return True
        # Emulator mode: without an app id only a connector this machine has seen can be used.
        _, service_url = self.sender.store.service_for(self.sender.tenant_id)
        return service_url is not None

    def can_reach(self, person: Person) -> bool:
        return bool(person.teams_user_id)

    async def deliver(self, notification: Notification, person: Person) -> None:
        if notification.id in self._delivered:
            return
        activity = card_activity(render(notification_card(notification)), summary=notification.title)
        await self.sender.send(person.teams_user_id or "", [activity])
        self._delivered[notification.id] = None
        while len(self._delivered) > _REMEMBERED:
            self._delivered.popitem(last=False)
