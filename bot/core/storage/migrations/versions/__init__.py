"""Alembic revisions, applied in order by bot.core.storage.migrate."""
