"""Signed requests to `POST /slack/events`, in the exact shapes Slack sends them."""
from __future__ import annotations

import itertools
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from tests.slack.fake_slack import BOT_USER_ID, TEAM_ID

SIGNING_SECRET = "test-signing-secret-not-real"
BOT_TOKEN = "xoxb-test-not-a-real-token"
APP_ID = "A0TESTAPP"

_ids = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}{int(time.time() * 1000) % 10_000_000:07d}{next(_ids):04d}"


@dataclass
class Reply:
    status: int
    body: str
    seconds: float

    def json(self) -> dict:
        return json.loads(self.body) if self.body else {}


class SlackSender:
    def __init__(self, server_url: str, signing_secret: str = SIGNING_SECRET):
        self.url = server_url.rstrip("/") + "/slack/events"
        self.verifier = SignatureVerifier(signing_secret)

    # -- transport ------------------------------------------------------------------------
    def post(self, body: str, content_type: str, *, timestamp: int | None = None, signature: str | None = None,
             headers: dict[str, str] | None = None) -> Reply:
        timestamp = int(time.time()) if timestamp is None else timestamp
        signature = signature or self.verifier.generate_signature(timestamp=str(timestamp), body=body)
        request = urllib.request.Request(self.url, data=body.encode(), method="POST", headers={
            "Content-Type": content_type, "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": signature, "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            **(headers or {})})
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return Reply(response.status, response.read().decode(), time.perf_counter() - started)
        except urllib.error.HTTPError as exc:
            return Reply(exc.code, exc.read().decode(), time.perf_counter() - started)

    # -- payload shapes -------------------------------------------------------------------
    @staticmethod
    def event_body(event: dict, *, event_id: str | None = None) -> dict:
        return {
            "token": "legacy-verification-token", "team_id": TEAM_ID, "api_app_id": APP_ID,
            "event": event, "type": "event_callback", "event_id": event_id or unique("Ev"),
            "event_time": int(time.time()), "event_context": unique("4-ctx"),
            "authorizations": [{"enterprise_id": None, "team_id": TEAM_ID, "user_id": BOT_USER_ID,
                                "is_bot": True, "is_enterprise_install": False}],
            "is_ext_shared_channel": False,
        }

    def event(self, event: dict, *, event_id: str | None = None, retry_num: int | None = None, **kwargs) -> Reply:
        headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"} if retry_num else {}
        return self.post(json.dumps(self.event_body(event, event_id=event_id)), "application/json",
                         headers=headers, **kwargs)

    def direct_message(self, user: str, text: str, *, channel: str | None = None, **kwargs) -> Reply:
        ts = f"{time.time():.6f}"
        event = {"type": "message", "channel": channel or "D" + user.lstrip("U"), "user": user, "text": text,
                 "ts": ts, "event_ts": ts, "channel_type": "im", "client_msg_id": unique("msg-")}
        return self.event(event, **kwargs)

    def mention(self, user: str, text: str, *, channel: str = "C0GENERAL", ts: str | None = None, **kwargs) -> Reply:
        ts = ts or f"{time.time():.6f}"
        event = {"type": "app_mention", "user": user, "text": f"<@{BOT_USER_ID}> {text}", "ts": ts,
                 "channel": channel, "event_ts": ts, "client_msg_id": unique("msg-")}
        return self.event(event, **kwargs)

    def command(self, command: str, text: str, *, user: str, response_url: str, channel: str = "C0GENERAL",
                trigger_id: str | None = None) -> Reply:
        form = {"token": "legacy-verification-token", "team_id": TEAM_ID, "team_domain": "hardmoor",
                "channel_id": channel, "channel_name": "general", "user_id": user, "user_name": user.lower(),
                "command": command, "text": text, "api_app_id": APP_ID, "is_enterprise_install": "false",
                "response_url": response_url, "trigger_id": trigger_id or unique("trigger.")}
        return self.post(urlencode(form), "application/x-www-form-urlencoded")

    def interaction(self, payload: dict) -> Reply:
        base = {"token": "legacy-verification-token", "api_app_id": APP_ID,
                "team": {"id": TEAM_ID, "domain": "hardmoor"}, "is_enterprise_install": False}
        return self.post(urlencode({"payload": json.dumps({**base, **payload})}), "application/x-www-form-urlencoded")

    def click(self, user: str, button: dict, *, message: dict, channel: str, response_url: str,
              ephemeral: bool = False) -> Reply:
        """Press `button` (a Block Kit button element as the bot sent it) on `message`."""
        payload = {
            "type": "block_actions", "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
            "container": {"type": "message", "message_ts": message.get("ts"), "channel_id": channel,
                          "is_ephemeral": ephemeral},
            "trigger_id": unique("trigger."), "channel": {"id": channel, "name": "directmessage"},
            "response_url": response_url,
            "actions": [{"action_id": button["action_id"], "block_id": "b", "text": button["text"],
                         "value": button.get("value", ""), "type": "button", "action_ts": f"{time.time():.6f}"}],
        }
        if not ephemeral:
            payload["message"] = message
        return self.interaction(payload)

    def shortcut(self, user: str, callback_id: str) -> Reply:
        return self.interaction({"type": "shortcut", "callback_id": callback_id, "trigger_id": unique("trigger."),
                                 "action_ts": f"{time.time():.6f}",
                                 "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID}})

    def submit(self, user: str, view: dict, values: dict, *, view_id: str | None = None) -> Reply:
        """Submit the modal `view` (as the bot opened it) with `values` {block_id: element state}."""
        payload = {
            "type": "view_submission", "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
            "trigger_id": unique("trigger."),
            "view": {**view, "id": view_id or view.get("id") or unique("V"), "team_id": TEAM_ID,
                     "state": {"values": values}, "hash": unique("hash.")},
            "response_urls": [],
        }
        return self.interaction(payload)


def text_value(block_id: str, value: str) -> dict:
    return {block_id: {block_id: {"type": "plain_text_input", "value": value}}}


def select_value(block_id: str, value: str) -> dict:
    return {block_id: {block_id: {"type": "static_select", "selected_option": {"value": value}}}}


def users_value(block_id: str, users: list[str]) -> dict:
    return {block_id: {block_id: {"type": "multi_users_select", "selected_users": users}}}


def checkbox_value(block_id: str, checked: bool) -> dict:
    options = [{"value": "true"}] if checked else []
    return {block_id: {block_id: {"type": "checkboxes", "selected_options": options}}}


def buttons(blocks: list[dict]) -> list[dict]:
    return [e for b in blocks if b.get("type") == "actions" for e in b.get("elements", [])]


def button(blocks: list[dict], *, action_prefix: str | None = None, label_contains: str | None = None) -> dict:
    for element in buttons(blocks):
        if action_prefix and not element["action_id"].startswith(action_prefix):
            continue
        if label_contains and label_contains.lower() not in element["text"]["text"].lower():
            continue
        return element
    raise AssertionError(f"no button {action_prefix or label_contains!r} in {[b['action_id'] for b in buttons(blocks)]}")
