"""A small stand-in for index.search.PolicyIndex: hand-built answers, bag-of-words vectors."""
from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np

from index.types import Answer, AnswerStatus, Clause, Force, PolicyInfo, RankedClause
from tests.support.vectors import hashed_word_vectors

DIRECTORY_CSV = Path(__file__).resolve().parent / "directory.csv"

POLICY = PolicyInfo(id="social_networking_policy", title="Social Networking Policy",
                    owner="Hardmoor Nursery & Early Years Centre", approved="Spring 2024", review_date="Spring 2025")

CLAUSES = {
    "2.1-2": Clause(id="2.1-2", policy_id=POLICY.id, section="2.1", heading="Friends/Befriending",
                    text="The school strongly advises against staff initiating or accepting invitations to \"friend\" pupils, or pupil's family members/friends.",
                    force=Force.RECOMMENDATION),
    "2.3-4": Clause(id="2.3-4", policy_id=POLICY.id, section="2.3", heading="Security",
                    text="If a member of staff becomes aware that a pupil ... has made inappropriate/insulting/threatening comments about them ... they must report this to the head teacher.",
                    force=Force.REQUIREMENT),
    "1.3-5": Clause(id="1.3-5", policy_id=POLICY.id, section="1.3", heading="Employees/Staff",
                    text="Should raise any queries ... with their line manager in the first instance.",
                    force=Force.RECOMMENDATION),
}

_KEYWORDS = {"friend": "2.1-2", "parent": "2.1-2", "insult": "2.3-4", "threat": "2.3-4"}


class FakeIndex:
    def __init__(self):
        self.asked: list[str] = []

    @property
    def policies(self) -> list[PolicyInfo]:
        return [POLICY]

    def clause(self, clause_id: str) -> Clause:
        return CLAUSES[clause_id]

    def ask(self, question: str, *, top_k: int = 3) -> Answer:
        self.asked.append(question)
        words = question.lower()
        if not words.strip():
            return Answer(question=question, status=AnswerStatus.EMPTY, ranked=(), policy=POLICY)
        if words.strip() in {"hi", "hello", "thanks"}:
            return Answer(question=question, status=AnswerStatus.SMALL_TALK, ranked=(), policy=POLICY)
        hits = [cid for key, cid in _KEYWORDS.items() if key in words]
        if hits:
            ranked = tuple(RankedClause(CLAUSES[c], 0.8) for c in dict.fromkeys(hits))[:top_k]
            return Answer(question=question, status=AnswerStatus.ANSWERED, ranked=ranked, policy=POLICY)
        return Answer(question=question, status=AnswerStatus.NOT_COVERED,
                      ranked=(RankedClause(CLAUSES["1.3-5"], 0.2),), policy=POLICY)

    def encode(self, texts: list[str]) -> np.ndarray:
        return hashed_word_vectors(texts)


def deliver(assistant):
    """Run the dispatcher until nothing is due; returns the summary."""
    return asyncio.run(assistant.dispatcher().run_once())
