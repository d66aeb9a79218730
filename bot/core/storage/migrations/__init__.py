"""Alembic migration environment for bot.core.storage (a package so wheels ship it)."""
