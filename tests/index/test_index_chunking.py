"""How the real policy is cut into clauses: nothing lost, nothing too long, roles and forces right."""
from __future__ import annotations

import re

import pytest

from bot.settings import DEFAULT_POLICY_DIR
from index.clauses import draft_clauses
from index.policy_file import read_policy
from index.types import Force

POLICY_FILE = DEFAULT_POLICY_DIR / "social_networking_policy.md"
ROLE_GROUPS = ("Head Teachers/Managers", "Employees/Staff", "HR/Payroll", "Governors")


def normal(text: str) -> str:
    return " ".join(text.split())


def seed_sentences(seed: str) -> list[str]:
    """Every sentence of the original policy's body (mission statement and sections 1.0 to the end)."""
    body = seed[seed.index("Mission Statement:") : seed.index("Contents")]
    body += seed[seed.index("\n1.0 POLICY STATEMENT\n\nThe purpose") :]
    # The extraction ran the last two lines of the original together.
    body = body.replace(" Review Date –", "\n\nReview Date –")
    items: list[str] = []
    for paragraph in re.split(r"\n\s*\n", body):
        lines = [line for line in paragraph.splitlines() if line.strip()]
        for line in lines:
            if line.startswith("- ") or not items or not lines[0].startswith("- "):
                items.append(line.removeprefix("- ") if line.startswith("- ") else line)
            else:
                items[-1] += " " + line  # a bullet wrapped onto the next line
    sentences = []
    for item in items:
        item = normal(item)
        if re.fullmatch(r"\d+\.\d+\s+[^.]+", item) or re.fullmatch(r"[A-Z][\w/ &]{0,40}:", item):
            continue  # a heading, not policy text
        sentences.extend(re.split(r"(?<=[.!?])\s+(?=[A-Z\"'])", item))
    return sentences


def clause_with(clauses, words: str):
    found = [c for c in clauses if words in c.text]
    assert len(found) == 1, f"expected one clause containing {words!r}, found {len(found)}"
    return found[0]


def test_every_sentence_of_the_original_policy_is_in_a_clause(policy_index, seed_text):
    sentences = seed_sentences(seed_text)
    # the whole body was read, from the mission statement to the review date
    assert len(sentences) >= 55
    assert sentences[0].startswith("To provide a happy") and sentences[-1] == "Review Date – Spring 2025"
    texts = [normal(c.text) for c in policy_index.clauses]
    missing = [s for s in sentences if not any(normal(s) in t for t in texts)]
    assert missing == []


def test_no_clause_is_too_long_to_quote(policy_index):
    too_long = [(c.id, len(c.text)) for c in policy_index.clauses if len(c.text) > 400]
    assert too_long == []


def test_role_groups_of_section_1_3_are_kept(policy_index):
    clauses = policy_index.clauses
    assert set(ROLE_GROUPS) <= {c.group for c in clauses if c.section == "1.3"}
    assert clause_with(clauses, "Must ensure that any allegations").group == "Head Teachers/Managers"
    assert clause_with(clauses, "Must comply with this policy where specific").group == "Employees/Staff"
    assert clause_with(clauses, "Will advise and support head teachers").group == "HR/Payroll"
    assert clause_with(clauses, "Will review this policy and its application").group == "Governors"
    assert clause_with(clauses, "Accessing social networking sites in working time").group == ""


@pytest.mark.parametrize(
    ("words", "force"),
    [
        ("is strictly forbidden", Force.REQUIREMENT),
        ("Staff must not post information", Force.REQUIREMENT),
        ("strongly advises against", Force.RECOMMENDATION),
        ("Staff are advised to check their security profiles", Force.RECOMMENDATION),
        ("However, there may be exceptions", Force.EXCEPTION),
        ("it is acceptable to refer to the school", Force.EXCEPTION),
        ("One of the functions of social networks", Force.RECOMMENDATION),  # shares a clause with the advice
        ("Information shared through social networking sites", Force.INFORMATION),
    ],
)
def test_force_follows_the_wording(policy_index, words, force):
    assert clause_with(policy_index.clauses, words).force is force


def test_family_exception_is_its_own_clause_and_qualifies_the_friending_advice(policy_index):
    clauses = policy_index.clauses
    rule = clause_with(clauses, "strongly advises against")
    exception = clause_with(clauses, "However, there may be exceptions")
    assert rule.id != exception.id and "exception" not in rule.text.lower()
    assert exception.id in rule.qualifiers
    assert rule.id in exception.qualifiers
    assert exception in policy_index.qualifiers_of(rule)


def test_clause_ids_are_unique_and_name_their_section(policy_index):
    ids = [c.id for c in policy_index.clauses]
    assert len(ids) == len(set(ids))
    for clause in policy_index.clauses:
        assert clause.id.startswith(clause.section + "."), clause.id


def test_clause_ids_are_stable_when_wording_changes(policy_copy):
    path = policy_copy / POLICY_FILE.name
    before = draft_clauses(read_policy(path))
    assert [d.id for d in draft_clauses(read_policy(path))] == [d.id for d in before]

    source = path.read_text(encoding="utf-8")
    edited = source.replace("Staff are advised to check their security profiles",
                            "Staff are advised to regularly check their security profiles")
    assert edited != source
    path.write_text(edited, encoding="utf-8")
    after = draft_clauses(read_policy(path))
    assert [d.id for d in after] == [d.id for d in before]
    assert "regularly check" in next(d for d in after if d.id == "2.3.1").text


def test_adding_text_to_one_section_keeps_other_sections_ids(policy_copy):
    path = policy_copy / POLICY_FILE.name
    before = {d.id: d.text for d in draft_clauses(read_policy(path))}
    source = path.read_text(encoding="utf-8")
    anchor = "### 2.2 Content of Interactions"
    path.write_text(source.replace(anchor, "Staff must not livestream from the setting.\n\n" + anchor),
                    encoding="utf-8")
    after = {d.id: d.text for d in draft_clauses(read_policy(path))}
    added = set(after) - set(before)
    assert len(added) == 1 and next(iter(added)).startswith("2.1.")
    assert {k: v for k, v in after.items() if k not in added} == before
