"""Writing audit entries, inside the caller's transaction (reading a trail: `bot.core.records`)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.core.storage.models import AuditEntry

SYSTEM = "system"


def record(session: Session, *, at: datetime, actor: str, action: str, subject_type: str, subject_ref: str,
           before: dict | None = None, after: dict | None = None) -> None:
    session.add(AuditEntry(at=at, actor=actor, action=action, subject_type=subject_type,
                           subject_ref=subject_ref, before=before, after=after))
