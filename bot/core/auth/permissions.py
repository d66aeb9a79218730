"""Permissions per action, not per visibility (after Netflix Dispatch's `auth/permissions.py`).

Seeing an item and acting on it are different rights: the head teacher and the deputy may see
every report that does not name them (policy 1.3: they oversee the policy and its breaches), but
only the person a report is currently routed to may acknowledge, investigate or close it. The
deputy acts on a report only once it has passed to them.
"""
from __future__ import annotations

from bot.core.directory.model import Person, Role
from bot.core.storage.models import Escalation, Guidance, Report

# Policy 1.3: the head teacher, with the deputy standing in, oversees the policy and its breaches.
OVERSIGHT = frozenset({Role.HEAD_TEACHER, Role.DEPUTY})
# Who keeps the policies' question banks when a policy does not name its own maintainer.
DEFAULT_POLICY_OWNER = Role.HEAD_TEACHER


def _named_in(person: Person, row: Report) -> bool:
    return person.email in (row.involved_emails or ())


# -- reports -------------------------------------------------------------------------------
def may_see_report(person: Person, row: Report) -> bool:
    """The recipient, the head teacher and the deputy; never someone the report names."""
    if _named_in(person, row):
        return False
    return person.email == row.recipient_email or person.role in OVERSIGHT


def may_act_on_report(person: Person, row: Report) -> bool:
    """Acknowledge, investigate, close: only the person it is routed to now."""
    return person.email == row.recipient_email and not _named_in(person, row)


def may_see_reporter(person: Person, row: Report) -> bool:
    """The reporter's name is for the person handling the report only."""
    return may_act_on_report(person, row)


def lists_all_reports(person: Person) -> bool:
    return person.role in OVERSIGHT


# -- escalations (queries to the line manager) ----------------------------------------------
def may_see_escalation(person: Person, row: Escalation) -> bool:
    # The head teacher is told about overdue queries, so may then look at them.
    return person.email in (row.asker_email, row.recipient_email, row.overdue_notified_email)


def may_answer_escalation(person: Person, row: Escalation) -> bool:
    """Answer or pass on: only the person it is routed to now."""
    return person.email == row.recipient_email


def may_resolve_escalation(person: Person, row: Escalation) -> bool:
    return person.email == row.asker_email


# -- guidance, policies and their question banks --------------------------------------------
def may_retire_guidance(person: Person, row: Guidance) -> bool:
    return person.email == row.author_email or person.role is Role.HEAD_TEACHER


def watches_policy_review(person: Person) -> bool:
    return person.role in OVERSIGHT


def policy_owner_role(maintained_by: str | None) -> Role:
    try:
        return Role(maintained_by) if maintained_by else DEFAULT_POLICY_OWNER
    except ValueError:
        return DEFAULT_POLICY_OWNER


def may_review_bank(person: Person, maintained_by: str | None = None) -> bool:
    """Approve or reject suggested question-bank entries: the policy's owner (a directory role)."""
    return person.role is policy_owner_role(maintained_by)


# -- asking -------------------------------------------------------------------------------
def may_escalate(person: Person | None) -> bool:
    """Anyone listed in the directory may ask their line manager (policy 1.3)."""
    return person is not None


def may_report(person: Person | None) -> bool:
    return person is not None
