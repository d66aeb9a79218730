"""Turning a platform user id into a directory Person; remembering the platform each person uses."""
from __future__ import annotations

import dataclasses
import logging

from sqlalchemy import select

from bot.core import admin_alerts
from bot.core.context import Context
from bot.core.directory.model import Person, Platform
from bot.core.errors import StorageUnavailable, UnknownPerson
from bot.core.storage.models import PlatformSeen

log = logging.getLogger(__name__)

UNKNOWN_MESSAGE = (
    "I can answer from the policy, but I can't find your account in the staff directory, "
    "so I can't pass anything on to your line manager yet. The administrators have been told."
)


def identify(*, ctx: Context, platform: Platform, user_id: str, email: str | None = None) -> Person | None:
    person = ctx.directory.by_platform_id(platform, user_id) if platform is not Platform.CLI else ctx.directory.get(user_id)
    if person is None and email and platform is not Platform.CLI:
        # Listed by e-mail only: the directory has no id for them on this platform (yet).
        found = ctx.directory.get(email)
        if found is not None:
            person = dataclasses.replace(found, **{f"{platform.value}_user_id": user_id})
    try:
        if person is None:
            admin_alerts.unknown_user(ctx=ctx, platform=platform.value, user_id=user_id)
        elif platform is not Platform.CLI:
            _remember_platform(ctx, person, platform)
    except StorageUnavailable:
        log.warning("could not record platform use / unknown user: database unavailable")
    return person


def require(*, ctx: Context, platform: Platform, user_id: str, email: str | None = None) -> Person:
    person = identify(ctx=ctx, platform=platform, user_id=user_id, email=email)
    if person is None:
        raise UnknownPerson(UNKNOWN_MESSAGE)
    return person


def _remember_platform(ctx: Context, person: Person, platform: Platform) -> None:
    # Only the platform is kept (no time), so it cannot be matched against the anonymous question log.
    with ctx.db.transaction() as session:
        current = session.scalar(select(PlatformSeen).where(PlatformSeen.email == person.email))
        if current is None:
            session.add(PlatformSeen(email=person.email, platform=platform.value))
        elif current.platform != platform.value:
            current.platform = platform.value
