"""Checks of a parsed directory that need the whole file: managers, cycles, duplicates, head teacher."""
from __future__ import annotations

from bot.core.directory.model import Person, Problem, Role

# Governors are not staff, so the chair of governors has nobody above them.
_NO_MANAGER_NEEDED = {Role.HEAD_TEACHER, Role.GOVERNOR}


def validate(people: list[Person]) -> list[Problem]:
    problems = _duplicates(people) + _managers(people) + _cycles(people) + _head_teacher(people)
    return sorted(problems, key=lambda p: (p.line, p.message))


def _duplicates(people: list[Person]) -> list[Problem]:
    problems: list[Problem] = []
    for label, key in (
        ("email", lambda p: p.email),
        ("slack_user_id", lambda p: p.slack_user_id),
        ("teams_user_id", lambda p: p.teams_user_id),
    ):
        seen: dict[str, int] = {}
        for person in people:
            value = key(person)
            if not value:
                continue
            if value in seen:
                problems.append(Problem(person.line, f"duplicate {label} {value!r} (first used on line {seen[value]})"))
            else:
                seen[value] = person.line
    return problems


def _managers(people: list[Person]) -> list[Problem]:
    emails = {p.email for p in people}
    problems: list[Problem] = []
    for person in people:
        manager = person.line_manager_email
        if not manager:
            if person.role not in _NO_MANAGER_NEEDED:
                problems.append(Problem(person.line, f"{person.email} has no line_manager_email"))
        elif manager == person.email:
            problems.append(Problem(person.line, f"{person.email} is listed as their own line manager"))
        elif manager not in emails:
            problems.append(Problem(person.line, f"unknown line manager {manager!r} for {person.email}"))
    return problems


def _cycles(people: list[Person]) -> list[Problem]:
    manager_of = {p.email: p.line_manager_email for p in people}
    line_of = {}
    for p in people:
        line_of.setdefault(p.email, p.line)
    reported: set[frozenset[str]] = set()
    problems: list[Problem] = []
    for start in manager_of:
        path: list[str] = []
        current: str | None = start
        while current and current in manager_of and current not in path:
            path.append(current)
            current = manager_of[current]
        if not current or current not in path or current == path[-1] and len(path) == 1:
            continue  # chain ends, or a self-reference (reported by _managers)
        cycle = path[path.index(current):]
        if len(cycle) < 2 or frozenset(cycle) in reported:
            continue
        reported.add(frozenset(cycle))
        chain = " -> ".join(cycle + [cycle[0]])
        lines = ", ".join(str(line_of[e]) for e in cycle)
        problems.append(Problem(min(line_of[e] for e in cycle), f"line managers form a cycle: {chain} (lines {lines})"))
    return problems


def _head_teacher(people: list[Person]) -> list[Problem]:
    heads = [p for p in people if p.role is Role.HEAD_TEACHER]
    if not heads:
        return [Problem(0, "no head teacher: one row must have role head_teacher")]
    return [
        Problem(p.line, f"more than one head teacher ({p.email}; first is on line {heads[0].line})")
        for p in heads[1:]
    ]
