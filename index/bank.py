"""A policy's question bank: what staff ask, in their words, and the clause that answers each.

Kept beside the policy as `<policy>.bank.md`, a Markdown file its owner can read and edit:

    ## "words quoted from one clause"
    - [author] a question that clause answers
    ## Not covered: a topic
    - [author] a question this policy does not answer

A heading names its clause by quoting words that appear in that clause and in no other, so the
entries stay attached when the policy is edited and renumbered. A heading whose words no clause
contains any more, or more than one clause contains, is a *problem*: reported as `file:line`
by `policybot index build`, and its entries are left out of the search until it is fixed (they
are never silently attached to some other clause).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from index.policy_file import PolicyFormatError
from index.types import Clause

NOT_COVERED = "Not covered"
_HEADING = re.compile(r"^##\s+(?P<body>.+?)\s*$")
_QUOTED = re.compile(r'^["\u201c](?P<anchor>.+)["\u201d]$')
_NOT_COVERED = re.compile(r"^not covered\s*(?::\s*(?P<topic>.*))?$", re.IGNORECASE)
_ENTRY = re.compile(r"^[-*]\s+\[(?P<author>[^\]]+)\]\s*(?P<question>.*?)\s*$")


@dataclass(frozen=True)
class BankQuestion:
    question: str
    author: str
    line: int
    clause_id: str | None = None  # None: a question the policy does not cover
    topic: str = ""                # for questions not covered


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Bank:
    path: Path | None
    questions: list[BankQuestion] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def covered(self) -> list[BankQuestion]:
        return [q for q in self.questions if q.clause_id is not None]

    @property
    def not_covered(self) -> list[BankQuestion]:
        return [q for q in self.questions if q.clause_id is None]

    @property
    def authors(self) -> list[str]:
        return sorted({q.author for q in self.questions})


def bank_path(policy_path: Path) -> Path:
    return policy_path.with_name(policy_path.stem + ".bank.md")


def _normal(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(text.split()).lower()


def quoting(words: str, clauses: list[Clause]) -> list[Clause]:
    """The clauses that contain `words` (white space, case and curly quotes ignored): how a bank
    heading names its clause, and how `policybot bank add` takes quoted words for a clause."""
    wanted = _normal(words.strip().strip('"\u201c\u201d'))
    if not wanted:
        return []
    return [c for c in clauses if wanted in _normal(c.text)]


def named(ref: str, clauses: list[Clause]) -> list[Clause]:
    """The clauses `ref` names, as a person typing it means it: the clause with that id (2.3.1);
    else the clauses of the section with that number (2.3: the caller asks which one); else
    the clauses that contain those words, as a bank heading quotes them."""
    ref = ref.strip()
    by_id = [c for c in clauses if c.id == ref]
    if by_id:
        return by_id
    in_section = [c for c in clauses if c.section == ref]
    return in_section or quoting(ref, clauses)


def read_bank(path: Path, clauses: list[Clause]) -> Bank:
    """The bank at `path` with each heading resolved to its clause. A file that cannot be read
    at all raises PolicyFormatError; problems with single headings or lines are collected."""
    bank = Bank(path=path)
    if not path.exists():
        return bank
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise PolicyFormatError(path, 1, "the question bank is not UTF-8 text") from None
    lines = source.splitlines()
    start = _skip_front_matter(path, lines)
    texts = [(c, _normal(c.text)) for c in clauses]
    current: tuple[str | None, str] | None = None  # (clause id or None, topic)
    heading_ok = True
    for number, raw in enumerate(lines[start:], start=start + 1):
        line = raw.strip()
        if not line or line.startswith("# ") or line.startswith("<!--"):
            continue
        heading = _HEADING.match(line)
        if heading:
            current, heading_ok = _heading(bank, path, number, heading["body"], texts)
            continue
        entry = _ENTRY.match(line)
        if entry is None:
            if current is not None and line.startswith(("-", "*")):
                # The author is what leave-one-author-out measures by, so an entry without one is refused.
                authored = line[1:].lstrip().startswith("[")
                what = "an entry" if authored else "an entry with no [author]"
                bank.problems.append(Problem(str(path), number, f"{what} must look like: - [author] the question"))
            continue  # prose about the file
        if current is None:
            bank.problems.append(Problem(str(path), number, "a question before any heading: put it under the "
                                                           "heading of the clause that answers it"))
            continue
        if not heading_ok:
            continue  # its heading was reported; the question waits until it is fixed
        question = entry["question"]
        if not question:
            bank.problems.append(Problem(str(path), number, "empty question"))
            continue
        clause_id, topic = current
        bank.questions.append(BankQuestion(question=question, author=entry["author"].strip(), line=number,
                                           clause_id=clause_id, topic=topic))
    return bank


def _heading(bank: Bank, path: Path, number: int, body: str, texts) -> tuple[tuple[str | None, str], bool]:
    not_covered = _NOT_COVERED.match(body)
    if not_covered:
        return (None, (not_covered["topic"] or "").strip()), True
    quoted = _QUOTED.match(body)
    if not quoted:
        bank.problems.append(Problem(str(path), number, f"heading {body!r} should quote words from one clause "
                                                       '(## "words") or say ## Not covered: topic'))
        return (None, ""), False
    anchor = _normal(quoted["anchor"])
    found = [clause for clause, text in texts if anchor in text]  # the rule of `quoting`, on texts normalised once
    if len(found) == 1:
        return (found[0].id, ""), True
    if not found:
        bank.problems.append(Problem(str(path), number, f"no clause of the policy contains {quoted['anchor']!r} "
                                                       "(was it edited?); its questions are not used"))
    else:
        ids = ", ".join(c.id for c in found)
        bank.problems.append(Problem(str(path), number, f"{quoted['anchor']!r} is in more than one clause ({ids}): "
                                                       "quote more words; its questions are not used"))
    return (None, ""), False


def _skip_front_matter(path: Path, lines: list[str]) -> int:
    if not lines or lines[0].strip() != "---":
        return 0
    for end, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            try:
                yaml.safe_load("\n".join(lines[1:end]))
            except yaml.YAMLError:
                raise PolicyFormatError(path, 2, "the question bank's header is not valid YAML") from None
            return end + 1
    raise PolicyFormatError(path, 1, "the question bank's header is not closed with a '---' line")
