"""Conversation references outlive the process: saved in the database, shared by replicas."""
from __future__ import annotations

from bot.composition import build_assistant
from bot.settings import Settings
from bot.teams.references import DatabaseReferenceStore


def test_a_saved_reference_is_found_by_a_new_process(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'refs.db'}")
    first = DatabaseReferenceStore(build_assistant(settings))
    reference = {"conversation": {"id": "a:personal-chat", "tenantId": "t1"}, "serviceUrl": "https://smba.example/"}
    first.save("6F1C2A10-0000-4000-8000-00000000000A", reference)
    first.note_service("t1", "https://smba.example/", "28:bot")

    restarted = DatabaseReferenceStore(build_assistant(settings))
    assert restarted.get("6f1c2a10-0000-4000-8000-00000000000a") == reference
    assert restarted.service_for(None) == ("t1", "https://smba.example/")
    assert restarted.service_for("t1") == ("t1", "https://smba.example/")
    assert restarted.get("someone-else") is None
