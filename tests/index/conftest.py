"""Index tests share one embedding model and one index built into a per-session temporary folder."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.commands._index_loader import shared_embedder
from bot.settings import DEFAULT_POLICY_DIR
from index.search import PolicyIndex

# The policy as originally extracted (from /work/shared/policy), kept here so the tests run anywhere.
SEED_POLICY = Path(__file__).parent / "data" / "social_networking_policy_seed.txt"


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED_POLICY.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def embedder():
    return shared_embedder()


@pytest.fixture(scope="session")
def policy_index(tmp_path_factory, embedder) -> PolicyIndex:
    return PolicyIndex.load(policy_dir=DEFAULT_POLICY_DIR, index_dir=tmp_path_factory.mktemp("index"),
                            embedder=embedder)


@pytest.fixture
def policy_copy(tmp_path) -> Path:
    """A private copy of the policy folder that a test may edit."""
    target = tmp_path / "policies"
    target.mkdir()
    for path in DEFAULT_POLICY_DIR.iterdir():
        if path.suffix in (".md", ".yml"):  # the policy, its question bank, its search data
            shutil.copy(path, target / path.name)
    return target
