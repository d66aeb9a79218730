"""The ask service: answer from the index, attach guidance, log the question without the asker,
and keep the server-side offer that the answer's buttons name.

The question log is anonymous: no asker, the hour only, and the question's words only when the
policy did not cover it (that is what insights lists), with directory names taken out.
"""
from __future__ import annotations

import logging
import threading

import numpy as np

from bot.core.asking import offers
from bot.core.asking.ports import Answerer
from bot.core.asking.types import AskResult
from bot.core.context import Context
from bot.core.directory import mentions
from bot.core.directory.model import Person
from bot.core.errors import StorageUnavailable
from bot.core.guidance import service as guidance
from bot.core.guidance.types import GuidanceView
from bot.core.identity import UNKNOWN_MESSAGE
from bot.core.storage.models import QuestionLog
from bot.core.tokens import Signer
from index.types import Answer, AnswerStatus

log = logging.getLogger(__name__)

NO_DATABASE = ("I can't pass questions on right now because my database is unavailable. "
               "Please try again later, or speak to your line manager.")
_LOGGED = {AnswerStatus.ANSWERED, AnswerStatus.NOT_COVERED, AnswerStatus.OFF_TOPIC}


class Asking:
    def __init__(self, *, ctx: Context, signer: Signer):
        self.ctx = ctx
        self.signer = signer
        # The index is not documented as thread-safe; a question takes about 10 ms, so one at a time.
        self._lock = threading.Lock()

    def answer_only(self, answerer: Answerer, question: str, *, top_k: int = 3) -> Answer:
        with self._lock:
            return answerer.ask(question, top_k=top_k)

    def ask(self, *, answerer: Answerer, question: str, asker: Person | None, top_k: int = 3) -> AskResult:
        answer = self.answer_only(answerer, question, top_k=top_k)
        if answer.status not in _LOGGED:
            return AskResult(answer=answer, asker=asker)
        try:
            found, token = self._record(answerer, answer)
        except StorageUnavailable:
            # The policy answer does not need the database; guidance, the log and the buttons can.
            log.warning("database unavailable: answered without guidance, logging or buttons")
            blocked = UNKNOWN_MESSAGE if asker is None else NO_DATABASE
            return AskResult(answer=answer, asker=asker, escalation_blocked=blocked)
        blocked = UNKNOWN_MESSAGE if asker is None and answer.status.offers_escalation else None
        return AskResult(answer=answer, guidance=tuple(found), asker=asker, token=token, escalation_blocked=blocked)

    def _record(self, answerer: Answerer, answer: Answer) -> tuple[list[GuidanceView], str | None]:
        ctx = self.ctx
        now = ctx.clock.now()
        with ctx.db.transaction() as session:
            # Rounded to the hour so the log cannot be matched to chat timestamps to find the asker.
            text = mentions.redact(ctx.directory, answer.question) if answer.status is AnswerStatus.NOT_COVERED else None
            entry = QuestionLog(asked_at=now.replace(minute=0, second=0, microsecond=0), question=text,
                                policy_id=answer.policy.id, top_clause_id=answer.top.id if answer.top else None,
                                status=answer.status.value, answered=answer.answered)
            session.add(entry)
            session.flush()
            if not answer.status.offers_escalation:
                return [], None
            offer = offers.create(session, now=now, answer=answer, log_id=entry.id if text else None)
            vector = _vector(answerer, answer.question) if guidance.has_any(session) else None
            found = guidance.matching(session, ctx=ctx, question_vector=vector,
                                      clause_ids=[r.clause.id for r in answer.ranked])
        # Signed after the commit: the key may have to be read from (or created in) the database.
        return found, offers.token_for(self.signer, offer)


def _vector(answerer: Answerer, question: str) -> np.ndarray:
    return np.asarray(answerer.encode([question])[0], dtype=np.float32)
