"""Card submits: Teams sends a `message` activity with no text and `value` = the button's data
merged with the card's inputs. A button that carries a form becomes a core `Submission`; any
other becomes a `Press`."""
from __future__ import annotations

from typing import Any, Mapping

from botbuilder.schema import Activity

from bot.core.conversation.events import Event, Press, Sender, Submission, Surface
from bot.core.forms import FORMS
from bot.teams.cards.common import DATA_KEY
from bot.teams.cards.forms import FORM_ACTION, form_values


def submitted_data(value: Any) -> dict | None:
    data = value.get(DATA_KEY) if isinstance(value, Mapping) else None
    return data if isinstance(data, dict) and isinstance(data.get("action"), str) else None


def submission_id(activity: Activity) -> str:
    """Teams resends a failed delivery with the same ids, and a second click on the same card
    carries the same `replyToId`: either way the core sees one submission."""
    conversation = activity.conversation.id if activity.conversation else ""
    return f"{conversation}:{activity.reply_to_id or activity.id or ''}"[:150]


def event_for(activity: Activity, sender: Sender, surface: Surface) -> Event | None:
    """The core event a card submit stands for, or None for data this adapter never made."""
    data = submitted_data(activity.value)
    if data is None:
        return None
    value = {str(k): v for k, v in (data.get("value") or {}).items()} if isinstance(data.get("value"), dict) else {}
    name = str(data.get("form") or "")
    if data["action"] == FORM_ACTION or (name and name in FORMS):
        spec = FORMS.get(name)
        if spec is None:
            return None
        token = data.get("token") if data["action"] == FORM_ACTION else {"a": data["action"], **value}
        values = form_values(spec, activity.value, data.get("preset"))
        return Submission(sender=sender, form=spec.name, values=values, token=dict(token or {}),
                          submission_id=submission_id(activity), surface=surface)
    return Press(sender=sender, action=data["action"], value=value, surface=surface)
