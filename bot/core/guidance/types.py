"""What askers are shown of a manager's earlier answer saved as guidance."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class GuidanceView:
    """A manager's earlier answer saved as guidance. Never policy text: label it as such."""

    id: int
    text: str
    author_role: str  # e.g. "Line manager", "Head teacher"; never the author's name
    created_at: datetime
    clause_ids: tuple[str, ...]
    similarity: float

    @property
    def label(self) -> str:
        return f"Guidance from a {self.author_role.lower()}, {self.created_at:%-d %B %Y} (not policy text)"
