"""End-to-end helpers for Teams: a fake Bot Connector on 127.0.0.1 that records what the bot sends.
The server itself is started with the shared `tests.support` helpers."""
from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from aiohttp import web


@dataclass
class Call:
    method: str
    path: str
    body: dict

    @property
    def conversation(self) -> str | None:
        parts = self.path.split("/")
        return parts[3] if len(parts) > 3 and parts[1:3] == ["v3", "conversations"] else None

    @property
    def cards(self) -> list[dict]:
        return [a["content"] for a in self.body.get("attachments") or [] if "adaptive" in a.get("contentType", "")]

    @property
    def text(self) -> str:
        return json.dumps(self.body)


@dataclass
class FakeConnector:
    """Records POST /v3/conversations, POST .../activities[/{id}] and PUT .../activities/{id}."""

    calls: list[Call] = field(default_factory=list)
    port: int = 0
    fail: dict[str, int] = field(default_factory=dict)  # path -> HTTP status to answer with instead
    _created: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else {}
        call = Call(request.method, request.path, body)
        self.calls.append(call)
        for path, status in self.fail.items():
            if request.path.startswith(path):
                return web.json_response({"error": {"code": "Fail", "message": "test"}}, status=status)
        if request.method == "POST" and request.path.rstrip("/") == "/v3/conversations":
            self._created += 1
            return web.json_response({"id": f"a:created-{self._created}", "serviceUrl": self.url}, status=201)
        return web.json_response({"id": f"m-{len(self.calls)}"}, status=201 if request.method == "POST" else 200)

    def start(self) -> "FakeConnector":
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            app = web.Application()
            app.router.add_route("*", "/{tail:.*}", self._handle)
            runner = web.AppRunner(app, access_log=None)
            loop.run_until_complete(runner.setup())
            site = web.TCPSite(runner, "127.0.0.1", 0)
            loop.run_until_complete(site.start())
            self.port = site._server.sockets[0].getsockname()[1]
            ready.set()
            loop.run_forever()

        threading.Thread(target=run, name="fake-connector", daemon=True).start()
        ready.wait(10)
        return self

    def to(self, conversation: str) -> list[Call]:
        return [c for c in self.calls if c.conversation == conversation]

    def wait_for(self, predicate, *, timeout: float = 20.0, what: str = "a call") -> Call:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for call in list(self.calls):
                if predicate(call):
                    return call
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}; calls: {[(c.method, c.path) for c in self.calls]}")


def post_activity(base_url: str, activity: dict | None, *, headers: dict[str, str] | None = None,
                  raw: bytes | None = None) -> int:
    """POST to /api/messages as the Teams channel does; returns the HTTP status."""
    data = raw if raw is not None else json.dumps(activity).encode()
    request = urllib.request.Request(f"{base_url}/api/messages", data=data, method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def all_actions(card: dict) -> list[dict]:
    """Every button on a card in reading order: rows (ActionSets) in the body, then card actions,
    then those inside Action.ShowCard sub-cards."""
    found: list[dict] = []

    def walk(items):
        for item in items or ():
            if item.get("type") == "ActionSet":
                found.extend(item.get("actions", []))
            walk(item.get("items"))
            for column in item.get("columns", []) or ():
                walk(column.get("items"))

    walk(card.get("body"))
    found.extend(card.get("actions", []))
    for action in list(found):
        if action.get("type") == "Action.ShowCard":
            found.extend(all_actions(action.get("card") or {}))
    return found


def titles(card: dict) -> list[str]:
    return [a["title"] for a in all_actions(card) if a.get("type") != "Action.ShowCard"]
