"""What asking returns: the index answer, guidance, and what the asker may do next."""
from __future__ import annotations

from dataclasses import dataclass

from bot.core.directory.model import Person
from bot.core.guidance.types import GuidanceView
from index.types import Answer

__all__ = ["AskResult", "GuidanceView"]


@dataclass(frozen=True)
class AskResult:
    answer: Answer
    guidance: tuple[GuidanceView, ...] = ()
    asker: Person | None = None
    # The signed token the answer's buttons carry (it names the server-side offer record);
    # None when nothing can be offered (small talk, or the database is unavailable).
    token: str | None = None
    # Why "Ask my line manager" is not offered to this asker, if it is not (a sentence for them).
    escalation_blocked: str | None = None

    @property
    def escalation_offered(self) -> bool:
        return self.token is not None and self.asker is not None and self.answer.status.offers_escalation
