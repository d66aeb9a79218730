"""Directory value types: Person, Role, Platform, and the Directory snapshot with its lookups."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Protocol

COLUMNS = ("name", "email", "role", "line_manager_email", "slack_user_id", "teams_user_id")


class Role(str, enum.Enum):
    STAFF = "staff"
    MANAGER = "manager"
    HEAD_TEACHER = "head_teacher"
    DEPUTY = "deputy"
    HR = "hr"
    GOVERNOR = "governor"

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    Role.STAFF: "Staff",
    Role.MANAGER: "Line manager",
    Role.HEAD_TEACHER: "Head teacher",
    Role.DEPUTY: "Deputy head",
    Role.HR: "HR/Payroll",
    Role.GOVERNOR: "Governor",
}


class Platform(str, enum.Enum):
    SLACK = "slack"
    TEAMS = "teams"
    CLI = "cli"


@dataclass(frozen=True)
class Person:
    name: str
    email: str  # lower-cased; the stable identity used everywhere in the core
    role: Role
    line_manager_email: str | None = None
    slack_user_id: str | None = None
    teams_user_id: str | None = None  # Azure AD object id (Teams `from.aadObjectId`)
    line: int = 0  # line in the CSV, for error messages

    def platform_id(self, platform: Platform | str) -> str | None:
        platform = Platform(platform)
        if platform is Platform.SLACK:
            return self.slack_user_id
        if platform is Platform.TEAMS:
            return self.teams_user_id
        return None

    @property
    def ref(self) -> "PersonRef":
        return PersonRef(name=self.name, email=self.email, role=self.role)


@dataclass(frozen=True)
class PersonRef:
    """What a view shows about a person: enough to name and mention them."""

    name: str
    email: str
    role: Role | None = None

    @property
    def role_label(self) -> str:
        return self.role.label if self.role else "Not in the directory"


@dataclass(frozen=True)
class Problem:
    line: int  # 0 for problems of the file as a whole
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True)
class Directory:
    """An immutable, validated-as-far-as-possible snapshot of the staff list."""

    people: tuple[Person, ...] = ()
    problems: tuple[Problem, ...] = ()
    source: str = ""
    _by_email: dict[str, Person] = field(default_factory=dict, init=False, repr=False, compare=False)
    _by_platform: dict[tuple[str, str], Person] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        for person in self.people:
            # First row wins on duplicates; the duplicate is reported as a problem by validation.
            self._by_email.setdefault(person.email, person)
            for platform in (Platform.SLACK, Platform.TEAMS):
                pid = person.platform_id(platform)
                if pid:
                    self._by_platform.setdefault((platform.value, pid), person)

    def get(self, email: str | None) -> Person | None:
        return self._by_email.get(email.strip().lower()) if email else None

    def by_platform_id(self, platform: Platform | str, user_id: str) -> Person | None:
        return self._by_platform.get((Platform(platform).value, user_id))

    def with_role(self, role: Role) -> list[Person]:
        return [p for p in self.people if p.role is role]

    def first_with_role(self, role: Role) -> Person | None:
        found = self.with_role(role)
        return found[0] if found else None

    @property
    def head_teacher(self) -> Person | None:
        return self.first_with_role(Role.HEAD_TEACHER)

    @property
    def deputy(self) -> Person | None:
        return self.first_with_role(Role.DEPUTY)

    @property
    def hr(self) -> Person | None:
        return self.first_with_role(Role.HR)

    @property
    def chair_of_governors(self) -> Person | None:
        """The governor the head teacher reports to, else the first governor listed."""
        head = self.head_teacher
        chair = self.get(head.line_manager_email) if head else None
        if chair and chair.role is Role.GOVERNOR:
            return chair
        return self.first_with_role(Role.GOVERNOR)

    def line_manager_of(self, person: Person) -> Person | None:
        return self.get(person.line_manager_email)

    @property
    def ok(self) -> bool:
        return not self.problems


class DirectorySource(Protocol):
    def current(self) -> Directory:
        """The latest good snapshot (re-read from its source if that changed)."""
