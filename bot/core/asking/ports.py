"""What the core needs from the clause index (satisfied by `index.search.PolicyIndex`)."""
from __future__ import annotations

from typing import Protocol

import numpy as np

from index.types import Answer, Clause, PolicyInfo


class Answerer(Protocol):
    @property
    def policies(self) -> list[PolicyInfo]: ...

    def ask(self, question: str, *, top_k: int = 3) -> Answer: ...

    def clause(self, clause_id: str) -> Clause: ...

    def encode(self, texts: list[str]) -> np.ndarray:
        """L2-normalised float32 rows, one per text (used for guidance similarity)."""
