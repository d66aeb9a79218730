"""Score the index on a question set (JSON lines: `q`, `evidence`, optional `answerable: false`), and
leave-one-author-out on the question bank: learn from every author but one, test on that one's.

hit@1: answered, and the first clause contains an expected phrase; recall@3: one of the first
three does; success@clarify: the first clause does, or one of the "did you mean" choices offered
with it; abstain: out-of-scope questions answered "not covered" (or off topic); false-abstain:
in-scope questions answered "not covered"."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from index.types import Answer


@dataclass(frozen=True)
class EvalItem:
    question: str
    evidence: tuple[str, ...]
    answerable: bool
    line: int


@dataclass
class Miss:
    item: EvalItem
    answer: Answer
    reason: str


@dataclass
class EvalReport:
    answerable: int = 0
    unanswerable: int = 0
    hits_at_1: int = 0
    hits_at_3: int = 0
    clarified: int = 0  # right clause first, or among the "did you mean" choices
    offered_choices: int = 0  # answers that offered "did you mean" choices
    abstained_correctly: int = 0
    false_abstentions: int = 0
    misses: list[Miss] = field(default_factory=list)

    @property
    def hit_at_1(self) -> float:
        return self.hits_at_1 / self.answerable if self.answerable else 0.0

    @property
    def recall_at_3(self) -> float:
        return self.hits_at_3 / self.answerable if self.answerable else 0.0

    @property
    def success_at_clarify(self) -> float:
        return self.clarified / self.answerable if self.answerable else 0.0

    @property
    def abstain(self) -> float:
        return self.abstained_correctly / self.unanswerable if self.unanswerable else 0.0

    @property
    def false_abstain(self) -> float:
        return self.false_abstentions / self.answerable if self.answerable else 0.0

    def figures(self) -> dict:
        return {
            "questions": self.answerable + self.unanswerable,
            "answerable": self.answerable,
            "unanswerable": self.unanswerable,
            "hit@1": round(self.hit_at_1, 3),
            "recall@3": round(self.recall_at_3, 3),
            "success@clarify": round(self.success_at_clarify, 3),
            "abstain": round(self.abstain, 3),
            "false_abstain": round(self.false_abstain, 3),
        }


class EvalFileError(ValueError):
    pass


def read_items(path: Path) -> list[EvalItem]:
    items = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            question = str(record["q"])
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise EvalFileError(f"{path}:{number}: not a question record ({exc})") from None
        answerable = record.get("answerable", True) is not False
        evidence = tuple(record.get("evidence") or ())
        if answerable and not evidence:
            raise EvalFileError(f"{path}:{number}: an answerable question needs 'evidence' phrases")
        items.append(EvalItem(question, evidence, answerable, number))
    return items


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def contains_evidence(text: str, evidence: tuple[str, ...]) -> bool:
    body = _normal(text)
    return any(_normal(phrase) in body for phrase in evidence)


def evaluate(items: list[EvalItem], ask: Callable[[str], Answer]) -> EvalReport:
    report = EvalReport()
    for item in items:
        answer = ask(item.question)
        if not item.answerable:
            report.unanswerable += 1
            if answer.answered:
                report.misses.append(Miss(item, answer, "answered an out-of-scope question"))
            else:
                report.abstained_correctly += 1
            continue
        report.answerable += 1
        texts = [r.clause.text for r in answer.ranked[:3]]
        top_ok = bool(texts) and contains_evidence(texts[0], item.evidence)
        if any(contains_evidence(t, item.evidence) for t in texts):
            report.hits_at_3 += 1
        report.offered_choices += bool(answer.answered and answer.alternatives)
        if not answer.answered:
            report.false_abstentions += 1
            report.misses.append(Miss(item, answer, "said not covered"))
        elif top_ok:
            report.hits_at_1 += 1
            report.clarified += 1
        else:
            offered = any(contains_evidence(c.text, item.evidence) for c in answer.alternatives)
            report.clarified += offered
            report.misses.append(Miss(item, answer, "wrong clause first, offered as did-you-mean" if offered
                                      else "wrong clause first"))
    return report


def merge(reports: list[EvalReport]) -> EvalReport:
    """Counts summed over several reports (the leave-one-author-out folds)."""
    total = EvalReport()
    for r in reports:
        for name in ("answerable", "unanswerable", "hits_at_1", "hits_at_3", "clarified", "offered_choices",
                     "abstained_correctly", "false_abstentions"):
            setattr(total, name, getattr(total, name) + getattr(r, name))
        total.misses += r.misses
    return total
