"""The question bank: headings name their clause by quoted words, problems are reported with
file and line, and entries stay with their clause when the policy is edited around them.

These read a small policy with the real parser and clause splitter, but load no model: the bank
only needs the clauses' text (the similarity function links exceptions, unused here).
"""
from __future__ import annotations

from pathlib import Path

from index.bank import named, read_bank
from index.clauses import draft_clauses, finish_clauses
from index.policy_file import read_policy
from index.types import Clause

HEADER = "---\ntitle: Visits Policy\nowner: Test School\napproved: Spring 2024\nreview_date: Spring 2026\n---\n"
POLICY = HEADER + """
# Visits Policy

## 1.0 Phones

Staff must keep personal phones in the staff room during sessions with children.

Staff may use the nursery tablet to photograph activities for learning journals.

## 2.0 Visitors

Visitors must sign in at reception and wear a visitor badge at all times.
"""


def clauses_of(tmp_path: Path, text: str) -> list[Clause]:
    path = tmp_path / "visits_policy.md"
    path.write_text(text, encoding="utf-8")
    document = read_policy(path)
    return finish_clauses(draft_clauses(document), document.policy_id, lambda a, b: 0.0)


def bank_of(tmp_path: Path, text: str, policy: str = POLICY):
    path = tmp_path / "visits_policy.bank.md"
    path.write_text(text, encoding="utf-8")
    return path, read_bank(path, clauses_of(tmp_path, policy))


def line_of(path: Path, words: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), start=1) if words in line)


def test_each_question_goes_to_the_clause_its_heading_quotes(tmp_path):
    _, bank = bank_of(tmp_path, '---\npolicy: visits_policy\n---\n# Questions\n\nSome prose about this file.\n\n'
                                '## "personal phones in the staff room"\n'
                                "- [w1] where does my mobile live while I'm on the floor?\n"
                                "* [w2] is a phone in my apron pocket allowed during messy play?\n\n"
                                "## \u201cwear a Visitor   badge\u201d\n"
                                "- [w1] does the boiler engineer need a lanyard?\n\n"
                                "## Not covered: parking\n"
                                "- [w3] where can I leave my car?\n")
    assert bank.problems == []
    assert [(q.question, q.clause_id, q.author) for q in bank.covered] == [
        ("where does my mobile live while I'm on the floor?", "1.0.1", "w1"),
        ("is a phone in my apron pocket allowed during messy play?", "1.0.1", "w2"),
        ("does the boiler engineer need a lanyard?", "2.0.1", "w1"),  # case, spacing, curly quotes ignored
    ]
    [parking] = bank.not_covered
    assert (parking.topic, parking.author) == ("parking", "w3")


def test_a_heading_no_clause_contains_is_reported_with_its_line_and_its_questions_left_out(tmp_path):
    path, bank = bank_of(tmp_path, '# Q\n\n## "parking permits"\n- [w1] where do I leave my bike?\n\n'
                                   '## "visitor badge"\n- [w1] do contractors sign in?\n')
    [problem] = bank.problems
    assert (problem.path, problem.line) == (str(path), line_of(path, "parking permits"))
    assert str(problem).startswith(f"{path}:3: no clause of the policy contains 'parking permits'")
    assert [q.question for q in bank.questions] == ["do contractors sign in?"]  # never attached elsewhere


def test_a_heading_two_clauses_contain_is_reported_naming_both(tmp_path):
    path, bank = bank_of(tmp_path, '# Q\n\n## "Staff"\n- [w1] what do the rules say for me?\n')
    [problem] = bank.problems
    assert problem.line == 3 and "more than one clause (1.0.1, 1.0.2)" in problem.message
    assert bank.questions == []


def test_malformed_lines_are_reported_each_with_its_line(tmp_path):
    path, bank = bank_of(tmp_path, '# Q\n\n- [w1] asked before any heading?\n\n'
                                   '## "visitor badge"\n- a question with no author\n- [w2]\n'
                                   "- [w2] does a parent helper need a badge?\n\n"
                                   "## 2.0.1\n- [w1] numbers are not anchors\n")
    reported = {p.line: p.message for p in bank.problems}
    assert set(reported) == {3, 6, 7, 10}
    assert "before any heading" in reported[3]
    assert reported[6].startswith("an entry with no [author]")
    assert reported[7] == "empty question"
    assert "should quote words from one clause" in reported[10]
    assert [q.question for q in bank.questions] == ["does a parent helper need a badge?"]


def test_an_entry_keeps_its_clause_when_the_policy_is_edited(tmp_path):
    bank_text = '# Q\n\n## "visitor badge"\n- [w1] does the window cleaner have to sign in?\n'
    # A new clause before it (so every later id moves), another clause reworded, and the same
    # clause's words around the quoted ones changed.
    edited = POLICY.replace(
        "Staff may use the nursery tablet to photograph activities for learning journals.",
        "Staff may use only the setting's tablet for photographs.").replace(
        "## 2.0 Visitors\n\n",
        "## 2.0 Visitors\n\nThe office keeps a list of expected visitors each day.\n\n").replace(
        "Visitors must sign in at reception and wear a visitor badge at all times.",
        "Every visitor signs the book in the entrance hall and must wear a visitor badge while on site.")
    _, before = bank_of(tmp_path, bank_text)
    _, after = bank_of(tmp_path, bank_text, edited)
    assert [q.clause_id for q in before.questions] == ["2.0.1"]
    assert after.problems == []
    [entry] = after.questions
    clause = next(c for c in clauses_of(tmp_path, edited) if c.id == entry.clause_id)
    assert entry.clause_id == "2.0.2" and "must wear a visitor badge while on site" in clause.text


def test_a_clause_is_named_by_id_by_section_or_by_its_words(tmp_path):
    clauses = clauses_of(tmp_path, POLICY)
    assert [c.id for c in named("2.0.1", clauses)] == ["2.0.1"]
    assert [c.id for c in named("1.0", clauses)] == ["1.0.1", "1.0.2"]  # a section: the caller must choose
    assert [c.id for c in named('"the nursery TABLET"', clauses)] == ["1.0.2"]
    assert named("a heated swimming pool", clauses) == []
