"""Errors raised by the core; each carries a message that is safe to show to the user."""
from __future__ import annotations


class CoreError(Exception):
    """Base class: `str(error)` is a complete sentence fit for the person who acted."""


class NotFound(CoreError):
    """No such escalation/report/guidance, or the actor may not know it exists."""


class PermissionDenied(CoreError):
    """The actor is known but may not see or change this item."""


class InvalidTransition(CoreError):
    """The item is not in a state that allows this step (e.g. closing a closed report)."""


class ValidationError(CoreError):
    """Bad input; `field_errors` maps form field names to messages for inline display."""

    def __init__(self, message: str, field_errors: dict[str, str] | None = None):
        super().__init__(message)
        self.field_errors = dict(field_errors or {})


class NotVisible(NotFound, PermissionDenied):
    """The item does not exist *or* the actor may not see it: one error and one sentence for
    both, so nobody can learn that a reference exists by trying it."""


class UnknownPerson(CoreError):
    """The acting person is not listed in the staff directory."""


class RoutingError(CoreError):
    """Nobody in the directory can receive this item (e.g. no head teacher listed)."""


class StorageUnavailable(CoreError):
    """The database could not be reached; nothing was written."""

    def __init__(self, message: str = (
        "Sorry, I can't reach my database right now, so nothing was saved. "
        "Please try again in a few minutes."
    )):
        super().__init__(message)


class DeliveryError(Exception):
    """Raised by a `Notifier` when a notification could not be delivered."""


class TransientDeliveryError(DeliveryError):
    """Worth retrying later (network error, rate limit, platform outage)."""


class PermanentDeliveryError(DeliveryError):
    """Retrying will not help (user unknown to the platform, bot removed, bad payload)."""
