""""Helpful" / "Not helpful" on answers, kept for insights without the asker's identity."""
from __future__ import annotations

from bot.core.context import Context
from bot.core.storage.models import AnswerFeedback


def record(*, ctx: Context, helpful: bool, clause_id: str | None, policy_id: str | None = None) -> None:
    now = ctx.clock.now()
    with ctx.db.transaction() as session:
        # Rounded to the hour, like the question log, so it cannot be matched to a chat message.
        session.add(AnswerFeedback(given_at=now.replace(minute=0, second=0, microsecond=0),
                                   policy_id=policy_id, clause_id=clause_id, helpful=helpful))
