"""Writing audit entries (inside the caller's transaction) and reading a trail with visibility checks."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.audit.types import AuditView
from bot.core.context import Context
from bot.core.directory.model import Person
from bot.core.errors import NotFound
from bot.core.storage.models import AuditEntry

SYSTEM = "system"


def record(session: Session, *, at: datetime, actor: str, action: str, subject_type: str, subject_ref: str,
           before: dict | None = None, after: dict | None = None) -> None:
    session.add(AuditEntry(at=at, actor=actor, action=action, subject_type=subject_type,
                           subject_ref=subject_ref, before=before, after=after))


def trail(*, ctx: Context, actor: Person, ref: str) -> list[AuditView]:
    """The audit trail of one escalation or report, for someone allowed to see that item."""
    # Imported here: escalations and reports themselves write audit entries through this module.
    from bot.core.escalations import service as escalations
    from bot.core.reports import service as reports

    ref = ref.strip().upper()
    if ref.startswith("E-"):
        escalations.get(ctx=ctx, actor=actor, ref=ref)  # raises if not visible
        subject_type, hidden = "escalation", None
    elif ref.startswith("R-"):
        view = reports.get(ctx=ctx, actor=actor, ref=ref)
        subject_type = "report"
        # The reporter's identity is for the recipient only, even in the audit trail.
        hidden = None if view.reporter else reports.reporter_email(ctx=ctx, ref=ref)
    else:
        raise NotFound(f"{ref!r} is not an escalation (E-…) or report (R-…) reference.")
    with ctx.db.transaction() as session:
        rows = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_ref == ref)
            .order_by(AuditEntry.at, AuditEntry.id)
        ).all()
    return [AuditView(at=r.at, actor="(reporter)" if hidden and r.actor == hidden else r.actor,
                      action=r.action, before=r.before, after=r.after) for r in rows]
