"""One end-to-end ask through the real PolicyIndex: if the index cannot be built, this fails."""
from __future__ import annotations

import pytest

from bot.core.app import Assistant
from bot.core.directory import StaticDirectory
from bot.settings import DEFAULT_POLICY_DIR


@pytest.fixture(scope="session")
def real_index(tmp_path_factory):
    from index.search import PolicyIndex

    return PolicyIndex.load(policy_dir=DEFAULT_POLICY_DIR, index_dir=tmp_path_factory.mktemp("index"))


def test_ask_and_guidance_with_real_index(real_index, db, directory, clock, people):
    assistant = Assistant(db=db, directory=StaticDirectory(directory), answerer=real_index, clock=clock)
    result = assistant.ask(question="Can I accept a friend request from a pupil's parent?", asker=people.amy)
    assert result.answer.answered and result.answer.top.section == "2.1"
    view = assistant.escalate(asker=people.amy, question=result.answer.question,
                              clause_ids=[r.clause.id for r in result.answer.ranked])
    assistant.answer_escalation(actor=people.tom, ref=view.ref, text="Decline politely.", save_as_guidance=True)
    later = assistant.ask(question="Should I accept friend requests from parents?", asker=people.ben)
    assert [g.text for g in later.guidance] == ["Decline politely."]
