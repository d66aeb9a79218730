"""Modal submissions: the core validates; the modal stays open with errors, or turns into a
confirmation. The person's own cards about the item are then updated where the bot posted them."""
from __future__ import annotations

import logging
import re

from slack_bolt.async_app import AsyncApp

from bot.core.conversation.events import Submission
from bot.core.conversation.replies import Reply
from bot.core.forms import FORMS, FieldKind
from bot.slack import modals
from bot.slack.where import Where

log = logging.getLogger(__name__)


def register(bolt: AsyncApp, adapter) -> None:
    @bolt.view(re.compile("^" + re.escape(modals.CALLBACK_PREFIX)))
    async def on_submit(ack, body: dict, view: dict) -> None:
        name = modals.form_name(view)
        if name not in FORMS:
            await ack()
            return
        user = body["user"]["id"]
        values = modals.values(view)
        for field in FORMS[name].fields:
            if field.kind is FieldKind.PEOPLE:
                values[field.name] = await adapter.identity.emails_of(values.get(field.name) or [])
        event = Submission(sender=await adapter.sender(user), form=name, values=values, token=modals.token(view),
                           submission_id=str(view.get("id") or ""))
        reply = await adapter.handle(event)
        if reply.form_errors is not None:
            await ack(response_action="errors", errors=modals.errors(reply.form_errors))
            return
        shown = reply.cards[0] if reply.cards else reply.replace
        if shown is not None:
            await ack(response_action="update", view=modals.done(shown))
        else:
            await ack()
        # The confirmation is the modal itself; the rest (updating the person's cards) follows.
        await adapter.deliver(Reply(updates=reply.updates, audience=reply.audience), Where(user=user))
