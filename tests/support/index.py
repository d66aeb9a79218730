"""A prebuilt policy index, so test servers load it (~0.1 s) instead of building it (~10 s)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot.settings import DEFAULT_POLICY_DIR

ROOT = Path(__file__).resolve().parents[2]


def _up_to_date(index_dir: Path, policy_dir: Path) -> bool:
    from index.store import content_hash, policy_files

    try:
        manifest = json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return manifest.get("content_hash") == content_hash(policy_files(policy_dir))


def prebuilt_index_dir(index_dir: Path, policy_dir: Path = DEFAULT_POLICY_DIR, *, timeout: float = 300) -> Path:
    """Build the index into `index_dir` unless it is already current; returns `index_dir`.

    Built in a subprocess with the same code the server uses (`PolicyIndex.load`), so the
    test process itself never loads the embedding model.
    """
    index_dir = Path(index_dir)
    if _up_to_date(index_dir, policy_dir):
        return index_dir
    index_dir.mkdir(parents=True, exist_ok=True)
    code = ("import sys; from pathlib import Path; from index.search import PolicyIndex; "
            "PolicyIndex.load(policy_dir=Path(sys.argv[1]), index_dir=Path(sys.argv[2]))")
    subprocess.run([sys.executable, "-c", code, str(policy_dir), str(index_dir)], check=True, cwd=ROOT,
                   timeout=timeout, env={**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"},
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return index_dir
