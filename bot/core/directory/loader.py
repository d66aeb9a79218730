"""Reading the directory CSV into a `Directory`, and sources that keep it current."""
from __future__ import annotations

import csv
import io
import logging
import threading
from pathlib import Path

from bot.core.directory.model import COLUMNS, Directory, Person, Problem, Role
from bot.core.directory.validation import validate

log = logging.getLogger(__name__)

_ROLES = ", ".join(r.value for r in Role)


def parse_directory(text: str, *, source: str = "") -> Directory:
    """Parse CSV text; rows that cannot be understood are skipped and named in `problems`."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = tuple((h or "").strip() for h in (reader.fieldnames or ()))
    if header != COLUMNS:
        expected = ",".join(COLUMNS)
        return Directory(problems=(Problem(1, f"header must be exactly {expected!r}, found {','.join(header)!r}"),), source=source)
    people: list[Person] = []
    problems: list[Problem] = []
    for row in reader:
        person, problem = _person(row, reader.line_num)
        if problem:
            problems.append(problem)
        if person:
            people.append(person)
    return Directory(people=tuple(people), problems=tuple(problems + validate(people)), source=source)


def _person(row: dict, line: int) -> tuple[Person | None, Problem | None]:
    if None in row:
        return None, Problem(line, f"too many columns (expected {len(COLUMNS)})")
    values = {k.strip(): (v or "").strip() for k, v in row.items()}
    name, email, role = values["name"], values["email"].lower(), values["role"].lower()
    if not name or not email:
        return None, Problem(line, "name and email are required")
    if "@" not in email:
        return None, Problem(line, f"email {email!r} is not an email address")
    try:
        parsed_role = Role(role)
    except ValueError:
        return None, Problem(line, f"unknown role {role!r} for {email} (expected one of {_ROLES})")
    return Person(
        name=name,
        email=email,
        role=parsed_role,
        line_manager_email=values["line_manager_email"].lower() or None,
        slack_user_id=values["slack_user_id"] or None,
        teams_user_id=values["teams_user_id"].lower() or None,
        line=line,
    ), None


def load_directory(path: Path) -> Directory:
    """Read and parse a directory file; raises OSError if it cannot be read."""
    return parse_directory(Path(path).read_text(encoding="utf-8"), source=str(path))


class StaticDirectory:
    """A fixed snapshot: for tests and for running without a directory file."""

    def __init__(self, directory: Directory | None = None):
        self._directory = directory or Directory(problems=(Problem(0, "no directory configured (POLICYBOT_DIRECTORY)"),))

    def current(self) -> Directory:
        return self._directory


class FileDirectory:
    """Re-reads the CSV whenever its modification time or size changes.

    A file that cannot be read keeps the previous snapshot in service: losing every
    person because of a half-saved upload would stop all routing.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._directory = Directory(problems=(Problem(0, f"directory {self.path} not loaded yet"),), source=str(path))

    def current(self) -> Directory:
        with self._lock:
            try:
                stat = self.path.stat()
            except OSError as exc:
                return self._keep(f"cannot read directory {self.path}: {exc.strerror or exc}")
            stamp = (stat.st_mtime_ns, stat.st_size)
            if stamp != self._stamp:
                self._reload(stamp)
            return self._directory

    def _reload(self, stamp: tuple[int, int]) -> None:
        try:
            fresh = load_directory(self.path)
        except (OSError, UnicodeDecodeError) as exc:
            self._keep(f"cannot read directory {self.path}: {exc}")
            return
        self._stamp = stamp
        if not fresh.people and self._directory.people:
            self._keep(f"directory {self.path} has no usable rows: " + "; ".join(map(str, fresh.problems)))
            return
        for problem in fresh.problems:
            log.warning("directory %s: %s", self.path, problem)
        log.info("directory %s loaded: %d people", self.path, len(fresh.people))
        self._directory = fresh

    def _keep(self, message: str) -> Directory:
        if not any(p.message == message for p in self._directory.problems):
            log.error("%s; keeping the previous directory", message)
            d = self._directory
            self._directory = Directory(people=d.people, problems=d.problems + (Problem(0, message),), source=d.source)
        return self._directory
