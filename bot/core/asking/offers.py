"""Answer offers: the server-side record an answer's buttons name through a signed token.

The buttons under an answer ("Helpful", "Ask my line manager", "Did you mean ...") carry only
a token. The record holds what was asked and which clauses were shown, and nothing about who
asked: whoever presses a button acts as themself. Records expire and are purged.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from bot.core.context import Context
from bot.core.errors import ValidationError
from bot.core.storage.models import AnswerOffer, QuestionLog
from bot.core.tokens import Signer, TokenError
from index.types import Answer

TOKEN_KIND = "offer"
OFFER_LIFETIME = timedelta(days=30)


def create(session, *, now: datetime, answer: Answer, log_id: int | None) -> AnswerOffer:
    row = AnswerOffer(
        id=uuid.uuid4().hex, policy_id=answer.policy.id, question=answer.question, status=answer.status.value,
        clause_ids=[r.clause.id for r in answer.ranked], alternatives=[c.id for c in answer.alternatives],
        log_id=log_id, created_at=now, expires_at=now + OFFER_LIFETIME,
    )
    session.add(row)
    return row


def token_for(signer: Signer, offer: AnswerOffer) -> str:
    return signer.sign(kind=TOKEN_KIND, ident=offer.id, expires=offer.expires_at)


def resolve(*, ctx: Context, signer: Signer, token: str) -> AnswerOffer:
    """The offer a button names; `TokenError` (a sentence for the presser) if forged or expired."""
    claims = signer.verify(token, kind=TOKEN_KIND, now=ctx.clock.now())
    with ctx.db.transaction() as session:
        row = session.get(AnswerOffer, claims.ident)
    if row is None:
        raise TokenError()
    return row


def shown_clause(offer: AnswerOffer, clause_id: str) -> str:
    """`clause_id` if the offer showed or offered it; a button can only pick what it was shown."""
    if clause_id not in (offer.clause_ids or ()) and clause_id not in (offer.alternatives or ()):
        raise ValidationError("That clause was not part of this answer. Please ask again.")
    return clause_id


def vote(*, ctx: Context, offer_id: str, helpful: bool) -> bool:
    """Record the first "Helpful"/"Not helpful" on an offer; False if it already had one."""
    value = "helpful" if helpful else "not_helpful"
    with ctx.db.transaction() as session:
        won = session.execute(update(AnswerOffer).where(AnswerOffer.id == offer_id, AnswerOffer.feedback.is_(None))
                              .values(feedback=value)).rowcount
    return won == 1


def choose(*, ctx: Context, offer_id: str, clause_id: str) -> bool:
    """Record that a clause was picked from the offer's choices; False if one was picked before."""
    with ctx.db.transaction() as session:
        won = session.execute(update(AnswerOffer).where(AnswerOffer.id == offer_id,
                                                        AnswerOffer.chosen_clause_id.is_(None))
                              .values(chosen_clause_id=clause_id)).rowcount
    return won == 1


def forget_log_text(session, *, offer_id: str) -> None:
    """Once a question goes to a line manager with the asker's name, its anonymous log row loses
    its text and the offer its link to that row, so the log cannot be joined to the escalation."""
    row = session.get(AnswerOffer, offer_id)
    if row is None or row.log_id is None:
        return
    session.execute(update(QuestionLog).where(QuestionLog.id == row.log_id).values(question=None))
    row.log_id = None


def purge_expired(*, ctx: Context, now: datetime) -> int:
    with ctx.db.transaction() as session:
        return session.execute(delete(AnswerOffer).where(AnswerOffer.expires_at < now)).rowcount or 0


def get(*, ctx: Context, offer_id: str) -> AnswerOffer | None:
    with ctx.db.transaction() as session:
        return session.scalar(select(AnswerOffer).where(AnswerOffer.id == offer_id))
