"""`policybot ask --json`: one JSON object per question on stdout, whatever the input."""
from __future__ import annotations

import io
import json
import sys

import pytest

FORCES = {"requirement", "recommendation", "exception", "information"}
HEADLINE = "can I friend a parent who is my cousin?"
FAMILY_EXCEPTION = "family members where a pupil is related to a member of staff"

OUT_OF_SCOPE = [
    "how do I claim mileage for a school trip?",
    "what time does the kitchen close?",
    "how many days of annual leave do I get?",
    "who do I call if the boiler breaks?",
    "can I park in the staff car park at weekends?",
    "what's the fire evacuation procedure?",
]
GREETINGS = ["hello", "thank you", "Hi there!", "thanks!", "good morning"]

ODD_INPUT = {
    "empty": "",
    "whitespace": " \t  \u00a0 ",
    "40,000 characters": "can I post photos of the children on facebook? " * 850,
    "control characters": "can I\x00 post\x07 photos\x1b[31m of pupils\x7f on\u200b facebook?\r",
    "emoji only": "\U0001F600\U0001F389\U0001F44D",
    "emoji in a question": "can I post \U0001F4F8 of the kids on insta \U0001F648",
    "Welsh": "A gaf i fod yn ffrindiau â rhiant ar Facebook?",
    "Polish": "Czy mogę dodać rodzica ucznia do znajomych na Facebooku?",
    "Arabic": "هل يمكنني نشر صور الأطفال؟",
    "markup": "[bold red]can I[/] <@U123|me> post *photos* of `pupils`?",
}


def check_contract(obj: dict, *, top_k: int | None = 3) -> None:
    assert set(obj) >= {"question", "answered", "clauses", "policy"}
    assert isinstance(obj["answered"], bool)
    assert set(obj["policy"]) >= {"title", "approved", "review_date"}
    scores = []
    for clause in obj["clauses"]:
        assert set(clause) >= {"id", "section", "heading", "text", "force", "score"}
        assert clause["force"] in FORCES
        assert clause["text"].strip()
        scores.append(clause["score"])
    assert scores == sorted(scores, reverse=True)  # rank order
    if top_k is not None:
        assert len(obj["clauses"]) >= top_k


def the_one_object(out: str) -> dict:
    lines = out.splitlines()
    assert len(lines) == 1, f"expected exactly one line of JSON on stdout, got {len(lines)}"
    obj = json.loads(lines[0])
    assert isinstance(obj, dict)
    return obj


def shows_family_exception(obj: dict) -> bool:
    shown = obj["clauses"][:1] + obj["qualifiers"]
    return any(c["section"] == "2.1" and FAMILY_EXCEPTION in c["text"] for c in shown)


def test_console_script_prints_exactly_one_json_object(run_policybot):
    result = run_policybot("ask", "--json", HEADLINE)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    obj = the_one_object(result.stdout)
    check_contract(obj)
    assert obj["question"] == HEADLINE
    assert obj["answered"] is True
    assert shows_family_exception(obj)


def test_batch_from_stdin_keeps_order_one_line_each(cli, monkeypatch):
    questions = ["can I post photos of the children on facebook?", "", "hello", OUT_OF_SCOPE[0], HEADLINE]
    stdin = io.TextIOWrapper(io.BytesIO(("\n".join(questions) + "\n").encode("utf-8")), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    run = cli("ask", "--json", "--batch", "-")
    assert run.code == 0, run.err
    objects = run.objects
    assert [o["question"] for o in objects] == questions
    assert [o["answered"] for o in objects] == [True, False, False, False, True]


def test_headline_question_shows_the_family_member_exception(cli):
    obj = the_one_object(cli("ask", "--json", HEADLINE).out)
    assert obj["answered"] is True
    assert shows_family_exception(obj)
    # and the rule it is an exception to is there too, so the answer is not read as a blanket yes
    texts = [c["text"] for c in obj["clauses"] + obj["qualifiers"]]
    assert any("strongly advises against" in t for t in texts)


@pytest.mark.parametrize("top_k", [1, 5, 8])
def test_top_k_sets_the_number_of_ranked_clauses(cli, top_k):
    run = cli("ask", "--json", "--top-k", str(top_k), "can I post photos of the children on facebook?")
    assert run.code == 0
    obj = the_one_object(run.out)
    check_contract(obj, top_k=None)
    assert len(obj["clauses"]) == top_k


def test_top_k_must_be_positive(cli):
    with pytest.raises(SystemExit) as exit_:
        cli("ask", "--json", "--top-k", "0", "hello")
    assert exit_.value.code == 2


@pytest.mark.parametrize("question", OUT_OF_SCOPE)
def test_out_of_scope_questions_are_not_answered_but_keep_top_k_clauses(cli, question):
    obj = the_one_object(cli("ask", "--json", question).out)
    check_contract(obj, top_k=3)
    assert obj["answered"] is False
    assert obj["status"] == "not_covered"


@pytest.mark.parametrize("greeting", GREETINGS)
def test_greetings_get_help_not_a_clause(cli, greeting):
    obj = the_one_object(cli("ask", "--json", greeting).out)
    assert obj["status"] == "small_talk"
    assert obj["answered"] is False and obj["clauses"] == []


@pytest.mark.parametrize("name", list(ODD_INPUT))
def test_odd_input_gives_valid_json_and_no_traceback(cli, name):
    question = ODD_INPUT[name]
    run = cli("ask", "--json", question)
    assert run.code == 0
    assert "Traceback" not in run.err
    obj = the_one_object(run.out)
    check_contract(obj, top_k=None)
    assert obj["question"] == question
    if name in {"empty", "whitespace", "emoji only"}:
        assert obj["status"] == "empty" and obj["answered"] is False and obj["notice"]
    if name == "40,000 characters":
        assert "long" in obj["notice"] and obj["answered"] is True


def test_batch_file_every_line_gets_one_answer_in_order(cli, tmp_path):
    questions = ["hello", "", "   ", "can I post photos of the children on facebook?", OUT_OF_SCOPE[1],
                 ODD_INPUT["Polish"], HEADLINE]
    path = tmp_path / "questions.txt"
    path.write_text("\r\n".join(questions) + "\r\n", encoding="utf-8")
    run = cli("ask", "--json", "--top-k", "4", "--batch", str(path))
    assert run.code == 0
    objects = run.objects
    assert [o["question"] for o in objects] == questions
    assert [o["status"] for o in objects[:3]] == ["small_talk", "empty", "empty"]
    for obj in objects[3:]:
        check_contract(obj, top_k=4)
    assert objects[-1]["answered"] is True and objects[4]["answered"] is False


def test_batch_file_with_bad_bytes_still_answers_every_line(cli, tmp_path):
    path = tmp_path / "questions.txt"
    path.write_bytes(b"can I post photos of pupils?\n\xff\xfe broken \xc3 bytes\n")
    run = cli("ask", "--json", "--batch", str(path))
    assert run.code == 0 and len(run.objects) == 2


def test_batch_file_that_does_not_exist(cli, tmp_path):
    run = cli("ask", "--json", "--batch", str(tmp_path / "nope.txt"))
    assert run.code == 2 and run.out == ""
    assert "nope.txt" in run.err and "Traceback" not in run.err


def test_batch_and_a_question_together_is_refused(cli, tmp_path):
    run = cli("ask", "--json", "--batch", str(tmp_path / "q.txt"), "hello")
    assert run.code == 2 and run.out == "" and "batch" in run.err
