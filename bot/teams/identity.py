"""Teams accounts are named by their Azure AD object id (`from.aadObjectId`); the core matches it
to the directory's `teams_user_id`."""
from __future__ import annotations

from botbuilder.schema import Activity


def aad_object_id(activity: Activity) -> str | None:
    sender = activity.from_property
    value = getattr(sender, "aad_object_id", None) if sender else None
    return value.strip().lower() if value else None
