"""A sample staff directory for tests: every role, line managers, Slack and Teams ids."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

HEADER = "name,email,role,line_manager_email,slack_user_id,teams_user_id"


@dataclass(frozen=True)
class SamplePerson:
    name: str
    email: str
    role: str
    line_manager_email: str
    slack_user_id: str
    teams_user_id: str

    def row(self) -> str:
        return ",".join((self.name, self.email, self.role, self.line_manager_email, self.slack_user_id, self.teams_user_id))


PEOPLE: dict[str, SamplePerson] = {p.email.split("@")[0]: p for p in (
    SamplePerson("Gwen Governor", "chair@hardmoor.example", "governor", "", "U0CHAIR", "00000000-0000-0000-0000-00000000c4a1"),
    SamplePerson("Helen Head", "head@hardmoor.example", "head_teacher", "chair@hardmoor.example", "U0HEAD", "00000000-0000-0000-0000-0000000000ad"),
    SamplePerson("Dev Deputy", "deputy@hardmoor.example", "deputy", "head@hardmoor.example", "U0DEPUTY", "00000000-0000-0000-0000-00000000de00"),
    SamplePerson("Hana Payroll", "hr@hardmoor.example", "hr", "head@hardmoor.example", "U0HR", "00000000-0000-0000-0000-0000000000e1"),
    SamplePerson("Mia Manager", "manager@hardmoor.example", "manager", "head@hardmoor.example", "U0MANAGER", "00000000-0000-0000-0000-00000000aa01"),
    SamplePerson("Sam Staff", "staff@hardmoor.example", "staff", "manager@hardmoor.example", "U0STAFF", "00000000-0000-0000-0000-00000000aa02"),
    SamplePerson("Tia Teacher", "teacher@hardmoor.example", "staff", "manager@hardmoor.example", "U0TEACHER", "00000000-0000-0000-0000-00000000aa03"),
    # No Slack id: matched by e-mail (users.info / users.lookupByEmail).
    SamplePerson("Eli Emailonly", "emailonly@hardmoor.example", "staff", "manager@hardmoor.example", "", ""),
)}

SAMPLE_DIRECTORY_CSV = "\n".join([HEADER, *(p.row() for p in PEOPLE.values())]) + "\n"


def write_directory(path: Path, text: str = SAMPLE_DIRECTORY_CSV) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
