"""Alembic environment: runs against the connection handed in by `bot.core.storage.migrate`."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from bot.core.storage.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # plain `alembic` use: sqlalchemy.url from the config
    with create_engine(config.get_main_option("sqlalchemy.url")).connect() as conn:
        _run(conn)
