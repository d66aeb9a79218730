"""Report value types: categories (from the policy), statuses, the submitted input and the views."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping

from bot.core.directory.model import PersonRef
from bot.core.errors import ValidationError
from bot.core.notifications.types import Action

EVIDENCE_ADVICE = (
    "Before you report, capture the evidence: take a screenshot and copy the link. "
    "Posts can be deleted at any time, and even removed content may matter (policy 2.3)."
)


class ReportCategory(str, enum.Enum):
    PUPIL_COMMENTS = "pupil_comments"      # 2.3: must be reported to the head teacher
    PERSONAL_DETAILS = "personal_details"  # 2.3: to the line manager in the first instance
    STAFF_BREACH = "staff_breach"          # 1.3/2.4: allegations investigated promptly
    OTHER = "other"

    @property
    def label(self) -> str:
        return _CATEGORY_LABELS[self][0]

    @property
    def clause(self) -> str:
        return _CATEGORY_LABELS[self][1]

    @property
    def short_label(self) -> str:
        """Fits a menu option (Slack cuts option text at 75 characters); `label` is its description."""
        return _CATEGORY_LABELS[self][2]


# (label, policy clause, short label)
_CATEGORY_LABELS = {
    ReportCategory.PUPIL_COMMENTS: (
        "Pupil(s) posted inappropriate, insulting or threatening comments about staff", "2.3",
        "Pupils' comments about staff"),
    ReportCategory.PERSONAL_DETAILS: (
        "Pupils or families referred inappropriately to a staff member's personal details", "2.3",
        "My personal details referred to"),
    ReportCategory.STAFF_BREACH: ("Suspected breach of this policy by a member of staff", "1.3, 2.4",
                                  "A member of staff's breach"),
    ReportCategory.OTHER: ("Other concern about social networking", "1.3", "Other concern"),
}


class ReportStatus(str, enum.Enum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    INVESTIGATING = "investigating"
    CLOSED = "closed"


_LIMITS = {"what_happened": 5000, "where": 300, "when": 200, "involved_text": 1000}


@dataclass(frozen=True)
class ReportInput:
    """What the reporter filled in. `involved_emails` come from a people picker in the form."""

    category: ReportCategory
    what_happened: str
    where: str = ""
    when: str = ""
    links: tuple[str, ...] = ()
    involved_emails: tuple[str, ...] = ()
    involved_text: str = ""

    @classmethod
    def from_form(cls, values: Mapping[str, Any]) -> "ReportInput":
        """Build from REPORT_FORM values (strings; links one per line). Raises ValidationError."""
        errors: dict[str, str] = {}
        try:
            category = ReportCategory(str(values.get("category") or "").strip())
        except ValueError:
            errors["category"] = "Choose what kind of concern this is."
            category = ReportCategory.OTHER
        text = {k: str(values.get(k) or "").strip() for k in _LIMITS}
        if not text["what_happened"]:
            errors["what_happened"] = "Please describe what happened."
        for name, limit in _LIMITS.items():
            if len(text[name]) > limit:
                errors[name] = f"Please keep this under {limit} characters."
        links = values.get("links") or ()
        if isinstance(links, str):
            links = links.split()
        links = tuple(str(link).strip() for link in links if str(link).strip())
        if len(links) > 20:
            errors["links"] = "Please give at most 20 links."
        involved = values.get("involved_emails") or ()
        if isinstance(involved, str):
            involved = involved.replace(",", " ").split()
        if errors:
            raise ValidationError("Some of the report needs fixing.", errors)
        return cls(category=category, what_happened=text["what_happened"], where=text["where"],
                   when=text["when"], links=links,
                   involved_emails=tuple(sorted({str(e).strip().lower() for e in involved if str(e).strip()})),
                   involved_text=text["involved_text"])


@dataclass(frozen=True)
class ReportReceipt:
    """What the reporter is shown: enough to follow up, nothing of the handling."""

    ref: str
    category: ReportCategory
    status: ReportStatus
    created_at: datetime
    recipient_role: str  # e.g. "Head teacher": who it went to, by role
    message: str  # a complete sentence confirming receipt
    duplicate: bool = False  # True when an idempotency key matched an earlier submission


@dataclass(frozen=True)
class ReportView:
    """A report as its handlers see it. `reporter` is None unless the viewer is the recipient."""

    ref: str
    category: ReportCategory
    status: ReportStatus
    what_happened: str
    where: str
    when: str
    links: tuple[str, ...]
    involved: tuple[PersonRef, ...]
    involved_text: str
    reporter: PersonRef | None
    recipient: PersonRef
    created_at: datetime
    acknowledged_at: datetime | None = None
    investigating_at: datetime | None = None
    closed_at: datetime | None = None
    outcome: str | None = None
    routing_note: str | None = None
    overdue: bool = False  # not acknowledged although its reminder has gone out
    actions: tuple[Action, ...] = field(default=())  # what this viewer may do now
