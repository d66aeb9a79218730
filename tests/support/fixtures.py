"""pytest fixtures for end-to-end tests; import them into a conftest with
`from tests.support.fixtures import *`."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.directory import write_directory
from tests.support.env import server_env, sqlite_url
from tests.support.index import prebuilt_index_dir

__all__ = ["policy_index_dir", "directory_csv", "database_url", "base_env"]


@pytest.fixture(scope="session")
def policy_index_dir(request, tmp_path_factory) -> Path:
    """The policy index, shared by every server: kept in pytest's cache between runs (rebuilt
    when the policy text changes), else built once per session."""
    cache = getattr(request.config, "cache", None)
    target = cache.mkdir("policybot-index") if cache is not None else tmp_path_factory.mktemp("policy-index")
    return prebuilt_index_dir(Path(target))


@pytest.fixture
def directory_csv(tmp_path) -> Path:
    return write_directory(tmp_path / "directory.csv")


@pytest.fixture
def database_url(tmp_path) -> str:
    return sqlite_url(tmp_path / "policybot.db")


@pytest.fixture
def base_env(policy_index_dir, directory_csv, database_url) -> dict[str, str]:
    """Environment for a server with a fresh database and the sample directory; add platform variables."""
    return server_env(database_url=database_url, directory=directory_csv, index_dir=policy_index_dir)
