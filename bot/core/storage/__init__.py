"""Durable storage: the SQLAlchemy engine and sessions, the models, and the Alembic migrations."""
from bot.core.storage.db import Database
from bot.core.storage.migrate import upgrade

__all__ = ["Database", "upgrade"]
