"""Run the real `policybot serve` as a subprocess for end-to-end tests."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.support.core_config_cli import CORE_CONFIG_ENV

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """`python -m bot.cli serve --host 127.0.0.1 --port N` with the given environment.

    `host=None` passes no --host (the server chooses); it is still reached at 127.0.0.1.
    The log (stdout and stderr) goes to `log_path`; `log()` returns it for assertion messages.
    `core_config` overrides CoreConfig fields (e.g. a short outbox lease), so a reproduction
    can run in seconds; the server is then started through `tests.support.core_config_cli`.
    """

    def __init__(self, env: dict[str, str], *, log_path: Path, args: tuple[str, ...] = (), port: int | None = None,
                 core_config: dict | None = None, host: str | None = "127.0.0.1"):
        self.env = dict(env)
        if core_config:
            self.env[CORE_CONFIG_ENV] = json.dumps(core_config)
        self.module = "tests.support.core_config_cli" if core_config else "bot.cli"
        self.args = tuple(args)
        self.host = host
        self.port = port or free_port()
        self.log_path = Path(log_path)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, wait: bool = True, timeout: float = 90) -> "ServerProcess":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", self.module, "serve", *(("--host", self.host) if self.host else ()),
             "--port", str(self.port), *self.args],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()
        if wait:
            self.wait_ready(timeout=timeout)
        return self

    def healthz(self) -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")

    def wait_ready(self, timeout: float = 90) -> None:
        """Until GET /healthz answers 200 (index and model loaded)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.log()}")
            try:
                status, _ = self.healthz()
                if status == 200:
                    return
            except (OSError, ValueError):
                pass
            time.sleep(0.1)
        raise TimeoutError(f"server not healthy after {timeout}s:\n{self.log()}")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Kill the server (SIGKILL by default: no cleanup, as in a crash) and wait for it."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        """Graceful stop (SIGTERM), then SIGKILL if it does not exit in time."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def restart(self, *, timeout: float = 90) -> "ServerProcess":
        self.stop()
        return self.start(timeout=timeout)

    def log(self, tail: int = 200) -> str:
        try:
            lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-tail:])

    def __enter__(self) -> "ServerProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
