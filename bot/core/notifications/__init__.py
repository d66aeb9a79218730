"""Notifications as data, the durable outbox, and the dispatcher that delivers it via `Notifier`s."""
from bot.core.notifications.actions import ActionId
from bot.core.notifications.ports import Notifier
from bot.core.notifications.types import Action, ActionStyle, Notice, Field, Notification, NotificationKind, SubjectRef

__all__ = ["Action", "ActionId", "ActionStyle", "Notice", "Field", "Notification", "NotificationKind", "Notifier", "SubjectRef"]
