"""What the core needs from the clause index (satisfied by `index.search.PolicyIndex`)."""
from __future__ import annotations

from typing import Protocol, Sequence

import numpy as np

from index.types import Answer, Clause, LearnedEntry, PolicyInfo


class Answerer(Protocol):
    @property
    def policies(self) -> list[PolicyInfo]: ...

    def policy(self, policy_id: str | None = None) -> PolicyInfo: ...

    def ask(self, question: str, *, top_k: int = 3) -> Answer: ...

    def clause(self, clause_id: str, policy_id: str | None = None) -> Clause:
        """KeyError if there is no such clause."""

    def qualifiers_of(self, clause: Clause) -> tuple[Clause, ...]: ...

    def find_clause(self, text: str, policy_id: str) -> Clause | None:
        """The clause with these exact words (to re-anchor saved references after a policy edit)."""

    def clauses_named(self, ref: str, policy_id: str | None = None) -> list[Clause]:
        """The clauses a person means by `ref`: a clause id, a section number or words quoted
        from a clause (several when it is ambiguous, none when nothing matches)."""

    def learn(self, entries: Sequence[LearnedEntry]) -> int:
        """Add approved question-bank entries learnt from use; returns how many were taken."""

    def encode(self, texts: list[str]) -> np.ndarray:
        """L2-normalised float32 rows, one per text (used for guidance similarity)."""
