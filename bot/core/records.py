"""The record of one query or report, for someone allowed to see it: every change of state, who
made it and when. The reporter is shown as "(reporter)" to everyone but the person handling it."""
from __future__ import annotations

from sqlalchemy import select

from bot.core.audit.types import AuditView
from bot.core.context import Context
from bot.core.directory.model import Person
from bot.core.errors import NotFound
from bot.core.escalations import service as escalations
from bot.core.reports import service as reports
from bot.core.storage.models import AuditEntry


def trail(*, ctx: Context, actor: Person, ref: str) -> list[AuditView]:
    ref = ref.strip().upper()
    if ref.startswith("E-"):
        escalations.get(ctx=ctx, actor=actor, ref=ref)  # raises unless the actor may see it
        subject_type, hidden = "escalation", None
    elif ref.startswith("R-"):
        view = reports.get(ctx=ctx, actor=actor, ref=ref)
        subject_type = "report"
        # The reporter's identity is for the recipient only, even in the audit trail.
        hidden = None if view.reporter else reports.reporter_email(ctx=ctx, ref=ref)
    else:
        raise NotFound(f"{ref!r} is not a query (E-\u2026) or report (R-\u2026) reference.")
    with ctx.db.transaction() as session:
        rows = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_ref == ref)
            .order_by(AuditEntry.at, AuditEntry.id)
        ).all()
    return [AuditView(at=r.at, actor="(reporter)" if hidden and r.actor == hidden else r.actor,
                      action=r.action, before=r.before, after=r.after) for r in rows]
