"""What a permitted viewer sees of one audit entry."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class AuditView:
    at: datetime
    actor: str  # an email, "system", or "(reporter)" when the viewer may not know who reported
    action: str  # e.g. "report.acknowledged"
    before: dict | None
    after: dict | None
