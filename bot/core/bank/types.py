"""Question-bank entries learnt from use, as the policy owner reviews them."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class Source(str, enum.Enum):
    DID_YOU_MEAN = "did_you_mean"  # the asker picked another clause from "Did you mean ...?"
    NOT_HELPFUL = "not_helpful"    # the asker said "Not helpful", then picked the clause that answers
    MANAGER = "manager"            # a line manager's answer named the clause
    OWNER = "owner"                # the policy owner added it

    @property
    def label(self) -> str:
        return {Source.DID_YOU_MEAN: "picked from \u201cDid you mean\u201d",
                Source.NOT_HELPFUL: "picked after \u201cNot helpful\u201d",
                Source.MANAGER: "named in a line manager's answer",
                Source.OWNER: "added by the policy owner"}[self]


class EntryStatus(str, enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True)
class EntryView:
    """One entry. `source` is who suggested it as far as anyone may know: how it came (a pick
    from "Did you mean", a line manager's answer, the owner), never the person who asked."""

    id: int
    policy_id: str
    question: str       # directory names already taken out
    clause_id: str      # the clause's id now, when the view was placed in the policy (ids move on edits)
    clause_text: str
    source: Source
    status: EntryStatus
    created_at: datetime
    decided_at: datetime | None = None
    decided_by: str | None = None
    clause_heading: str = ""       # the clause's heading, once placed
    clause_in_policy: bool = True  # False: no clause has these words any more, so it cannot be learnt
