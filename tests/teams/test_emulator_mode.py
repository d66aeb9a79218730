"""Teams emulator mode (an unauthenticated /api/messages) exists only when switched on, is served
on loopback only, and is refused where the deployment looks like production."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from tests.support.directory import write_directory
from tests.support.doctor import run_doctor, table_rows
from tests.support.env import server_env, sqlite_url
from tests.support.index import prebuilt_index_dir
from tests.support.server import ROOT, ServerProcess, free_port

EMULATOR = {"POLICYBOT_TEAMS_EMULATOR": "true"}


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    return prebuilt_index_dir(tmp_path_factory.getbasetemp() / "policy-index-shared")


@pytest.fixture
def env(tmp_path, index_dir) -> dict[str, str]:
    return server_env(database_url=sqlite_url(tmp_path / "policybot.db"), directory=write_directory(tmp_path / "d.csv"),
                      index_dir=index_dir, **EMULATOR)


def _serve(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """`policybot serve` that is expected to refuse: it must exit by itself, long before the timeout."""
    return subprocess.run([sys.executable, "-m", "bot.cli", "serve", "--port", str(free_port()), *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])
def test_emulator_mode_refuses_a_non_loopback_host(env, host):
    result = _serve(env, "--host", host)
    assert result.returncode == 1, result.stderr
    assert f"--host {host} is not a loopback address" in result.stderr
    assert "Traceback" not in result.stderr and "serving on" not in result.stderr


def test_emulator_mode_listens_on_loopback_when_no_host_is_given(env, tmp_path):
    with ServerProcess(env, log_path=tmp_path / "server.log", host=None) as server:
        listening = [c.laddr.ip for c in psutil.Process(server.process.pid).net_connections(kind="inet")
                     if c.status == psutil.CONN_LISTEN]
        assert listening == ["127.0.0.1"], (listening, server.log())
        assert "listening on 127.0.0.1 only" in server.log()


@pytest.mark.parametrize(("sign", "extra"), [
    ("SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET set for the real Slack",
     {"SLACK_BOT_TOKEN": "xoxb-1-2-3", "SLACK_SIGNING_SECRET": "a-real-looking-secret"}),
    ("MicrosoftAppId and MicrosoftAppPassword set", {"MicrosoftAppId": "00000000-0000-0000-0000-00000000b075",
                                                     "MicrosoftAppPassword": "secret"}),
    ("PORT set", {"PORT": "8080"}),
])
def test_doctor_flags_emulator_mode_where_the_deployment_looks_like_production(env, sign, extra):
    result = run_doctor({**env, **extra})
    assert result.returncode == 1, result.stdout
    teams = [r for r in table_rows(result.stdout) if r[0] == "Teams"]
    assert teams[0][1] == "not served" and "WITHOUT authentication" in teams[0][2], teams
    assert teams[1][1] == "error" and "looks like a production deployment" in teams[1][2] and sign in teams[1][2], teams
    assert "unset POLICYBOT_TEAMS_EMULATOR" in teams[1][3]


def test_doctor_warns_about_emulator_mode_on_a_developer_machine(env):
    # A fake Slack on this machine (as in the tests) is not the real Slack.
    result = run_doctor({**env, "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "test",
                         "SLACK_API_URL": "http://127.0.0.1:9/api/"})
    assert result.returncode == 0, result.stdout
    teams = [r for r in table_rows(result.stdout) if r[0] == "Teams"]
    assert teams[0][1] == "ok" and teams[1][1] == "warning" and "as any staff member" in teams[1][2], teams


def test_serve_refuses_emulator_mode_where_the_deployment_looks_like_production(env):
    result = _serve({**env, "PORT": "8080"}, "--host", "127.0.0.1")
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("policybot: Teams: POLICYBOT_TEAMS_EMULATOR=true, but this looks "
                                                   "like a production deployment: PORT set"), result.stderr
