"""A private, empty PostgreSQL database for end-to-end tests that run several server processes
(replicas) against one database: created on the local server, dropped afterwards."""
from __future__ import annotations

import contextlib
import os
import uuid
from typing import Iterator

PG_URL = os.environ.get("POLICYBOT_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def available(url: str = PG_URL) -> bool:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
        return True
    except Exception:
        return False


@contextlib.contextmanager
def scratch_database(url: str = PG_URL) -> Iterator[str]:
    """Yields the URL of a new database on the server of `url`."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"policybot_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
