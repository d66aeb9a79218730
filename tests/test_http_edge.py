"""The HTTP edge, end to end against the real `policybot serve` (Slack over HTTP and Teams in
emulator mode): what an attacker without the signing secret can send gets 401 or 400, never a
500 or a traceback, and a refused request's body never reaches the log, at INFO or DEBUG."""
from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from urllib.parse import quote

import pytest
from slack_sdk.signature import SignatureVerifier

from tests.slack.fake_slack import FakeSlack
from tests.slack.slack_requests import BOT_TOKEN, SIGNING_SECRET, SlackSender, unique
from tests.support.directory import PEOPLE, write_directory
from tests.support.env import server_env, sqlite_url
from tests.support.index import prebuilt_index_dir
from tests.support.server import ServerProcess
from tests.teams.teamsfakes import activity

JSON, FORM = "application/json", "application/x-www-form-urlencoded"

# Bodies nobody should be able to crash the server with: (content type, raw body).
BAD_BODIES = {
    "truncated JSON": (JSON, b'{"type": "event_callback", "event": {"text": "can I'),
    "JSON array": (JSON, b'[{"type": "event_callback"}]'),
    "JSON string": (JSON, b'"event_callback"'),
    "JSON null": (JSON, b"null"),
    "invalid UTF-8": (JSON, b'{"type": "event_callback", "text": "\xff\xfe\xc3"}'),
    "payload= that is a JSON array": (FORM, b"payload=" + quote('[{"type": "block_actions"}]').encode()),
    "payload= that is a JSON string": (FORM, b"payload=" + quote('"block_actions"').encode()),
    "payload= that is truncated JSON": (FORM, b"payload=" + quote('{"type": "view_submission", "view"').encode()),
    "deeply nested JSON": (JSON, b"[" * 100_000 + b"]" * 100_000),
    "a view submission without a view type": (
        FORM, b"payload=" + quote('{"type": "view_submission", "view": {"callback_id": "form:report"}}').encode()),
}


class Log:
    """The server's log from a point on: what one request added to it."""

    def __init__(self, server: ServerProcess):
        self.server = server
        self.start = self._size()

    def _size(self) -> int:
        return self.server.log_path.stat().st_size

    def added(self, *, expect: str, timeout: float = 5.0) -> str:
        """What was logged since, once a line containing `expect` is there."""
        deadline = time.monotonic() + timeout
        while True:
            with self.server.log_path.open("rb") as log:
                log.seek(self.start)
                text = log.read().decode("utf-8", errors="replace")
            if expect in text or time.monotonic() > deadline:
                return text
            time.sleep(0.05)


def _post(url: str, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> int:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": content_type, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _slack_headers(body: bytes, *, timestamp: str | None = None, secret: str = SIGNING_SECRET) -> dict[str, str]:
    """Headers as Slack would send them, signed over the raw bytes with `secret`."""
    timestamp = timestamp or str(int(time.time()))
    digest = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest}"}


@pytest.fixture(scope="module")
def fake_slack():
    fake = FakeSlack(users={p.slack_user_id: p.email for p in PEOPLE.values() if p.slack_user_id}).start()
    yield fake
    fake.stop()


def _start(tmp_path_factory, fake_slack: FakeSlack, level: str) -> ServerProcess:
    work = tmp_path_factory.mktemp(f"edge-{level.lower()}")
    index_dir = prebuilt_index_dir(tmp_path_factory.getbasetemp() / "policy-index-shared")
    env = server_env(database_url=sqlite_url(work / "policybot.db"), directory=write_directory(work / "directory.csv"),
                     index_dir=index_dir, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                     SLACK_API_URL=fake_slack.api_url, POLICYBOT_TEAMS_EMULATOR="true")
    return ServerProcess(env, log_path=work / "server.log", args=("--log-level", level)).start(timeout=120)


@pytest.fixture(scope="module")
def server(tmp_path_factory, fake_slack):
    """One server for every case, started at INFO (where slack_bolt used to log refused bodies)."""
    process = _start(tmp_path_factory, fake_slack, "INFO")
    yield process
    process.stop()


def _no_crash(log: str) -> None:
    assert "Traceback" not in log and "Error handling request" not in log, log


@pytest.mark.parametrize("case", list(BAD_BODIES))
def test_unsigned_bad_bodies_to_slack_are_401(server, case):
    content_type, body = BAD_BODIES[case]
    log = Log(server)
    assert _post(server.url + "/slack/events", body, content_type, _slack_headers(body, secret="not-the-secret")) == 401
    _no_crash(log.added(expect="rejected a Slack request"))


@pytest.mark.parametrize("case", list(BAD_BODIES))
def test_signed_bad_bodies_to_slack_are_400(server, case):
    """Even signed with the real secret (so only Slack could send them), Bolt never gets them."""
    content_type, body = BAD_BODIES[case]
    log = Log(server)
    assert _post(server.url + "/slack/events", body, content_type, _slack_headers(body)) == 400
    added = log.added(expect="rejected a Slack request")
    assert "(HTTP 400)" in added, added
    _no_crash(added)


