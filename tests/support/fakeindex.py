"""A stand-in for the clause index with the whole `Answerer` interface: real clause texts from the
bundled policy's sections, answers chosen by keywords (so tests know exactly what each question
gets), hashed bag-of-words vectors, and "did you mean" alternatives on request."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from index import bank
from index.types import Answer, AnswerStatus, Clause, Force, LearnedEntry, PolicyInfo, RankedClause, SmallTalk
from tests.support.vectors import hashed_word_vectors

POLICY = PolicyInfo(id="social_networking_policy", title="Social Networking Policy",
                    owner="Hardmoor Nursery & Early Years Centre", approved="Spring 2024", review_date="Spring 2025",
                    review_overdue=True)


def _clause(cid, section, heading, text, force, qualifiers=(), group="") -> Clause:
    return Clause(id=cid, policy_id=POLICY.id, section=section, heading=heading, text=text, force=force,
                  qualifiers=tuple(qualifiers), group=group)


FRIEND = _clause("2.1.1", "2.1", "Friends/Befriending",
                 'The school strongly advises against staff initiating or accepting invitations to "friend" pupils, '
                 "or pupil's family members/friends.", Force.RECOMMENDATION, ("2.1.2",))
RELATED = _clause("2.1.2", "2.1", "Friends/Befriending",
                  "However, there may be exceptions e.g., family members where a pupil is related to a member of staff.",
                  Force.EXCEPTION, ("2.1.1",))
PHOTOS = _clause("2.2.7", "2.2", "Content of Interactions",
                 "Staff should not use the school logo on their own personal social networking accounts and should not "
                 "post any photographic images that include pupils.", Force.RECOMMENDATION)
PRIVACY = _clause("2.3.1", "2.3", "Security",
                  "Staff are advised to check their security profiles and privacy settings on the social networks "
                  "that they use.", Force.RECOMMENDATION)
PUBLIC = _clause("2.3.2", "2.3", "Security",
                 "In using social networking sites, staff are recommended to only post content that they would wish "
                 "to be in the public domain.", Force.RECOMMENDATION)
QUERIES = _clause("1.3.5", "1.3", "Responsibility & Accountability",
                  "Should raise any queries or areas of concern they have relating to the use of social networking "
                  "sites and interpretation of this Policy, with their line manager in the first instance.",
                  Force.RECOMMENDATION, group="Employees/Staff")
CLAUSES = {c.id: c for c in (FRIEND, RELATED, PHOTOS, PRIVACY, PUBLIC, QUERIES)}

_KEYWORDS = (("friend", FRIEND), ("parent", FRIEND), ("photo", PHOTOS), ("pic", PHOTOS), ("private", PRIVACY),
             ("privacy", PRIVACY))
_SMALL_TALK = {"hi": SmallTalk.GREETING, "hello": SmallTalk.GREETING, "thanks": SmallTalk.THANKS,
               "thanks!": SmallTalk.THANKS, "help": SmallTalk.HELP}


class FakeIndex:
    """`ask`: keywords choose the clause; "unsure" in a question adds "did you mean" alternatives;
    "capital of" is off topic; anything else is not covered. Learnt entries answer their question."""

    def __init__(self):
        self.asked: list[str] = []
        self.learned: dict[str, str] = {}  # question (lower-case) -> clause id

    @property
    def policies(self) -> list[PolicyInfo]:
        return [POLICY]

    def policy(self, policy_id: str | None = None) -> PolicyInfo:
        return POLICY

    def clause(self, clause_id: str, policy_id: str | None = None) -> Clause:
        return CLAUSES[clause_id]

    def qualifiers_of(self, clause: Clause) -> tuple[Clause, ...]:
        return tuple(CLAUSES[q] for q in clause.qualifiers)

    def find_clause(self, text: str, policy_id: str) -> Clause | None:
        return next((c for c in CLAUSES.values() if c.text == text), None)

    def clauses_named(self, ref: str, policy_id: str | None = None) -> list[Clause]:
        return bank.named(ref, list(CLAUSES.values()))

    def learn(self, entries: Sequence[LearnedEntry]) -> int:
        for entry in entries:
            self.learned[entry.question.lower().strip()] = entry.clause_id
        return len(entries)

    def ask(self, question: str, *, top_k: int = 3) -> Answer:
        self.asked.append(question)
        words = question.lower().strip()
        if not words:
            return Answer(question=question, status=AnswerStatus.EMPTY, ranked=(), policy=POLICY,
                          notice="Please type a question.")
        if words in _SMALL_TALK:
            return Answer(question=question, status=AnswerStatus.SMALL_TALK, ranked=(), policy=POLICY,
                          small_talk=_SMALL_TALK[words])
        if "capital of" in words:
            return Answer(question=question, status=AnswerStatus.OFF_TOPIC, ranked=(RankedClause(QUERIES, 0.1),),
                          policy=POLICY)
        learned = self.learned.get(words)
        hits = [CLAUSES[learned]] if learned else list(dict.fromkeys(c for key, c in _KEYWORDS if key in words))
        if not hits:
            return Answer(question=question, status=AnswerStatus.NOT_COVERED,
                          ranked=(RankedClause(QUERIES, 0.2), RankedClause(PRIVACY, 0.1)), policy=POLICY)
        ranked = [RankedClause(c, 0.8 - 0.1 * i) for i, c in enumerate(hits)]
        ranked += [RankedClause(QUERIES, 0.3)] if QUERIES not in hits else []
        alternatives = (PUBLIC,) if "unsure" in words and not learned else ()
        top = ranked[0].clause
        return Answer(question=question, status=AnswerStatus.ANSWERED, ranked=tuple(ranked[:max(top_k, 2)]),
                      policy=POLICY, qualifiers=self.qualifiers_of(top), alternatives=alternatives)

    def encode(self, texts: list[str]) -> np.ndarray:
        return hashed_word_vectors(texts)
