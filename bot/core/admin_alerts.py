"""Telling the administrators about problems they must fix (unknown users, directory gaps), once each."""
from __future__ import annotations

import logging

from sqlalchemy import select, update

from bot.core.context import Context
from bot.core.notifications import outbox
from bot.core.notifications.types import Notice, NotificationKind
from bot.core.storage.models import OutboxMessage

log = logging.getLogger(__name__)


def unknown_user(*, ctx: Context, platform: str, user_id: str) -> None:
    text = (f"Someone used policybot on {platform} with user id {user_id}, but no row of the staff "
            f"directory has that {platform}_user_id. Add them to the directory CSV so they can "
            "ask their line manager and make reports.")
    alert(ctx=ctx, key=f"unknown-user:{platform}:{user_id}", title="Unknown user", text=text)


def identity_mismatch(*, ctx: Context, platform: str, user_id: str, person) -> None:
    text = (f"A {platform} account ({user_id}) reports the e-mail address of {person.name}, but the staff "
            f"directory lists {person.name} with a different {platform}_user_id. The account was refused: "
            "it may be someone trying to act as them. Check the account, and correct the directory if "
            f"{person.name} really has a new {platform} account.")
    alert(ctx=ctx, key=f"identity-mismatch:{platform}:{user_id}", title="Account refused", text=text)


def directory_problem(*, ctx: Context, key: str, text: str) -> None:
    alert(ctx=ctx, key=f"directory:{key}", title="Staff directory problem", text=text)


def alert(*, ctx: Context, key: str, title: str, text: str) -> None:
    """Queue `text` for every administrator unless an alert with this key was ever sent."""
    with ctx.db.transaction() as session:
        keys = [f"admin:{key}:{email}" for email in (*ctx.config.admin_emails, "-")]
        if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key.in_(keys)).limit(1)) is not None:
            return
        log.warning("admin alert: %s", text)
        now = ctx.clock.now()
        for email in ctx.config.admin_emails:
            outbox.enqueue(session, now=now, recipient=email, kind=NotificationKind.ADMIN_ALERT,
                           card=Notice(title=title, text=text), dedupe_key=f"admin:{key}:{email}")
        if not ctx.config.admin_emails:
            # A row that is never delivered, only so the alert is logged once rather than on every event.
            outbox.enqueue(session, now=now, recipient="", kind=NotificationKind.ADMIN_ALERT,
                           card=Notice(title=title, text=text), dedupe_key=f"admin:{key}:-")
            session.execute(update(OutboxMessage).where(OutboxMessage.dedupe_key == f"admin:{key}:-").values(
                status="failed", last_error="no administrators configured (POLICYBOT_ADMIN_EMAILS)"))
