"""Teams users are matched to the directory by `teams_user_id` = `from.aadObjectId`."""
from __future__ import annotations

import asyncio

from botbuilder.schema import Activity

from bot.core.app import Assistant
from bot.core.directory.model import Person, Platform


def aad_object_id(activity: Activity) -> str | None:
    sender = activity.from_property
    value = getattr(sender, "aad_object_id", None) if sender else None
    return value.strip().lower() if value else None


async def identify(assistant: Assistant, activity: Activity) -> Person | None:
    user_id = aad_object_id(activity)
    if not user_id:
        return None
    return await asyncio.to_thread(assistant.identify, platform=Platform.TEAMS, user_id=user_id)


async def actor(assistant: Assistant, activity: Activity) -> Person:
    """The acting directory person; raises `UnknownPerson` (a user-facing sentence) otherwise."""
    user_id = aad_object_id(activity) or "(no Azure AD id)"
    return await asyncio.to_thread(assistant.actor, platform=Platform.TEAMS, user_id=user_id)
