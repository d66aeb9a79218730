"""The admin CLI: db upgrade, directory check, escalations/reports listing, close, audit, worker --once."""
from __future__ import annotations

import json

import pytest

from bot.cli import main
from bot.composition import build_assistant
from bot.core.reports.types import ReportCategory, ReportInput
from bot.settings import Settings
from tests.core.corefakes import DIRECTORY_CSV


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("POLICYBOT_DIRECTORY", str(DIRECTORY_CSV))
    monkeypatch.setenv("POLICYBOT_NOTIFY_LOG", str(tmp_path / "notify.jsonl"))
    return tmp_path


@pytest.fixture
def seeded(env):
    assistant = build_assistant(Settings.from_env(), index=object())
    d = assistant.directory
    amy = d.get("amy.green@hardmoor.example")
    esc = assistant.escalate(asker=amy, question="Can I post a photo of the garden?")
    rep = assistant.submit_report(reporter=amy, report=ReportInput(category=ReportCategory.PUPIL_COMMENTS,
                                                                   what_happened="Insults on TikTok."))
    assistant.db.dispose()
    return esc.ref, rep.ref


def test_db_upgrade(env, capsys):
    from bot.core.storage.migrate import head_revision

    assert main(["db", "upgrade"]) == 0
    assert f"revision {head_revision()}" in capsys.readouterr().out


def test_directory_check(tmp_path, capsys):
    assert main(["directory", "check", str(DIRECTORY_CSV)]) == 0
    assert "OK, 10 people" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("name,email,role,line_manager_email,slack_user_id,teams_user_id\n"
                   "Ann,ann@x.org,staff,bob@x.org,,\n")
    assert main(["directory", "check", str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}:2: unknown line manager 'bob@x.org' for ann@x.org" in out
    assert "no head teacher" in out


def test_lists_show_close_audit(seeded, capsys):
    esc_ref, rep_ref = seeded
    assert main(["escalations", "list", "--json", "--as", "tom.ellery@hardmoor.example"]) == 0
    assert [e["ref"] for e in json.loads(capsys.readouterr().out)] == [esc_ref]
    assert main(["escalations", "list"]) == 0  # the head teacher sees none of Tom's queries
    assert esc_ref not in capsys.readouterr().out

    assert main(["reports", "list", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["ref"] == rep_ref and row["reporter"]["email"] == "amy.green@hardmoor.example"
    assert main(["reports", "show", rep_ref]) == 0
    assert "Insults on TikTok." in capsys.readouterr().out
    assert main(["reports", "show", rep_ref, "--as", "ben.hart@hardmoor.example"]) == 1
    assert "confidential" in capsys.readouterr().err

    assert main(["reports", "close", rep_ref, "--outcome", "Dealt with."]) == 0
    assert "closed; the reporter has been told" in capsys.readouterr().out
    assert main(["audit", rep_ref, "--json"]) == 0
    actions = [e["action"] for e in json.loads(capsys.readouterr().out)]
    assert actions == ["report.received", "report.closed"]


def test_worker_once_delivers_to_log(seeded, env, capsys):
    assert main(["worker", "--once"]) == 0
    lines = [json.loads(x) for x in (env / "notify.jsonl").read_text().splitlines()]
    assert {(x["to"], x["notification"]["kind"]) for x in lines} == {
        ("tom.ellery@hardmoor.example", "escalation.new"), ("head@hardmoor.example", "report.new"),
        ("amy.green@hardmoor.example", "report.receipt")}
    assert main(["worker", "--once"]) == 0
    assert len((env / "notify.jsonl").read_text().splitlines()) == 3
