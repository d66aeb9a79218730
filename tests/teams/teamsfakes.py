"""A stand-in for the clause index (hand-built answers) and Teams activity builders for the tests."""
from __future__ import annotations

import uuid

import numpy as np

from index.types import Answer, AnswerStatus, Clause, Force, PolicyInfo, RankedClause
from tests.support.vectors import hashed_word_vectors

POLICY = PolicyInfo(id="social_networking_policy", title="Social Networking Policy",
                    owner="Hardmoor Nursery", approved="Spring 2024", review_date="Spring 2025", review_overdue=True)
FRIEND = Clause(id="2.1-2", policy_id=POLICY.id, section="2.1", heading="Friends/Befriending",
                text='The school strongly advises against staff initiating or accepting invitations to "friend" '
                     "pupils, or pupil's family members/friends.", force=Force.RECOMMENDATION)
EXCEPTION = Clause(id="2.1-3", policy_id=POLICY.id, section="2.1", heading="Friends/Befriending",
                   text="Where a member of staff is a relative of the pupil, this does not apply.", force=Force.EXCEPTION)
QUERIES = Clause(id="1.3-5", policy_id=POLICY.id, section="1.3", heading="Employees/Staff",
                 text="Should raise any queries with their line manager in the first instance.",
                 force=Force.RECOMMENDATION)
CLAUSES = {c.id: c for c in (FRIEND, EXCEPTION, QUERIES)}

AMY = "a0000000-0000-4000-8000-000000000007"
TOM = "a0000000-0000-4000-8000-000000000005"
HEAD = "a0000000-0000-4000-8000-000000000001"
STRANGER = "a0000000-0000-4000-8000-0000000000ff"
TENANT = "72f988bf-0000-4000-8000-0000000000aa"
BOT_ID = "28:policybot-test"


class FakeIndex:
    policies = [POLICY]

    def clause(self, clause_id: str) -> Clause:
        return CLAUSES[clause_id]

    def ask(self, question: str, *, top_k: int = 3) -> Answer:
        words = question.lower().strip()
        if not words:
            return Answer(question=question, status=AnswerStatus.EMPTY, ranked=(), policy=POLICY, notice="Please type a question.")
        if words in {"hi", "hello", "thanks"}:
            return Answer(question=question, status=AnswerStatus.SMALL_TALK, ranked=(), policy=POLICY)
        if "friend" in words or "parent" in words:
            return Answer(question=question, status=AnswerStatus.ANSWERED,
                          ranked=(RankedClause(FRIEND, 0.8), RankedClause(QUERIES, 0.3)), policy=POLICY,
                          qualifiers=(EXCEPTION,))
        return Answer(question=question, status=AnswerStatus.NOT_COVERED, ranked=(RankedClause(QUERIES, 0.2),),
                      policy=POLICY)

    def encode(self, texts: list[str]) -> np.ndarray:
        return hashed_word_vectors(texts)


def activity(*, aad: str = AMY, text: str | None = None, value: dict | None = None, service_url: str = "https://smba.test/",
             conversation: str | None = None, kind: str = "personal", reply_to: str | None = None,
             mention: bool = False, type: str = "message", members_added: list | None = None) -> dict:
    """An activity as the Teams channel sends it (camelCase JSON)."""
    user = {"id": f"29:user-{aad[-4:]}", "name": "Staff member", "aadObjectId": aad}
    conv = {"id": conversation or (f"a:personal-{aad[-4:]}" if kind == "personal" else "19:channel@thread.tacv2;messageid=1"),
            "conversationType": kind, "tenantId": TENANT}
    if kind == "channel":
        conv["isGroup"] = True
    body = {"type": type, "id": f"f:{uuid.uuid4().hex[:12]}", "timestamp": "2026-03-02T09:00:00.000Z",
            "channelId": "msteams", "serviceUrl": service_url, "from": user,
            "recipient": {"id": BOT_ID, "name": "PolicyBot"}, "conversation": conv,
            "channelData": {"tenant": {"id": TENANT}}, "locale": "en-GB"}
    if kind == "channel":
        body["channelData"].update({"team": {"id": "19:team@thread.tacv2"}, "channel": {"id": "19:channel@thread.tacv2"}})
    if text is not None:
        body["text"] = f"<at>PolicyBot</at> {text}" if mention else text
        body["textFormat"] = "plain"
    if mention:
        body["entities"] = [{"type": "mention", "text": "<at>PolicyBot</at>", "mentioned": {"id": BOT_ID, "name": "PolicyBot"}}]
    if value is not None:
        body["value"] = value
    if reply_to:
        body["replyToId"] = reply_to
    if members_added is not None:
        body["membersAdded"] = members_added
    return body
