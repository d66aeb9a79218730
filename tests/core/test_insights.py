"""Usage insights for governors: counts, clauses, gaps, feedback; never who asked."""
from __future__ import annotations

import json

from bot.cli import main
from bot.composition import build_assistant
from bot.settings import Settings
from tests.core.corefakes import DIRECTORY_CSV, FakeIndex


def test_insights_count_answers_clauses_gaps_and_feedback(assistant, people):
    assistant.ask(question="Can I friend a parent?", asker=people.amy)
    assistant.ask(question="a parent sent me a friend request", asker=people.ben)
    assistant.ask(question="where is the car park?", asker=people.amy)
    assistant.ask(question="hello", asker=people.amy)  # small talk is not a question
    assistant.record_feedback(helpful=True, clause_id="2.1.1")
    assistant.record_feedback(helpful=False, clause_id="2.1.1")

    report = assistant.insights(days=30)
    assert (report.questions, report.answered, report.not_covered) == (3, 2, 1)
    assert report.not_covered_questions == ("where is the car park?",)
    assert [(c.clause_id, c.asked, c.helpful, c.not_helpful) for c in report.top_clauses] == [("2.1.1", 2, 1, 1)]


def test_insights_command_prints_json_without_identities(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'insights.db'}")
    monkeypatch.setenv("POLICYBOT_DIRECTORY", str(DIRECTORY_CSV))
    assistant = build_assistant(Settings.from_env(), index=FakeIndex())
    amy = assistant.directory.get("amy.green@hardmoor.example")
    assistant.ask(question="can I friend a parent?", asker=amy)
    assistant.db.dispose()

    assert main(["insights", "--json"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    assert data["questions"] == 1 and data["answered"] == 1
    assert "amy" not in out.lower()
