"""Run `policybot doctor` in a subprocess and read its table."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_doctor(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.cli", "doctor", *args], cwd=ROOT, env={**env, "COLUMNS": "250"},
                          capture_output=True, text=True, timeout=60)


def table_rows(output: str) -> list[list[str]]:
    """The doctor table's rows as cells [check, status, detail, fix]; a row wrapped over several
    lines (an empty first cell) is joined back into one."""
    rows: list[list[str]] = []
    for line in output.splitlines():
        if not line.startswith("\u2502"):
            continue
        cells = [c.strip() for c in line.strip("\u2502").split("\u2502")]
        if cells[0] or not rows:
            rows.append(cells)
        else:
            rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells, strict=True)]
    return rows
