"""Who receives a query or report, from the policy (1.3, 2.3, 2.4) and the directory.

Every function returns a `Route`: the person plus a note when a fallback was used, so the
service can log it and keep it on the record.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Iterable

from bot.core.directory.model import Directory, Person, Role
from bot.core.errors import RoutingError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Route:
    person: Person
    note: str | None = None


def chain_above(directory: Directory, person: Person) -> list[Person]:
    """People above `person`, nearest first.

    Staff: their line managers up to the head teacher, then the deputy and the chair of
    governors. The head teacher: the deputy (standing in), then the chair of governors.
    """
    chain: list[Person] = []
    if person.role is not Role.HEAD_TEACHER:
        current = directory.line_manager_of(person)
        while current is not None and current != person and current not in chain:
            chain.append(current)
            if current.role is Role.HEAD_TEACHER:
                break
            current = directory.line_manager_of(current)
    for extra in (directory.head_teacher, directory.deputy, directory.chair_of_governors):
        if extra and extra != person and extra not in chain:
            chain.append(extra)
    return chain


def avoid_concerned(directory: Directory, route: Route, concerned: Iterable[str]) -> Route:
    """If the item concerns its recipient, pass it to the next person up who is not concerned."""
    concerned = {e.lower() for e in concerned}
    if route.person.email not in concerned:
        return route
    for candidate in chain_above(directory, route.person):
        if candidate.email not in concerned:
            return Route(candidate, f"concerns {route.person.name}, so passed to {candidate.name}")
    raise RoutingError("Everyone who could receive this is named in it; please contact the chair of governors directly.")


def head_teacher(directory: Directory) -> Person:
    head = directory.head_teacher
    if head is None:
        raise RoutingError("The staff directory lists no head teacher, so this cannot be routed yet. The administrators have been told.")
    return head


def line_manager_route(directory: Directory, person: Person) -> Route:
    """Policy 1.3: queries go to the line manager first; the head's go to the chair of governors."""
    if person.role is Role.HEAD_TEACHER:
        chair = directory.chair_of_governors
        return Route(chair) if chair else Route(person, "no chair of governors listed; stays with the head teacher")
    manager = directory.line_manager_of(person)
    if manager is not None:
        return Route(manager)
    head = head_teacher(directory)
    note = f"line manager of {person.email} is missing from the directory; routed to the head teacher"
    log.warning(note)
    return Route(head, note)


def overdue_fallback(directory: Directory, recipient: Person, concerned: Iterable[str] = ()) -> Person | None:
    """Who takes over an item its recipient has not acted on: deputy, else chair, else head."""
    concerned = {e.lower() for e in concerned} | {recipient.email}
    for candidate in (directory.deputy, directory.chair_of_governors, directory.head_teacher):
        if candidate and candidate.email not in concerned:
            return candidate
    return None


def overdue_watcher(directory: Directory, *, recipient: str, concerned: Iterable[str] = ()) -> Person | None:
    """Who is told that a query waits too long: the head teacher, or the chair of governors when
    the head is the one not answering; never someone the query is from or about."""
    head = directory.head_teacher
    to = head if head and head.email != recipient else directory.chair_of_governors
    excluded = {e.lower() for e in concerned} | {recipient}
    return to if to is not None and to.email not in excluded else None
