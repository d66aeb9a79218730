"""Teams activity builders for the tests: ids of the test directory's people, and Activity JSON."""
from __future__ import annotations

import uuid


AMY = "a0000000-0000-4000-8000-000000000007"
TOM = "a0000000-0000-4000-8000-000000000005"
HEAD = "a0000000-0000-4000-8000-000000000001"
STRANGER = "a0000000-0000-4000-8000-0000000000ff"
TENANT = "72f988bf-0000-4000-8000-0000000000aa"
BOT_ID = "28:policybot-test"


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
