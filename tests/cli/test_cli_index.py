"""`policybot index build|show`, and what every command does with a broken policy file or index."""
from __future__ import annotations

import json
import shutil

import pytest

from bot.settings import DEFAULT_POLICY_DIR


def test_index_show_lists_every_clause(cli):
    run = cli("index", "show", "--json")
    assert run.code == 0
    clauses = json.loads(run.out)
    ids = [c["id"] for c in clauses]
    assert len(ids) == len(set(ids)) > 30
    assert {"id", "section", "heading", "text", "force", "group", "qualifiers"} <= set(clauses[0])
    table = cli("index", "show")
    assert table.code == 0 and "2.1.1" in table.out and "requirement" in table.out


def test_index_build_summarises_and_force_rebuilds(cli, cli_environment):
    run = cli("index", "build")
    assert run.code == 0
    assert "Up to date" in run.out
    manifest = json.loads((cli_environment / "manifest.json").read_text())
    for word in ("policies", "clauses", "views", "build seconds", "stored in"):
        assert word in run.out
    assert str(manifest["clauses"]) in run.out and str(manifest["views"]) in run.out

    rebuilt = cli("index", "build", "--force")
    assert rebuilt.code == 0 and "Built" in rebuilt.out
    assert json.loads((cli_environment / "manifest.json").read_text())["built_at"] >= manifest["built_at"]


def test_a_missing_or_corrupt_index_is_rebuilt_by_ask(cli, tmp_path, monkeypatch):
    index_dir = tmp_path / "fresh-index"
    monkeypatch.setenv("POLICYBOT_INDEX_DIR", str(index_dir))
    run = cli("ask", "--json", "can I post photos of pupils?")
    assert run.code == 0 and json.loads(run.out)["answered"] is True
    assert (index_dir / "manifest.json").exists()

    (index_dir / "views.faiss").write_bytes(b"garbage")
    run = cli("ask", "--json", "can I post photos of pupils?")
    assert run.code == 0 and json.loads(run.out)["answered"] is True
    assert "rebuilding" in run.err  # said on stderr, stdout stays JSON


@pytest.fixture
def broken_policy_dir(tmp_path, monkeypatch):
    policy_dir = tmp_path / "policies"
    policy_dir.mkdir()
    shutil.copy(DEFAULT_POLICY_DIR / "social_networking_policy.md", policy_dir / "social_networking_policy.md")
    broken = policy_dir / "staff_conduct.md"
    broken.write_text("---\ntitle: Staff Conduct\nowner: School\napproved: 2024\nreview_date: 2026\n---\n\n"
                      "# Staff Conduct\n\n## Dress code\n\nStaff must dress smartly.\n", encoding="utf-8")
    monkeypatch.setenv("POLICYBOT_POLICY_DIR", str(policy_dir))
    monkeypatch.setenv("POLICYBOT_INDEX_DIR", str(tmp_path / "index"))
    return broken, 10  # the line of "## Dress code"


@pytest.mark.parametrize("command", [["ask", "--json", "can I post photos?"], ["ask", "hello"],
                                     ["index", "build"], ["index", "show"]])
def test_a_malformed_policy_file_is_one_line_naming_file_and_line(cli, broken_policy_dir, command):
    path, line = broken_policy_dir
    run = cli(*command)
    assert run.code == 2
    assert run.out == ""
    assert "Traceback" not in run.err
    assert f"{path}:{line}:" in " ".join(run.err.split())
    assert "Dress code" in run.err


def test_eval_with_a_malformed_policy_file(cli, broken_policy_dir, tmp_path):
    path, line = broken_policy_dir
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"q": "hello", "answerable": false}\n', encoding="utf-8")
    run = cli("eval", str(questions))
    assert run.code == 2 and f"{path}:{line}:" in " ".join(run.err.split())


def test_an_empty_policy_folder_is_a_clear_error(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYBOT_POLICY_DIR", str(tmp_path))
    monkeypatch.setenv("POLICYBOT_INDEX_DIR", str(tmp_path / "index"))
    run = cli("ask", "--json", "hello")
    assert run.code == 2 and run.out == "" and "no policy files" in run.err
