"""How the policies are used, for governors and administrators: built only from the anonymous
question log and feedback (neither holds who asked), never from escalations or reports."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.core.context import Context
from bot.core.storage.models import AnswerFeedback, QuestionLog


@dataclass(frozen=True)
class ClauseUse:
    clause_id: str
    asked: int
    helpful: int
    not_helpful: int


@dataclass(frozen=True)
class Insights:
    since: datetime
    questions: int
    answered: int
    not_covered: int
    top_clauses: tuple[ClauseUse, ...]
    not_covered_questions: tuple[str, ...]  # newest first: what the policy may need to say

    @property
    def answered_share(self) -> float:
        return self.answered / self.questions if self.questions else 0.0


def insights(*, ctx: Context, days: int = 90, top: int = 10, not_covered_shown: int = 20) -> Insights:
    since = ctx.clock.now() - timedelta(days=days)
    with ctx.db.transaction() as session:
        logged = session.execute(
            select(QuestionLog.question, QuestionLog.top_clause_id, QuestionLog.answered, QuestionLog.status)
            .where(QuestionLog.asked_at >= since).order_by(QuestionLog.asked_at.desc(), QuestionLog.id.desc())
        ).all()
        votes = session.execute(
            select(AnswerFeedback.clause_id, AnswerFeedback.helpful).where(AnswerFeedback.given_at >= since)
        ).all()
    asked = Counter(row.top_clause_id for row in logged if row.answered and row.top_clause_id)
    helpful = Counter(v.clause_id for v in votes if v.helpful and v.clause_id)
    unhelpful = Counter(v.clause_id for v in votes if not v.helpful and v.clause_id)
    ranked = [ClauseUse(cid, n, helpful[cid], unhelpful[cid]) for cid, n in asked.most_common(top)]
    missed = [row.question for row in logged if row.status == "not_covered"]
    return Insights(
        since=since, questions=len(logged), answered=sum(row.answered for row in logged),
        not_covered=len(missed), top_clauses=tuple(ranked), not_covered_questions=tuple(missed[:not_covered_shown]),
    )
