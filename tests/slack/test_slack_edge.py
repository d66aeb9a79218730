"""What a Slack deployment exposes: no Teams endpoint, and Bolt never logs a refused body."""
from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request

from slack_bolt.request.async_request import AsyncBoltRequest

from bot.composition import build_assistant
from bot.settings import Settings
from bot.slack.app import build_bolt_app
from tests.slack.slack_requests import BOT_TOKEN, SIGNING_SECRET, unique
from tests.support.directory import PEOPLE
from tests.teams.teamsfakes import activity


def test_a_slack_only_server_has_no_teams_endpoint(slack_server):
    """Not even the emulator's: an unauthenticated activity from this machine finds nothing."""
    body = json.dumps(activity(aad=PEOPLE["staff"].teams_user_id, text="report", service_url="http://127.0.0.1:9/"))
    request = urllib.request.Request(slack_server.url + "/api/messages", data=body.encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        status = urllib.request.urlopen(request, timeout=10).status
    except urllib.error.HTTPError as exc:
        status = exc.code
    assert status == 404
    assert "emulator" not in slack_server.log().lower()


async def test_bolt_itself_never_logs_a_refused_body(tmp_path, caplog):
    """Should a forged request ever reach Bolt past the HTTP edge, its body stays out of the log
    at every level (Bolt writes it at INFO on a logger whose level it sets itself)."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", slack_bot_token=BOT_TOKEN,
                        slack_signing_secret=SIGNING_SECRET, slack_api_url="http://127.0.0.1:9/api/")
    caplog.set_level(logging.DEBUG)  # before the app exists: Bolt copies the root level into its loggers
    bolt, _ = build_bolt_app(settings, build_assistant(settings, index=object()))
    marker = unique("MARKER-")
    body = json.dumps({"type": "event_callback", "event": {"type": "message", "text": marker}})
    response = await bolt.async_dispatch(AsyncBoltRequest(body=body, headers={
        "content-type": "application/json", "x-slack-request-timestamp": str(int(time.time())),
        "x-slack-signature": "v0=" + "0" * 64}))
    assert response.status == 401
    assert marker not in caplog.text
