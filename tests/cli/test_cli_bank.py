"""`policybot bank ...`: the policy owner reviews suggestions made through the core, on the real
index of the bundled policy (built once per session by conftest), and refusals for anyone else.
`policybot index build` and `doctor` with a broken bank, on a tiny policy of the test's own."""
from __future__ import annotations

import json
import re

import pytest

from bot.commands._index_loader import open_index
from bot.composition import build_assistant
from bot.core.bank import service as bank
from bot.core.bank.types import Source
from bot.settings import Settings
from tests.core.corefakes import DIRECTORY_CSV
from tests.support.doctor import run_doctor, table_rows

HEAD, STAFF = "head@hardmoor.example", "amy.green@hardmoor.example"
NAMED = "is Ben Hart allowed to follow the children's parents on Instagram?"  # a directory name: redacted
REDACTED = "is [name] allowed to follow the children's parents on Instagram?"
OTHER = "should my profile be locked so only friends see it?"
UNSEEN = "can I play my own spotify playlist in the garden during free flow?"  # unanswered without teaching


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bank.db'}")
    monkeypatch.setenv("POLICYBOT_DIRECTORY", str(DIRECTORY_CSV))
    monkeypatch.setenv("POLICYBOT_NOTIFY_LOG", str(tmp_path / "notify.jsonl"))
    return tmp_path


def core_assistant():
    index, _ = open_index()
    return build_assistant(Settings.from_env(), index=index)


@pytest.fixture
def suggested(env) -> dict[str, int]:
    """Two suggestions as the chat makes them (a "Did you mean" pick, a pick after "Not helpful")."""
    assistant = core_assistant()
    index = assistant.answerer
    with assistant.db.transaction() as session:
        bank.suggest(session, ctx=assistant.ctx, question=NAMED, clause=index.clause("2.1.1"), source=Source.DID_YOU_MEAN)
        bank.suggest(session, ctx=assistant.ctx, question=OTHER, clause=index.clause("2.3.1"), source=Source.NOT_HELPFUL)
    ids = {e.question: e.id for e in assistant.bank_pending(actor=assistant.directory.get(HEAD))}
    assistant.db.dispose()
    return {"named": ids[REDACTED], "other": ids[OTHER]}


def test_pending_json_shows_each_suggestion_redacted_with_its_clause_and_source(suggested, cli):
    run = cli("bank", "pending", "--json")
    assert run.code == 0, run.err
    rows = json.loads(run.out)
    assert [r["id"] for r in rows] == [suggested["named"], suggested["other"]]  # oldest first
    first = rows[0]
    assert {"id", "question", "clause_id", "clause_heading", "clause_text", "source", "status", "created_at",
            "policy_id"} <= set(first)
    assert first["question"] == REDACTED and "Ben" not in run.out
    assert (first["clause_id"], first["clause_heading"], first["source"], first["status"]) == (
        "2.1.1", "Friends/Befriending", "did_you_mean", "pending")
    assert first["created_at"][:4].isdigit() and "T" in first["created_at"]  # ISO time
    assert rows[1]["clause_heading"] == "Security" and rows[1]["source"] == "not_helpful"


def test_pending_lists_id_question_clause_source_and_when(suggested, cli):
    run = cli("bank", "pending")
    assert run.code == 0, run.err
    assert re.search(re.escape(f"#{suggested['named']} \u201c{REDACTED}\u201d answered by 2.1.1 (Friends/Befriending) "
                               "\u00b7 picked from \u201cDid you mean\u201d \u00b7 ") + r"\d{4}-\d\d-\d\d \d\d:\d\d",
                     run.text)
    assert f"#{suggested['other']} \u201c{OTHER}\u201d answered by 2.3.1 (Security) \u00b7 " \
           "picked after \u201cNot helpful\u201d" in run.text
    assert "Ben" not in run.out and "bank approve ID" in run.text


def test_approve_reject_add_round_trip(suggested, cli):
    approved = cli("bank", "approve", str(suggested["named"]))
    assert approved.code == 0, approved.err
    assert f"Approved #{suggested['named']}: the bot now answers \u201c{REDACTED}\u201d with 2.1.1 " \
           "(Friends/Befriending)." in approved.text
    rejected = cli("bank", "reject", f"#{suggested['other']}")
    assert rejected.code == 0 and "will not be learnt" in rejected.text
    assert cli("bank", "pending", "--json").out.strip() == "[]"
    again = cli("bank", "approve", str(suggested["other"]))  # a decision stands
    assert again.code == 1 and "already rejected" in again.err and "Traceback" not in again.err

    added = cli("bank", "add", UNSEEN, "Accessing social networking sites in working time")
    assert added.code == 0, added.err
    assert f"the bot now answers \u201c{UNSEEN}\u201d with 1.0.4 (Policy Statement)." in added.text
    # `policybot ask` on the same machine answers as the server does, with what was approved.
    asked = cli("ask", "--json", UNSEEN)
    assert asked.code == 0 and asked.objects[0]["answered"] and asked.objects[0]["clauses"][0]["id"] == "1.0.4"
    # What a server does with the database: it learns the approved entries and answers with them.
    assistant = core_assistant()
    assert not assistant.answerer.ask(UNSEEN).answered  # before the entry is learnt: no clause answers it
    assistant.learned.refresh(ctx=assistant.ctx, answerer=assistant.answerer, force=True)
    answer = assistant.answerer.ask(UNSEEN)
    assert answer.answered and answer.ranked[0].clause.id == "1.0.4"


