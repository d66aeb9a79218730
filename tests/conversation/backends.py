"""One conversation, two platforms: drive the real Slack and Teams adapters in process (as errbot's
TestBackend does) and read back what each person saw, in the same terms for both.

- Slack: the real Bolt app (`bot.slack.app.build_bolt_app`), correctly signed requests dispatched
  through Bolt's own `async_dispatch`, against the fake Slack Web API on 127.0.0.1.
- Teams: the real `PolicyBot` on botbuilder's `TestAdapter`, Activity JSON as Teams sends it;
  private messages go through a recording stand-in for the proactive sender.

Scenarios talk to a `Backend`: `say` a message, `press` a button by its label, `fill` a form
(a Slack modal, a Teams form card or inputs on a card), `deliver` the outbox, and read each
person's `inbox`. Every payload either platform would receive is validated on the way
(Block Kit through slack_sdk's models, Adaptive Cards against the 1.5 schema).
"""
from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.app import Assistant
from bot.core.directory import StaticDirectory, parse_directory
from bot.core.notifications.registry import NotifierRegistry
from bot.core.storage.db import Database
from bot.settings import Settings
from tests.slack.fake_slack import BOT_USER_ID, TEAM_ID, FakeSlack
from tests.slack.slack_requests import unique
from tests.support.directory import PEOPLE, SAMPLE_DIRECTORY_CSV
from tests.support.fakeindex import FakeIndex

SIGNING_SECRET = "conversation-test-secret"


def visible_text(node: Any) -> str:
    """Every piece of text a payload would show, joined (values of text/title/label keys)."""
    found: list[str] = []

    def walk(item: Any) -> None:
        if isinstance(item, dict):
            for key, value in item.items():
                if key in ("text", "title", "value", "label", "placeholder") and isinstance(value, str):
                    if key != "value" or item.get("type") in (None, "TextRun", "mrkdwn", "plain_text"):
                        found.append(value)
                elif key in ("facts",) and isinstance(value, list):
                    found.extend(f"{f.get('title')} {f.get('value')}" for f in value)
                else:
                    walk(value)
        elif isinstance(item, list):
            for entry in item:
                walk(entry)

    walk(node)
    return "\n".join(found)


@dataclass
class Seen:
    """Something a person saw: a message, an ephemeral reply, a form."""

    platform: str
    kind: str  # "message", "private", "form", "home"
    payload: Any
    text: str = ""
    buttons: list[str] = field(default_factory=list)
    where: dict = field(default_factory=dict)

    def has(self, *phrases: str) -> bool:
        low = " ".join(self.text.split()).lower()
        return all(" ".join(p.split()).lower() in low for p in phrases)


# -- Slack ---------------------------------------------------------------------------------------
def slack_buttons(blocks: list[dict]) -> list[dict]:
    return [e for b in blocks or () if b.get("type") == "actions" for e in b.get("elements", [])]


