"""Turning a platform account into a directory Person; remembering the platform each person uses.

A directory id, where the directory has one, *is* the identity: an account is matched by the
e-mail its platform reports only when the directory lists that person with no id on that
platform. An account whose e-mail belongs to someone listed with a different id is refused and
the administrators are told (a profile e-mail can be edited; the id cannot).
"""
from __future__ import annotations

import dataclasses
import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

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
    directory = ctx.directory
    if platform is Platform.CLI:
        return directory.get(user_id)
    person = directory.by_platform_id(platform, user_id)
    mismatch = None
    if person is None and email:
        found = directory.get(email)
        if found is not None and not found.platform_id(platform):
            # Listed by e-mail only: the directory has no id for them on this platform (yet).
            person = dataclasses.replace(found, **{f"{platform.value}_user_id": user_id})
        elif found is not None:
            mismatch = found
    try:
        if mismatch is not None:
            log.warning("refused a %s account whose profile e-mail belongs to someone listed with another id",
                        platform.value)
            admin_alerts.identity_mismatch(ctx=ctx, platform=platform.value, user_id=user_id, person=mismatch)
        elif person is None:
            admin_alerts.unknown_user(ctx=ctx, platform=platform.value, user_id=user_id)
        else:
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
        if current is not None:
            if current.platform != platform.value:
                current.platform = platform.value
            return
        try:
            with session.begin_nested():  # a person's concurrent first requests: one insert wins
                session.add(PlatformSeen(email=person.email, platform=platform.value))
        except IntegrityError:
            pass
