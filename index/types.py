"""Value types shared by the index and its users: clauses, policy metadata and answers."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Force(str, enum.Enum):
    """How binding a clause is, derived from its wording and shown to users."""

    REQUIREMENT = "requirement"
    RECOMMENDATION = "recommendation"
    EXCEPTION = "exception"
    INFORMATION = "information"


@dataclass(frozen=True)
class PolicyInfo:
    """A policy's own metadata, from the Markdown header."""

    id: str
    title: str
    owner: str
    approved: str
    review_date: str
    review_overdue: bool = False
    # The directory role that keeps this policy and its question bank ("maintained_by" in the
    # policy's header); the head teacher when the policy does not say.
    maintained_by: str = "head_teacher"

    def to_json(self) -> dict:
        return {"title": self.title, "approved": self.approved, "review_date": self.review_date}


@dataclass(frozen=True)
class Clause:
    """One quotable unit of a policy: a sentence group or a bullet."""

    id: str
    policy_id: str
    section: str
    heading: str
    text: str
    force: Force
    context: str = ""  # the role heading and list lead-in the clause sits under
    group: str = ""  # the role heading alone (e.g. "Governors"), if any
    hints: tuple[str, ...] = ()
    qualifiers: tuple[str, ...] = ()  # ids of clauses that qualify this one (exceptions, lead-ins)
    order: int = 0

    def to_json(self, score: float | None = None) -> dict:
        data = {
            "id": self.id,
            "section": self.section,
            "heading": self.heading,
            "text": self.text,
            "force": self.force.value,
        }
        if score is not None:
            data["score"] = round(float(score), 4)
        return data


def qualifier_label(top: Clause, qualifier: Clause) -> str:
    """How a qualifying clause relates to the answer's top clause, as every surface shows it."""
    if qualifier.force is Force.EXCEPTION:
        return "Exception"
    if top.force is Force.EXCEPTION:
        return "Exception to"
    return "Qualified by"


@dataclass(frozen=True)
class RankedClause:
    clause: Clause
    score: float


class AnswerStatus(str, enum.Enum):
    ANSWERED = "answered"
    NOT_COVERED = "not_covered"  # a workplace question this policy does not settle
    OFF_TOPIC = "off_topic"      # not a question about work at all ("what is the capital of France?")
    SMALL_TALK = "small_talk"    # greetings, thanks, "help"
    EMPTY = "empty"

    @property
    def offers_escalation(self) -> bool:
        """Worth a line manager's time: the policy answered it, or it is a work question it did not."""
        return self in (AnswerStatus.ANSWERED, AnswerStatus.NOT_COVERED)


class SmallTalk(str, enum.Enum):
    GREETING = "greeting"
    THANKS = "thanks"
    HELP = "help"


@dataclass(frozen=True)
class Answer:
    """The result of asking the index one question."""

    question: str
    status: AnswerStatus
    ranked: tuple[RankedClause, ...]
    policy: PolicyInfo
    qualifiers: tuple[Clause, ...] = ()  # clauses that qualify the top clause, in policy order
    notice: str | None = None  # something the asker should know about their input
    # "Did you mean ...?": other clauses offered because they scored close to the top one.
    alternatives: tuple[Clause, ...] = ()
    small_talk: SmallTalk | None = None
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def answered(self) -> bool:
        return self.status is AnswerStatus.ANSWERED

    @property
    def top(self) -> Clause | None:
        return self.ranked[0].clause if self.ranked else None

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answered": self.answered,
            "status": self.status.value,
            "clauses": [r.clause.to_json(r.score) for r in self.ranked],
            "qualifiers": [c.to_json() for c in self.qualifiers],
            "alternatives": [c.id for c in self.alternatives],
            "policy": self.policy.to_json() | {"review_overdue": self.policy.review_overdue},
            **({"small_talk": self.small_talk.value} if self.small_talk else {}),
            **({"notice": self.notice} if self.notice else {}),
        }


@dataclass(frozen=True)
class LearnedEntry:
    """A question-bank entry approved at run time (learnt from use): taken without a rebuild."""

    question: str
    clause_id: str
    policy_id: str
