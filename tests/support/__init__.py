"""Shared helpers for end-to-end tests that run the real `policybot serve` (any chat platform).

What is here (no platform-specific code):

- `tests.support.server.ServerProcess`: starts `python -m bot.cli serve` as a subprocess on
  127.0.0.1 with a free port, waits for `GET /healthz` 200, can `kill()` it (SIGKILL by
  default, for crash tests), `restart()` it on the same port and database, and keeps its log.
  `ServerProcess(..., core_config={"outbox_lease_seconds": 4})` overrides CoreConfig fields
  (through `tests.support.core_config_cli`) to scale a reproduction down to seconds.
- `tests.support.server.free_port()`: a free TCP port on 127.0.0.1.
- `tests.support.postgres.scratch_database()`: a new, empty database on the local PostgreSQL
  (`POLICYBOT_TEST_PG`), dropped afterwards, for several servers (replicas) sharing one.
- `tests.support.index.prebuilt_index_dir(path)`: builds the policy clause index once into
  `path` (in a subprocess), so each server starts in seconds instead of building it.
- `tests.support.directory`: a sample staff directory (`SAMPLE_DIRECTORY_CSV`, `PEOPLE`) with
  Slack and Teams ids, and `write_directory(path)`.
- `tests.support.env.server_env(...)`: a clean environment for the server (temp SQLite
  DATABASE_URL, POLICYBOT_DIRECTORY, POLICYBOT_INDEX_DIR, offline model) with no chat
  credentials inherited from the developer's shell; add the platform's own variables.
- `tests.support.fixtures`: pytest fixtures built on the above. Use them from a conftest:

      from tests.support.fixtures import *  # noqa: F401,F403  (policy_index_dir, directory_csv, database_url, base_env)

Run pytest from the repository root (`python -m pytest`), so `tests.support` is importable.
"""