@pytest.mark.parametrize("timestamp", ["abc", "", "1e9", "-1", "\u00b2", str(int(time.time())) + ".5"])
def test_a_timestamp_that_is_not_a_number_is_401(server, timestamp):
    body = json.dumps(SlackSender.event_body({"type": "app_mention", "text": "hi"})).encode()
    log = Log(server)
    headers = {**_slack_headers(body, timestamp=timestamp or "0"), "X-Slack-Request-Timestamp": timestamp}
    assert _post(server.url + "/slack/events", body, JSON, headers) == 401
    added = log.added(expect="rejected a Slack request")
    assert "not a number" in added, added
    _no_crash(added)


@pytest.mark.parametrize("case", [c for c in BAD_BODIES if not c.startswith("payload=")] + ["payload= as JSON"])
def test_bad_bodies_to_teams_are_400(server, case):
    content_type, body = BAD_BODIES.get(case, (JSON, b"payload=%7B%22type%22%3A%22message%22%7D"))
    log = Log(server)
    assert _post(server.url + "/api/messages", body, JSON) == 400
    _no_crash(log.added(expect="refused a malformed request"))


@pytest.mark.parametrize("missing", ["from", "conversation", "serviceUrl", "type"])
def test_an_activity_without_what_botbuilder_needs_is_400(server, missing):
    body = activity(aad=PEOPLE["staff"].teams_user_id, text="hello", service_url="http://127.0.0.1:9/")
    body.pop(missing)
    log = Log(server)
    assert _post(server.url + "/api/messages", json.dumps(body).encode(), JSON) == 400
    _no_crash(log.added(expect="refused a malformed request"))


def test_a_signed_request_still_reaches_bolt(server):
    """The edge refuses only what it must: Slack's signed URL check is answered."""
    body = json.dumps({"token": "t", "challenge": "edge-challenge", "type": "url_verification"}).encode()
    request = urllib.request.Request(server.url + "/slack/events", data=body, method="POST",
                                     headers={"Content-Type": JSON, **_slack_headers(body)})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200 and b"edge-challenge" in response.read()


def _forged_requests(marker: str) -> list[tuple[str, bytes, str, dict[str, str], int]]:
    """(path, body, content type, headers, expected status): each carries `marker` in its body."""
    event = json.dumps(SlackSender.event_body({"type": "message", "channel": "D0STAFF", "user": "U0STAFF",
                                               "text": f"my question {marker}", "ts": "1.0", "channel_type": "im"}))
    report = "payload=" + quote(json.dumps({"type": "view_submission", "user": {"id": "U0STAFF"},
                                            "view": {"state": {"values": {"what_happened": marker}}}}))
    forged = SignatureVerifier("not-the-secret")
    now = str(int(time.time()))
    stale = str(int(time.time()) - 600)
    teams = json.dumps(activity(aad=PEOPLE["staff"].teams_user_id, text=f"report {marker}",
                                service_url="http://127.0.0.1:9/")).encode()
    return [
        ("/slack/events", event.encode(), JSON,
         {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": forged.generate_signature(timestamp=now, body=event)},
         401),
        ("/slack/events", report.encode(), FORM, {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": "v0=" + "0" * 64},
         401),
        ("/slack/events", event.encode(), JSON, _slack_headers(event.encode(), timestamp=stale), 401),  # a replay
        ("/slack/events", event.encode(), JSON, {}, 401),
        # Teams emulator mode: a request that went through a proxy is not from this machine.
        ("/api/messages", teams, JSON, {"X-Forwarded-For": "203.0.113.9"}, 401),
    ]


def _assert_forged_requests_leave_no_body_in_the_log(server: ServerProcess) -> None:
    marker = unique("MARKER-")
    log = Log(server)
    for path, body, content_type, headers, status in _forged_requests(marker):
        assert _post(server.url + path, body, content_type, headers) == status, (path, headers)
    added = log.added(expect="Teams: refused a request")
    assert added.count("rejected a Slack request") == 4 and "Teams: refused a request" in added, added
    time.sleep(0.5)  # anything logged after the response would show now
    assert marker not in server.log_path.read_text(encoding="utf-8", errors="replace")


def test_forged_requests_are_logged_without_their_bodies_at_info(server):
    _assert_forged_requests_leave_no_body_in_the_log(server)


def test_forged_requests_are_logged_without_their_bodies_at_debug(tmp_path_factory, fake_slack):
    process = _start(tmp_path_factory, fake_slack, "DEBUG")
    try:
        _assert_forged_requests_leave_no_body_in_the_log(process)
    finally:
        process.stop()


@pytest.mark.parametrize("path", ["/slack/events", "/api/messages"])
def test_a_body_over_one_mebibyte_is_413(server, path):
    body = b'{"text": "' + b"x" * (1024 * 1024) + b'"}'
    log = Log(server)
    assert _post(server.url + path, body, JSON, _slack_headers(body)) == 413
    _no_crash(log.added(expect="Error handling request", timeout=1.0))  # give a crash time to show
