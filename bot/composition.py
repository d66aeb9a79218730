"""Builds the core `Assistant` from Settings: shared by the CLI commands and the server."""
from __future__ import annotations

import logging
from typing import Iterable

from bot.core.app import Assistant
from bot.core.clock import Clock
from bot.core.config import CoreConfig
from bot.core.directory import FileDirectory, StaticDirectory
from bot.core.directory.model import DirectorySource
from bot.core.notifications.log_notifier import LogNotifier
from bot.core.notifications.ports import Notifier
from bot.core.notifications.registry import NotifierRegistry
from bot.core.storage.db import Database
from bot.settings import Settings

log = logging.getLogger(__name__)


def core_config(settings: Settings) -> CoreConfig:
    return CoreConfig(
        timezone=settings.timezone,
        escalation_reminder_working_days=settings.escalation_reminder_days,
        escalation_quiet_working_days=settings.escalation_quiet_days,
        report_ack_hours=settings.report_ack_hours,
        admin_emails=settings.admin_emails,
        outbox_backoff_seconds=settings.outbox_retry_seconds,
    )


def directory_source(settings: Settings) -> DirectorySource:
    if settings.directory_path is None:
        log.warning("POLICYBOT_DIRECTORY is not set: escalations and reports are unavailable")
        return StaticDirectory()
    return FileDirectory(settings.directory_path)


def load_index(settings: Settings):
    from index.search import PolicyIndex  # heavy (model load), so only when first needed

    return PolicyIndex.load(policy_dir=settings.policy_dir, index_dir=settings.index_dir)


def build_assistant(
    settings: Settings,
    *,
    index=None,
    notifiers: Iterable[Notifier] = (),
    clock: Clock | None = None,
    migrate: bool = True,
) -> Assistant:
    """Wire the core. With no chat notifiers, deliveries go to the log (and POLICYBOT_NOTIFY_LOG)."""
    notifiers = list(notifiers)
    fallback = None if notifiers else LogNotifier(settings.notify_log)
    assistant = Assistant(
        db=Database(settings.database_url),
        directory=directory_source(settings),
        answerer=index if index is not None else (lambda: load_index(settings)),
        notifiers=NotifierRegistry(notifiers, fallback=fallback),
        clock=clock,
        config=core_config(settings),
    )
    if migrate:
        assistant.migrate()
    return assistant
