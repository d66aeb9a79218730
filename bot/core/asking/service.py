"""The ask service: answer from the index, attach guidance, log the question without the asker."""
from __future__ import annotations

import logging

import numpy as np

from bot.core.asking.ports import Answerer
from bot.core.asking.types import AskResult, GuidanceView
from bot.core.context import Context
from bot.core.directory.model import Person
from bot.core.errors import StorageUnavailable
from bot.core.guidance import service as guidance
from bot.core.identity import UNKNOWN_MESSAGE
from bot.core.notifications.actions import ActionId
from bot.core.notifications.types import Action, ActionStyle
from bot.core.storage.models import QuestionLog
from index.types import Answer, AnswerStatus

log = logging.getLogger(__name__)

_REAL_QUESTIONS = {AnswerStatus.ANSWERED, AnswerStatus.NOT_COVERED}


def ask(*, ctx: Context, answerer: Answerer, question: str, asker: Person | None, top_k: int = 3) -> AskResult:
    answer = answerer.ask(question, top_k=top_k)
    real = answer.status in _REAL_QUESTIONS
    try:
        found = _guidance_and_log(ctx, answerer, answer) if real else ()
    except StorageUnavailable:
        # The policy answer does not need the database; guidance and the log can be missed once.
        log.warning("database unavailable: answered without guidance and without logging")
        found = ()
    offered = real and asker is not None
    actions: list[Action] = []
    if offered:
        style = ActionStyle.DEFAULT if answer.answered else ActionStyle.PRIMARY
        actions.append(Action(ActionId.ASK_ESCALATE, "Ask my line manager", style=style))
    if asker is not None:
        actions.append(Action(ActionId.REPORT_OPEN, "Report a concern", form="report"))
    return AskResult(answer=answer, guidance=tuple(found), escalation_offered=offered,
                     escalation_unavailable_reason=UNKNOWN_MESSAGE if real and asker is None else None,
                     actions=tuple(actions))


def _guidance_and_log(ctx: Context, answerer: Answerer, answer: Answer) -> list[GuidanceView]:
    now = ctx.clock.now()
    with ctx.db.transaction() as session:
        # Rounded to the hour so the log cannot be matched to chat timestamps to find the asker.
        session.add(QuestionLog(
            asked_at=now.replace(minute=0, second=0, microsecond=0), question=answer.question,
            policy_id=answer.policy.id, top_clause_id=answer.top.id if answer.top else None,
            status=answer.status.value, answered=answer.answered,
        ))
        vector = _vector(answerer, answer.question) if guidance.has_any(session) else None
        return guidance.matching(session, ctx=ctx, question_vector=vector,
                                 clause_ids=[r.clause.id for r in answer.ranked])


def _vector(answerer: Answerer, question: str) -> np.ndarray:
    return np.asarray(answerer.encode([question])[0], dtype=np.float32)