class SlackBackend:
    platform = "slack"

    def __init__(self, tmp: Path, fake: FakeSlack, index: FakeIndex | None = None):
        from bot.slack.app import build_bolt_app

        self.fake = fake
        self.index = index or FakeIndex()
        self.db = Database(f"sqlite:///{tmp / 'slack.db'}")
        self.assistant = Assistant(db=self.db, directory=StaticDirectory(parse_directory(SAMPLE_DIRECTORY_CSV)),
                                   answerer=self.index, notifiers=NotifierRegistry())
        self.assistant.migrate()
        settings = Settings(slack_bot_token="xoxb-test", slack_signing_secret=SIGNING_SECRET, slack_api_url=fake.api_url)
        client = AsyncWebClient(token="xoxb-test", base_url=fake.api_url)
        self.bolt, self.adapter = build_bolt_app(settings, self.assistant, client=client)
        self.assistant.notifiers.register(self.adapter.notifier)
        self.verifier = SignatureVerifier(SIGNING_SECRET)
        self._start = len(fake.calls)

    def close(self) -> None:
        self.db.dispose()

    def user(self, person: str) -> str:
        return "U0STRANGER" if person == "stranger" else PEOPLE[person].slack_user_id

    def dm(self, person: str) -> str:
        return "D" + self.user(person).lstrip("U")

    # -- transport --------------------------------------------------------------------------
    async def dispatch(self, body: str, content_type: str) -> Any:
        timestamp = str(int(time.time()))
        headers = {"content-type": [content_type], "x-slack-request-timestamp": [timestamp],
                   "x-slack-signature": [self.verifier.generate_signature(timestamp=timestamp, body=body)]}
        before = set(asyncio.all_tasks())
        response = await self.bolt.async_dispatch(AsyncBoltRequest(body=body, headers=headers))
        # Bolt acks first and runs the listener afterwards (Slack's 3-second rule): wait for it.
        for _ in range(200):
            pending = [t for t in asyncio.all_tasks() - before if t is not asyncio.current_task() and not t.done()]
            if not pending:
                break
            await asyncio.wait(pending, timeout=5)
        return response

    def calls_since(self, start: int) -> list:
        return [c for c in self.fake.calls[start:] if c.status == 200]

    async def _interact(self, payload: dict) -> tuple[Any, list]:
        start = len(self.fake.calls)
        base = {"token": "legacy", "api_app_id": "A0TEST", "team": {"id": TEAM_ID, "domain": "hardmoor"},
                "is_enterprise_install": False}
        response = await self.dispatch(urlencode({"payload": json.dumps({**base, **payload})}),
                                       "application/x-www-form-urlencoded")
        return response, self.calls_since(start)

    # -- what people see ------------------------------------------------------------------------
    def _seen(self, call) -> Seen:
        from slack_sdk.models.blocks import Block

        params = call.params
        if call.method in ("views.open", "views.publish"):
            view = params["view"]
            kind = "form" if call.method == "views.open" else "home"
            blocks = view.get("blocks") or []
        else:
            blocks = params.get("blocks") or []
            view = None
            kind = "private" if call.method in ("chat.postEphemeral",) or (
                call.method == "response_url" and params.get("response_type") == "ephemeral") else "message"
        for block in blocks:  # everything we send must be valid Block Kit
            Block.parse(block).validate_json()
        where = {"method": call.method, "channel": params.get("channel"), "ts": call.ts,
                 "key": params.get("key"), "replace": params.get("replace_original")}
        # What is on screen: the blocks (a message's `text` is only its notification preview).
        shown = view if view is not None else (blocks or params.get("text"))
        return Seen("slack", kind, view if view is not None else params, text=visible_text(shown),
                    buttons=[b["text"]["text"] for b in slack_buttons(blocks)], where=where)

    def _results(self, calls) -> list[Seen]:
        shown = ("chat.postMessage", "chat.postEphemeral", "response_url", "views.open", "chat.update", "views.publish")
        return [self._seen(c) for c in calls if c.method in shown]

    async def say(self, person: str, text: str, *, where: str = "dm") -> list[Seen]:
        user = self.user(person)
        ts = f"{time.time():.6f}"
        start = len(self.fake.calls)
        if where == "dm":
            event = {"type": "message", "channel": self.dm(person), "user": user, "text": text, "ts": ts,
                     "event_ts": ts, "channel_type": "im"}
        elif where == "channel":
            event = {"type": "app_mention", "channel": "C0GENERAL", "user": user, "text": f"<@{BOT_USER_ID}> {text}",
                     "ts": ts, "event_ts": ts}
        else:  # the /policy slash command
            form = {"command": "/policy", "text": text, "user_id": user, "channel_id": "C0GENERAL",
                    "team_id": TEAM_ID, "response_url": self.fake.response_url(unique("cmd")),
                    "trigger_id": unique("trigger.")}
            await self.dispatch(urlencode(form), "application/x-www-form-urlencoded")
            return self._results(self.calls_since(start))
        body = {"token": "legacy", "team_id": TEAM_ID, "api_app_id": "A0TEST", "event": event,
                "type": "event_callback", "event_id": unique("Ev"), "event_time": int(time.time())}
        await self.dispatch(json.dumps(body), "application/json")
        return self._results(self.calls_since(start))

    async def open_report_form(self, person: str) -> Seen:
        start = len(self.fake.calls)
        await self._interact({"type": "shortcut", "callback_id": "report_concern", "trigger_id": unique("trigger."),
                              "user": {"id": self.user(person), "team_id": TEAM_ID}})
        return next(s for s in self._results(self.calls_since(start)) if s.kind == "form")

    async def press(self, person: str, seen: Seen, label: str) -> list[Seen]:
        blocks = seen.payload.get("blocks") or []
        button = next(b for b in slack_buttons(blocks) if b["text"]["text"] == label)
        channel = seen.where.get("channel") or self.dm(person)
        message = {"type": "message", "ts": seen.where.get("ts"), "blocks": blocks, "text": seen.payload.get("text")}
        payload = {"type": "block_actions", "user": {"id": self.user(person), "team_id": TEAM_ID},
                   "container": {"type": "message", "message_ts": seen.where.get("ts"), "channel_id": channel,
                                 "is_ephemeral": seen.kind == "private"},
                   "trigger_id": unique("trigger."), "channel": {"id": channel},
                   "response_url": self.fake.response_url(unique("press")), "message": message,
                   "actions": [{"action_id": button["action_id"], "block_id": "b", "value": button.get("value", ""),
                                "type": "button", "text": button["text"], "action_ts": f"{time.time():.6f}"}]}
        _, calls = await self._interact(payload)
        return self._results(calls)

    async def fill(self, person: str, seen: Seen, button: str | None, values: dict[str, Any]) -> list[Seen]:
        """Press `button` on `seen` if given (it opens a modal), then submit the modal with `values`."""
        if button is not None:
            opened = [s for s in await self.press(person, seen, button) if s.kind == "form"]
            assert opened, f"{button!r} opened no form"
            seen = opened[0]
        return await self.submit(person, seen, values)

    async def submit(self, person: str, form: Seen, values: dict[str, Any], *, view_id: str | None = None) -> list[Seen]:
        view = form.payload
        kinds = {b["block_id"]: b["element"]["type"] for b in view["blocks"] if b.get("type") == "input"}
        state = {}
        for name, value in values.items():
            kind = kinds.get(name, "plain_text_input")
            if kind in ("static_select", "radio_buttons"):
                entry = {"type": kind, "selected_option": {"value": value}}
            elif kind == "checkboxes":
                entry = {"type": kind, "selected_options": [{"value": "true"}] if value else []}
            elif kind == "multi_users_select":
                entry = {"type": kind, "selected_users": [self.user(p) for p in value]}
            else:
                entry = {"type": kind, "value": value}
            state[name] = {name: entry}
        payload = {"type": "view_submission", "user": {"id": self.user(person), "team_id": TEAM_ID},
                   "trigger_id": unique("trigger."),
                   "view": {**view, "id": view_id or unique("V"), "state": {"values": state}}, "response_urls": []}
        response, calls = await self._interact(payload)
        body = json.loads(response.body) if response.body else {}
        results = []
        if body.get("response_action") == "errors":
            results.append(Seen("slack", "form", view, text=" ".join(body["errors"].values()),
                                where={"errors": body["errors"]}))
        elif body.get("response_action") == "update":
            results.append(Seen("slack", "private", body["view"], text=visible_text(body["view"])))
        return results + self._results(calls)

    async def deliver(self) -> None:
        await self.assistant.dispatcher().run_once()

    def inbox(self, person: str) -> list[Seen]:
        """The notifications that reached the person's DM with the bot, oldest first."""
        return [self._seen(c) for c in self.calls_since(self._start)
                if c.method == "chat.postMessage" and c.params.get("channel") == self.dm(person)
                and (c.params.get("metadata") or {}).get("event_type") == "policybot_notification"]