def test_someone_not_the_owner_is_refused_and_nothing_changes(suggested, cli):
    for args in (("pending",), ("approve", str(suggested["named"])), ("reject", str(suggested["named"])),
                 ("add", "who can see my likes?", "2.3.1")):
        run = cli("bank", *args, "--as", STAFF)
        assert run.code == 1, args
        assert "owner" in run.err and run.out == "" and "Traceback" not in run.err
    assert [r["id"] for r in json.loads(cli("bank", "pending", "--json").out)] == list(
        suggested.values())
    nobody = cli("bank", "pending", "--as", "nobody@hardmoor.example")
    assert nobody.code == 1 and "lists no nobody@hardmoor.example" in nobody.err


def test_bad_input_is_one_line_and_exit_1(suggested, cli):
    unknown = cli("bank", "approve", "999")
    assert unknown.code == 1 and unknown.err.strip() == "error: There is no suggested entry 999."
    several = cli("bank", "add", "what about my stories?", "2.1")
    assert several.code == 1 and "could be any of 3 clauses (2.1.1, 2.1.2, 2.1.3)" in " ".join(several.err.split())
    nothing = cli("bank", "add", "what about my stories?", "words in no clause at all")
    assert nothing.code == 1 and len(nothing.err.strip().splitlines()) == 1 and "No clause" in nothing.err
    with pytest.raises(SystemExit) as caught:  # argparse: usage and the reason, exit 2
        cli("bank", "approve", "seven")
    assert caught.value.code == 2


# -- a broken bank: index build and doctor ------------------------------------------------------
TINY_POLICY = """---
title: Tiny Policy
owner: Test School
approved: Spring 2024
review_date: Spring 2026
---

# Tiny Policy

## 1.0 Phones

Staff must keep personal phones in the staff room during sessions with children.

Staff may use the nursery tablet to photograph activities for learning journals.
"""
# No usable question, so the build learns nothing and stays quick.
BROKEN_BANK = """# Questions

## "Staff"
- [w1] what is on for me this week?

## "parking permits"
- [w1] where do I leave my bike?

## "nursery tablet"
- a question with no author
"""


@pytest.fixture
def broken(tmp_path, monkeypatch):
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "tiny_policy.md").write_text(TINY_POLICY, encoding="utf-8")
    bank_file = policies / "tiny_policy.bank.md"
    bank_file.write_text(BROKEN_BANK, encoding="utf-8")
    monkeypatch.setenv("POLICYBOT_POLICY_DIR", str(policies))
    monkeypatch.setenv("POLICYBOT_INDEX_DIR", str(tmp_path / "index"))
    return bank_file


def test_index_build_lists_bank_problems_by_file_and_line_and_exits_1(broken, cli):
    for attempt in ("built", "up to date"):
        run = cli("index", "build")
        assert run.code == 1, (attempt, run.err)
        lines = run.out.splitlines()
        assert f"{broken}:3: 'Staff' is in more than one clause (1.0.1, 1.0.2): quote more words; " \
               "its questions are not used" in lines, attempt
        assert any(line.startswith(f"{broken}:6: no clause of the policy contains 'parking permits'") for line in lines)
        assert any(line.startswith(f"{broken}:10: an entry with no [author]") for line in lines)
        assert "3 problem(s) in the question bank" in run.out
        assert "question bank:" not in run.err  # each problem once, not again as a log warning


def test_doctor_shows_a_question_bank_row(broken, cli, tmp_path):
    assert cli("index", "build").code == 1
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "HF_HUB_OFFLINE": "1",
           "POLICYBOT_POLICY_DIR": str(broken.parent), "POLICYBOT_INDEX_DIR": str(tmp_path / "index"),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'doctor.db'}"}
    rows = table_rows(run_doctor(env).stdout)
    [row] = [r for r in rows if r[0] == "Question bank"]
    assert row[1] == "warning" and row[2].startswith("3 problem(s)") and f"{broken}:3:" in row[2], row
    assert "policybot index build" in row[3]
