"""Migrations match the models on both databases; references are per year."""
from __future__ import annotations

from datetime import datetime, timezone

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.core.storage.migrate import current_revision, head_revision, upgrade
from bot.core.storage.models import Base
from bot.core.storage.refs import next_ref


def test_migrations_match_models(db):
    assert current_revision(db) == head_revision()
    upgrade(db)  # idempotent
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_refs_restart_each_year(db):
    with db.transaction() as s:
        assert next_ref(s, kind="R", year=2026) == "R-2026-0001"
        assert next_ref(s, kind="R", year=2026) == "R-2026-0002"
        assert next_ref(s, kind="R", year=2027) == "R-2027-0001"
        assert next_ref(s, kind="E", year=2026) == "E-2026-0001"


def test_datetimes_come_back_aware(assistant, people):
    view = assistant.escalate(asker=people.amy, question="When?")
    again = assistant.get_escalation(actor=people.amy, ref=view.ref)
    assert again.created_at.tzinfo is not None
    assert again.created_at == datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
