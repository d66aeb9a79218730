"""`policybot ask` for people: the quoted clause, its qualifiers, the policy and its review state."""
from __future__ import annotations

import dataclasses
import io

import pytest
from rich.console import Console

from bot.commands._render import render_answer
from bot.core.content.help import EXAMPLE_QUESTIONS

HEADLINE = "can I friend a parent who is my cousin?"


def test_answer_quotes_clause_with_section_heading_force_and_qualifier(cli):
    run = cli("ask", HEADLINE)
    assert run.code == 0
    text = run.text
    assert "2.1 Friends/Befriending" in text
    assert "family members where a pupil is related to a member of staff." in text
    assert "strongly advises against staff initiating or accepting invitations" in text
    assert "exception" in text and "recommendation" in text
    assert "Exception" in text  # the rule/exception pair is labelled as such
    assert "Social Networking Policy" in text and "review due Spring 2025" in text
    assert "{" not in run.out  # not JSON


def test_words_can_be_given_without_quotes(cli):
    run = cli("ask", "can", "I", "friend", "a", "parent", "who", "is", "my", "cousin?")
    assert "2.1 Friends/Befriending" in run.text


def test_not_covered_says_so_and_points_to_the_line_manager(cli):
    run = cli("ask", "how do I claim mileage for a school trip?")
    assert run.code == 0
    assert "doesn't cover this" in run.text
    assert "line manager" in run.text
    assert "Closest clauses" in run.text


def test_greeting_gets_help_with_example_questions(cli):
    run = cli("ask", "hello")
    assert run.code == 0
    assert "policies" in run.text
    assert EXAMPLE_QUESTIONS[0] in run.text


@pytest.mark.parametrize("question", ["", "   ", "\U0001F600"])
def test_empty_question_gets_the_notice(cli, question):
    run = cli("ask", question)
    assert run.code == 0 and "Please type a question" in run.text


def test_long_question_shows_the_notice(cli):
    run = cli("ask", "can I post photos of the children on facebook? " * 850)
    assert run.code == 0
    assert "long" in run.text and "characters" in run.text


def test_policy_text_is_printed_verbatim_not_as_markup(cli):
    run = cli("ask", "[bold]can I[/bold] post photos of pupils?")
    assert run.code == 0 and "Traceback" not in run.err


def render(answer) -> str:
    buffer = io.StringIO()
    render_answer(answer, Console(file=buffer, width=100, color_system=None))
    return " ".join(buffer.getvalue().split())


@pytest.fixture(scope="module")
def sample_answer():
    from bot.commands._index_loader import open_index

    index, _ = open_index()
    return index.ask("can I post photos of pupils on my facebook?")


def test_overdue_review_is_flagged(sample_answer):
    overdue = dataclasses.replace(sample_answer, policy=dataclasses.replace(sample_answer.policy, review_overdue=True))
    on_time = dataclasses.replace(sample_answer, policy=dataclasses.replace(sample_answer.policy, review_overdue=False))
    assert f"review due {sample_answer.policy.review_date} (overdue for review" in render(overdue)
    assert "overdue" not in render(on_time)


def test_notice_is_shown(sample_answer):
    noted = dataclasses.replace(sample_answer, notice="Only the first 1,000 characters were used.")
    assert "Only the first 1,000 characters were used." in render(noted)