# -- Teams ----------------------------------------------------------------------------------------
class _RecordingSender:
    """Stands in for the proactive sender: what would be sent to whom privately."""

    def __init__(self):
        self.sent: list[tuple[str, Any]] = []

    async def send(self, aad_id, activities, *, member_id=None):
        self.sent += [(aad_id, a) for a in activities]


def teams_actions(card: dict) -> list[dict]:
    found: list[dict] = []

    def walk(items):
        for item in items or ():
            if item.get("type") == "ActionSet":
                found.extend(item.get("actions", []))
            walk(item.get("items"))

    walk(card.get("body"))
    found.extend(card.get("actions", []))
    for action in list(found):
        if action.get("type") == "Action.ShowCard":
            found.extend(teams_actions(action.get("card") or {}))
    return found


def teams_visible_actions(card: dict) -> list[dict]:
    """The buttons on the card itself (rows and the action bar), not those inside a ShowCard."""
    found: list[dict] = []

    def walk(items):
        for item in items or ():
            if item.get("type") == "ActionSet":
                found.extend(item.get("actions", []))
            walk(item.get("items"))

    walk(card.get("body"))
    return found + list(card.get("actions", []))


class TeamsBackend:
    platform = "teams"

    def __init__(self, tmp: Path, validate, index: FakeIndex | None = None):
        from botbuilder.core.adapters import TestAdapter

        from bot.teams.bot import PolicyBot
        from bot.teams.notifier import TeamsNotifier
        from bot.teams.references import MemoryReferenceStore

        self.validate = validate
        self.index = index or FakeIndex()
        self.db = Database(f"sqlite:///{tmp / 'teams.db'}")
        self.assistant = Assistant(db=self.db, directory=StaticDirectory(parse_directory(SAMPLE_DIRECTORY_CSV)),
                                   answerer=self.index, notifiers=NotifierRegistry())
        self.assistant.migrate()
        self.sender = _RecordingSender()         # private replies (to someone who wrote in a channel)
        self.notifications = _RecordingSender()  # the outbox's deliveries
        self.adapter = TestAdapter()
        self.bot = PolicyBot(assistant=self.assistant, store=MemoryReferenceStore(), sender=self.sender)
        self.adapter.logic = self.bot.on_turn
        self.assistant.notifiers.register(TeamsNotifier(self.notifications))

    def close(self) -> None:
        self.db.dispose()

    def aad(self, person: str) -> str:
        return "a0000000-0000-4000-8000-0000000000ff" if person == "stranger" else PEOPLE[person].teams_user_id

    def _seen(self, activity, kind: str) -> Seen:
        card = activity.attachments[0].content if activity.attachments else None
        if card is not None:
            self.validate(card)
            buttons = [a["title"] for a in teams_visible_actions(card)]
            is_form = any(str(e.get("type", "")).startswith("Input.") for e in card.get("body", []))
            return Seen("teams", "form" if is_form and kind != "message" else kind, card, text=visible_text(card),
                        buttons=buttons, where={"id": activity.id})
        return Seen("teams", kind, {"text": activity.text}, text=activity.text or "")

    async def _send(self, person: str, *, text: str | None = None, value: dict | None = None, where: str = "dm",
                    reply_to: str | None = None) -> list[Seen]:
        from botbuilder.schema import Activity

        from tests.teams.teamsfakes import activity

        self.adapter.activity_buffer.clear()
        updates, sent = len(self.adapter.updated_activities), len(self.sender.sent)
        body = activity(aad=self.aad(person), text=text, value=value, kind="channel" if where == "channel" else "personal",
                        mention=where == "channel" and text is not None, reply_to=reply_to)
        await self.adapter.receive_activity(Activity().deserialize(body))
        seen = [self._seen(a, "message" if where != "channel" else "message") for a in self.adapter.activity_buffer]
        seen += [self._seen(a, "private") for who, a in self.sender.sent[sent:] if who == self.aad(person)]
        seen += [self._seen(a, "replaced") for a in self.adapter.updated_activities[updates:]]
        return seen

    async def say(self, person: str, text: str, *, where: str = "dm") -> list[Seen]:
        return await self._send(person, text=text, where="channel" if where == "channel" else "dm")

    async def open_report_form(self, person: str) -> Seen:
        return next(s for s in await self._send(person, text="report") if s.kind in ("form", "message", "private")
                    and s.has("Report a concern"))

    def _data(self, seen: Seen, label: str) -> dict:
        return next(a["data"] for a in teams_actions(seen.payload) if a.get("title") == label
                    and a.get("type") == "Action.Submit")

    async def press(self, person: str, seen: Seen, label: str) -> list[Seen]:
        where = "channel" if seen.where.get("channel") else "dm"
        return await self._send(person, value=self._data(seen, label), reply_to=seen.where.get("id") or "card",
                                where=where)

    async def fill(self, person: str, seen: Seen, button: str | None, values: dict[str, Any]) -> list[Seen]:
        """Teams has no modals: the inputs sit on the card; `button` submits them (or, when it
        opens a form card instead, that card is filled and sent)."""
        label = button or (seen.buttons[-1] if seen.buttons else None)
        data = self._data(seen, label)  # a button on the card, or inside one of its ShowCards
        if data["pb"].get("form") or data["pb"].get("action") == "form":
            return await self._send(person, value={**data, **_teams_values(values)}, reply_to=seen.where.get("id") or "c")
        forms = [s for s in await self.press(person, seen, label) if s.kind == "form"]
        assert forms, f"{label!r} opened no form"
        return await self.submit(person, forms[0], values)

    async def submit(self, person: str, form: Seen, values: dict[str, Any], *, view_id: str | None = None) -> list[Seen]:
        data = next(a["data"] for a in teams_actions(form.payload) if a.get("type") == "Action.Submit"
                    and (a["data"].get("pb") or {}).get("action") == "form")
        return await self._send(person, value={**data, **_teams_values(values)}, reply_to=view_id or form.where.get("id") or "f")

    async def deliver(self) -> None:
        await self.assistant.dispatcher().run_once()

    def inbox(self, person: str) -> list[Seen]:
        """The notifications that reached the person (their 1:1 chat with the bot), oldest first."""
        return [self._seen(a, "message") for who, a in self.notifications.sent if who == self.aad(person)]


def _teams_values(values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in values.items():
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, (list, tuple)):
            out[key] = ", ".join(PEOPLE[p].email for p in value)
        else:
            out[key] = value
    return out
