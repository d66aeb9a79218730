"""`policybot eval`: misses first, figures last (a hook reads the last 12 lines)."""
from __future__ import annotations

import json
import re

import pytest

from tests.support.index import ROOT

ITEMS = [
    {"q": "can I put pictures of the children on my facebook?",
     "evidence": ["should not post any photographic images that include pupils"]},
    {"q": "can I go on facebook while I'm at work during my shift?",
     "evidence": ["strictly forbidden"]},
    {"q": "how do I claim mileage for a school trip?", "answerable": False},
    # expects the wrong clause on purpose, so there is a miss to report
    {"q": "can I send a friend request to a pupil's dad?", "evidence": ["Blogs (e.g., Blogger"]},
]


@pytest.fixture
def questions(tmp_path):
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(json.dumps(item) for item in ITEMS) + "\n", encoding="utf-8")
    return path


def test_eval_lists_misses_then_ends_with_the_figures(cli, questions):
    run = cli("eval", str(questions))
    assert run.code == 0
    lines = run.out.splitlines()
    tail = "\n".join(lines[-12:])
    for measure in ("hit@1", "recall@3", "success@clarify", "abstain", "false-abstain"):
        assert measure in tail
    assert "classifier_strength=" in out_all(run) and "alternatives_ratio=" in out_all(run)  # the weights used
    assert "0.667" in tail  # hit@1: two of the three answerable questions
    assert "1.000" in tail  # abstain: the one out-of-scope question
    out = run.out
    assert out.index("can I send a friend request to a pupil's dad?") < out.index("hit@1")
    assert "wrong clause first" in out and "Blogs (e.g., Blogger" in out
    assert "2.1." in out  # the clause it ranked first instead, by id


def test_eval_json(cli, questions):
    run = cli("eval", "--json", str(questions))
    assert run.code == 0
    report = json.loads(run.out)
    assert report["figures"]["questions"] == 4
    assert report["figures"]["hit@1"] == pytest.approx(2 / 3, abs=0.001)
    assert report["figures"]["abstain"] == 1.0
    assert [m["question"] for m in report["misses"]] == [ITEMS[3]["q"]]
    assert len(report["misses"][0]["top"]) == 3


def out_all(run) -> str:
    return " ".join(run.out.split())


def test_eval_without_hints_or_bank_runs(cli, questions):
    run = cli("eval", "--no-hints", "--json", str(questions))
    assert run.code == 0 and json.loads(run.out)["hints"] is False
    run = cli("eval", "--no-bank", "--json", str(questions))
    report = json.loads(run.out)
    assert run.code == 0 and report["bank"] is False and "hybrid_share" in report["weights"]


def test_leave_one_author_out_reports_each_author(cli):
    run = cli("eval", "--leave-one-author-out", "--json")
    assert run.code == 0
    report = json.loads(run.out)
    bank = (ROOT / "policy_text" / "social_networking_policy.bank.md").read_text(encoding="utf-8")
    authors = sorted(set(re.findall(r"^- \[([^\]]+)\]", bank, re.MULTILINE)))
    assert len(authors) >= 3 and sorted(report["authors"]) == authors  # every author tested on once
    assert report["figures"]["questions"] == sum(a["questions"] for a in report["authors"].values())


def test_eval_file_errors_name_the_line(cli, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(ITEMS[0]) + "\n{not json\n", encoding="utf-8")
    run = cli("eval", str(path))
    assert run.code == 2 and "Traceback" not in run.err
    assert f"{path}:2" in run.err
    missing = cli("eval", str(tmp_path / "missing.jsonl"))
    assert missing.code == 2 and "missing.jsonl" in missing.err
