"""Settings: one field per documented variable, the core's defaults, and bad values refused in one line."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.composition import core_config
from bot.core.config import CoreConfig
from bot.settings import Settings, SettingsError

ROOT = Path(__file__).resolve().parents[1]


def _configuration_table_variables() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Za-z_]+)`", row.split("|")[1])}


def test_every_variable_in_the_readme_table_is_a_setting_and_back():
    assert _configuration_table_variables() == {f.alias for f in Settings.model_fields.values()}


def test_an_empty_environment_gives_the_cores_own_defaults():
    assert core_config(Settings.from_env({})) == CoreConfig()


def test_values_from_the_environment_reach_the_core():
    settings = Settings.from_env({"POLICYBOT_ADMIN_EMAILS": " Head@X.org,,b@x.org ", "POLICYBOT_REPORT_ACK_HOURS": "2.5",
                                  "POLICYBOT_TIMEZONE": "UTC", "POLICYBOT_OUTBOX_RETRY_SECONDS": "2"})
    config = core_config(settings)
    assert config.admin_emails == ("head@x.org", "b@x.org")
    assert (config.report_ack_hours, config.timezone, config.outbox_backoff_seconds) == (2.5, "UTC", 2)


def test_empty_values_count_as_unset_as_in_env_example():
    settings = Settings.from_env({"SLACK_APP_TOKEN": "", "PORT": "  ", "MicrosoftAppType": "", "SLACK_SOCKET_MODE": ""})
    assert (settings.slack_app_token, settings.port, settings.microsoft_app_type, settings.slack_socket_mode) == \
        (None, 3000, "MultiTenant", False)


def test_names_are_exactly_as_documented():
    assert Settings.from_env({"MicrosoftAppId": "app"}).microsoft_app_id == "app"
    assert Settings.from_env({"MICROSOFTAPPID": "app", "database_url": "x"}) == Settings()


def test_settings_built_in_code_ignore_the_environment(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-the-shell")
    assert Settings(database_url="sqlite://").slack_bot_token is None
    assert Settings.from_env().slack_bot_token == "xoxb-from-the-shell"


def test_secrets_are_not_in_the_repr():
    shown = repr(Settings(slack_bot_token="xoxb-SECRET1", slack_signing_secret="SECRET2", slack_app_token="SECRET3",
                          microsoft_app_password="SECRET4"))
    assert "SECRET" not in shown


@pytest.mark.parametrize(("name", "value"), [
    ("PORT", "abc"), ("PORT", "70000"), ("POLICYBOT_REPORT_ACK_HOURS", "four"),
    ("POLICYBOT_ESCALATION_REMINDER_DAYS", "-1"), ("POLICYBOT_OUTBOX_RETRY_SECONDS", "0"),
    ("POLICYBOT_TIMEZONE", "Europe/Lundon"), ("SLACK_SOCKET_MODE", "maybe"), ("POLICYBOT_TEAMS_EMULATOR", "sure"),
    ("POLICYBOT_ADMIN_EMAILS", "head.teacher"),
])
def test_a_bad_value_is_refused_naming_the_variable(name, value):
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({name: value})
    message = str(caught.value)
    assert message.startswith(f"{name}=") and "\n" not in message


def test_the_cli_prints_one_line_not_a_traceback(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PORT": "eighty", "HF_HUB_OFFLINE": "1"}
    result = subprocess.run([sys.executable, "-m", "bot.cli", "doctor"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "policybot: PORT=eighty: Input should be a valid integer, unable to parse string as an integer"]
    assert "Traceback" not in result.stdout + result.stderr
