"""Set-up: the app manifest matches what the code listens to; `policybot doctor` says what is missing."""
from __future__ import annotations

from pathlib import Path

import yaml

from bot.slack.listeners.commands import POLICY_COMMAND, REPORT_COMMAND, REPORT_MESSAGE_SHORTCUT, REPORT_SHORTCUT
from bot.slack.server import EVENTS_PATH
from tests.slack.slack_requests import BOT_TOKEN, SIGNING_SECRET
from tests.support.directory import write_directory
from tests.support.doctor import run_doctor, table_rows
from tests.support.env import server_env, sqlite_url

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = yaml.safe_load((ROOT / "bot/slack/manifest.yml").read_text(encoding="utf-8"))


def test_manifest_declares_every_command_shortcut_event_and_scope():
    features, settings = MANIFEST["features"], MANIFEST["settings"]
    assert {c["command"] for c in features["slash_commands"]} == {POLICY_COMMAND, REPORT_COMMAND}
    assert [(s["callback_id"], s["type"]) for s in features["shortcuts"]] == [
        (REPORT_SHORTCUT, "global"), (REPORT_MESSAGE_SHORTCUT, "message")]
    assert features["app_home"]["home_tab_enabled"] and features["app_home"]["messages_tab_enabled"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {"app_home_opened", "app_mention", "message.im"}
    assert set(MANIFEST["oauth_config"]["scopes"]["bot"]) >= {
        "app_mentions:read", "chat:write", "commands", "im:history", "im:write", "users:read", "users:read.email"}
    urls = [settings["event_subscriptions"]["request_url"], settings["interactivity"]["request_url"],
            *(c["url"] for c in features["slash_commands"])]
    assert all(url.endswith(EVENTS_PATH) for url in urls)
    assert len(MANIFEST["display_information"]["description"]) <= 140


def test_env_example_lists_every_setting():
    """Every variable bot/settings.py reads is documented in .env.example."""
    from bot.settings import Settings

    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    names = {field.alias for field in Settings.model_fields.values()}
    assert {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "DATABASE_URL", "MicrosoftAppId", "PORT"} <= names
    for name in sorted(names):
        assert f"\n{name}=" in text or f"\n# {name}=" in text, name


def test_doctor_says_what_is_missing(tmp_path):
    env = server_env(database_url=sqlite_url(tmp_path / "db.sqlite"), directory=None, index_dir=tmp_path / "index",
                     SLACK_BOT_TOKEN=BOT_TOKEN)
    result = run_doctor(env)
    assert result.returncode == 1, result.stdout
    rows = table_rows(result.stdout)
    assert ["Slack", "error", "SLACK_SIGNING_SECRET not set"] == rows[1][:3], rows
    assert any(r[:2] == ["POLICYBOT_DIRECTORY", "error"] for r in rows), rows
    assert not (tmp_path / "db.sqlite").exists()  # doctor changes nothing


def test_doctor_passes_when_slack_is_configured(tmp_path, policy_index_dir):
    env = server_env(database_url=sqlite_url(tmp_path / "db.sqlite"), directory=write_directory(tmp_path / "d.csv"),
                     index_dir=policy_index_dir, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET)
    result = run_doctor(env)
    assert result.returncode == 0, result.stdout
    rows = table_rows(result.stdout)
    assert ["Slack", "ok", f"HTTP: POST {EVENTS_PATH}"] in [r[:3] for r in rows], rows
    assert ["Teams", "not used"] in [r[:2] for r in rows], rows
    assert "Ready" in result.stdout
