"""A clean environment for a server subprocess: nothing inherited that could reach a real service."""
from __future__ import annotations

import os
from pathlib import Path

# Chat credentials and endpoints from the developer's shell must never leak into a test server.
_DROP_PREFIXES = ("SLACK_", "MICROSOFT", "POLICYBOT_", "DATABASE_URL", "PORT")


def server_env(*, database_url: str, directory: Path | None, index_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(_DROP_PREFIXES)}
    env.update({
        "DATABASE_URL": database_url,
        "POLICYBOT_INDEX_DIR": str(index_dir),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "PYTHONUNBUFFERED": "1",
    })
    if directory is not None:
        env["POLICYBOT_DIRECTORY"] = str(directory)
    env.update({k: str(v) for k, v in extra.items() if v is not None})
    return env


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"
