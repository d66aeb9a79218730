"""CLI tests: one index per session in a temporary folder (POLICYBOT_INDEX_DIR), one model per process."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from bot.cli import main

REPO = Path(__file__).resolve().parents[2]
POLICYBOT = REPO / ".venv" / "bin" / "policybot"


@pytest.fixture(scope="session", autouse=True)
def cli_environment(tmp_path_factory):
    """Point the CLI at a per-session index folder, and build the index there once."""
    index_dir = tmp_path_factory.mktemp("cli-index")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("POLICYBOT_INDEX_DIR", str(index_dir))
        patch.delenv("POLICYBOT_POLICY_DIR", raising=False)
        patch.setenv("HF_HUB_OFFLINE", "1")
        assert main(["index", "build"]) == 0
        yield index_dir


class Run:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err

    @property
    def objects(self) -> list[dict]:
        """stdout as JSON lines: every line must be one JSON object."""
        return [json.loads(line) for line in self.out.splitlines()]

    @property
    def text(self) -> str:
        """stdout with white space normalised, for phrase checks across wrapped lines."""
        return " ".join(self.out.split())


@pytest.fixture
def cli(capsys):
    """Run `policybot ARGS...` in this process; returns exit code, stdout and stderr."""

    def run(*args: str) -> Run:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def run_policybot():
    """Run the installed console script in a fresh process, as a user would."""

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([str(POLICYBOT), *args], input=stdin, capture_output=True, text=True,
                              encoding="utf-8", timeout=180, env=dict(os.environ), cwd=REPO)

    return run
