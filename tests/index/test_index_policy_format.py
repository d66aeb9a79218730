"""A malformed policy file is refused with the file and line of the problem."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.clauses import draft_clauses
from index.policy_file import PolicyFormatError, read_policy

GOOD_HEADER = "---\ntitle: Test Policy\nowner: Test School\napproved: Spring 2024\nreview_date: Spring 2026\n---\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "test_policy.md"
    path.write_text(text, encoding="utf-8")
    return path


def error_for(path: Path) -> PolicyFormatError:
    with pytest.raises(PolicyFormatError) as caught:
        draft_clauses(read_policy(path))
    return caught.value


def line_of(path: Path, words: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), start=1) if words in line)


def test_a_well_formed_file_reads(tmp_path):
    path = write(tmp_path, GOOD_HEADER + "\n# Test\n\n## 1.0 Rules\n\nStaff must wear a badge.\n")
    document = read_policy(path)
    assert document.metadata["title"] == "Test Policy"
    assert [d.text for d in draft_clauses(document)] == ["Staff must wear a badge."]


def test_missing_front_matter(tmp_path):
    path = write(tmp_path, "# Test\n\n## 1.0 Rules\n\nStaff must wear a badge.\n")
    error = error_for(path)
    assert (error.path, error.line) == (str(path), 1)
    assert "metadata" in error.message


def test_front_matter_lacking_a_field(tmp_path):
    path = write(tmp_path, GOOD_HEADER.replace("owner: Test School\n", "") + "\n## 1.0 Rules\n\nText.\n")
    error = error_for(path)
    assert error.path == str(path) and error.line == 2
    assert "owner" in error.message


def test_front_matter_that_is_not_yaml(tmp_path):
    path = write(tmp_path, GOOD_HEADER.replace("approved: Spring 2024", "approved: [Spring 2024") + "\n## 1.0 R\n\nT.\n")
    error = error_for(path)
    assert error.path == str(path)
    assert 2 <= error.line <= 6
    assert "YAML" in error.message


def test_unnumbered_heading(tmp_path):
    path = write(tmp_path, GOOD_HEADER + "\n# Test\n\n## Rules for staff\n\nStaff must wear a badge.\n")
    error = error_for(path)
    assert error.line == line_of(path, "## Rules for staff")
    assert "Rules for staff" in error.message and "section number" in error.message


def test_hint_anchor_not_in_the_text(tmp_path):
    body = ("\n# Test\n\n## 1.0 Rules\n\nStaff must wear a badge. Visitors sign in at reception.\n"
            '<!-- hint for "lanyards": what to wear around my neck -->\n')
    path = write(tmp_path, GOOD_HEADER + body)
    error = error_for(path)
    assert error.line == line_of(path, "hint for")
    assert "lanyards" in error.message


def test_unanchored_hint_on_text_split_into_several_clauses(tmp_path):
    long_sentence = "Staff must wear a badge at all times while they are on the premises of the school. " * 3
    body = f"\n# Test\n\n## 1.0 Rules\n\n{long_sentence.strip()} However, there may be exceptions for visitors.\n<!-- hint: badges -->\n"
    path = write(tmp_path, GOOD_HEADER + body)
    error = error_for(path)
    assert error.line == line_of(path, "hint: badges")


def test_error_text_names_file_and_line(tmp_path):
    path = write(tmp_path, GOOD_HEADER + "\n## Rules for staff\n\nText.\n")
    error = error_for(path)
    assert str(error).startswith(f"{path}:{error.line}: ")
