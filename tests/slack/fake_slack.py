"""A fake Slack Web API: a real aiohttp server on 127.0.0.1 that answers like Slack and records calls.

Runs in a background thread with its own event loop, so tests stay synchronous. Point the
server at it with `SLACK_API_URL=fake.api_url`. Also serves `response_url`s (`fake.response_url()`).

On command it fails calls (`fail`, e.g. HTTP 429 with Retry-After) or accepts a call and then
holds its response (`delay`), as when Slack posted a message but the answer never arrived.
Messages keep their metadata and `ts` is wall-clock time, so `conversations.history` with
`oldest`/`latest`/`include_all_metadata` answers as Slack does.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import parse_qsl

from aiohttp import web

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T0TEST"


@dataclass
class Call:
    method: str  # Web API method ("chat.postMessage"), or "response_url"
    params: dict[str, Any]
    at: float
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)  # what the fake answered

    @property
    def ts(self) -> str | None:
        """The ts Slack gave a posted message."""
        return self.response.get("ts")

    def text(self) -> str:
        """Everything the call would show: text plus blocks, as one JSON string."""
        return json.dumps({k: self.params.get(k) for k in ("text", "blocks", "view")}, ensure_ascii=False)


@dataclass
class Failure:
    methods: set[str] | None  # None: every method
    status: int
    remaining: int | None  # None: until healed
    retry_after: int | None = None
    where: Callable[[dict], bool] | None = None  # only calls whose parameters match


@dataclass
class Delay:
    methods: set[str] | None
    seconds: float
    remaining: int | None
    where: Callable[[dict], bool] | None = None


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in {"1", "true"}


@dataclass
class FakeSlack:
    users: dict[str, str] = field(default_factory=dict)  # slack user id -> e-mail (for users.info / lookupByEmail)
    calls: list[Call] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: list[Failure] = []
        self._delays: list[Delay] = []
        self._messages: dict[tuple[str, str], dict] = {}
        self._ts = itertools.count(1)
        self._last_ts = 0.0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._sockets: list[web.WebSocketResponse] = []

    # -- control ------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/"

    def response_url(self, key: str) -> str:
        return f"{self.base_url}/respond/{key}"

    def fail(self, *methods: str, status: int = 503, times: int | None = None, retry_after: int | None = None,
             where: Callable[[dict], bool] | None = None) -> None:
        """Answer `methods` (all if none given) with HTTP `status`, `times` times or until `heal()`."""
        with self._lock:
            self._failures.append(Failure(set(methods) or None, status, times, retry_after, where))

    def delay(self, *methods: str, seconds: float, times: int | None = None,
              where: Callable[[dict], bool] | None = None) -> None:
        """Do what `methods` ask (a message is posted), then hold the answer for `seconds`."""
        with self._lock:
            self._delays.append(Delay(set(methods) or None, seconds, times, where))

    def heal(self) -> None:
        """Stop failing and delaying; answers being held are sent now."""
        with self._lock:
            self._failures.clear()
            self._delays.clear()
        if self._loop is not None and self._loop.is_running():
            self._loop.call_soon_threadsafe(self._release_held)

    def _release_held(self) -> None:
        self._released.set()
        self._released = asyncio.Event()

    def find(self, method: str | None = None, where: Callable[[Call], bool] | None = None, *, ok_only: bool = True) -> list[Call]:
        with self._lock:
            calls = list(self.calls)
        return [c for c in calls if (method is None or c.method == method) and (not ok_only or c.status == 200)
                and (where is None or where(c))]

    def wait_for(self, method: str | None = None, where: Callable[[Call], bool] | None = None, *,
                 count: int = 1, timeout: float = 15.0) -> list[Call]:
        """Poll the recorded calls until `count` match (successful ones only); returns them."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.find(method, where)
            if len(found) >= count or time.monotonic() > deadline:
                if len(found) < count:
                    seen = ", ".join(f"{c.method}[{c.status}]" for c in self.find(ok_only=False)[-30:])
                    raise AssertionError(f"expected {count} {method or 'call'}(s), got {len(found)}; recent: {seen}")
                return found
            time.sleep(0.05)

    def posts_to(self, channel: str) -> list[Call]:
        return self.find("chat.postMessage", lambda c: c.params.get("channel") == channel)

    # -- Socket Mode ----------------------------------------------------------------------
    def socket_connected(self) -> bool:
        return any(not ws.closed for ws in self._sockets)

    def push(self, envelope_type: str, payload: dict, envelope_id: str) -> None:
        """Send a Socket Mode envelope (events_api, slash_commands, interactive) to connected apps."""
        message = {"envelope_id": envelope_id, "type": envelope_type, "payload": payload,
                   "accepts_response_payload": envelope_type != "events_api", "retry_attempt": 0}

        async def send() -> None:
            for ws in list(self._sockets):
                if not ws.closed:
                    await ws.send_json(message)

        asyncio.run_coroutine_threadsafe(send(), self._loop).result(5)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1,
                            "connection_info": {"app_id": "A0TESTAPP"}, "debug_info": {"host": "fake"}})
        async for message in ws:
            try:
                data = json.loads(message.data)
            except (TypeError, ValueError):
                continue
            self._record("socket_ack", data)
        return ws

    # -- lifecycle ----------------------------------------------------------------------
    def start(self) -> "FakeSlack":
        started = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(self._start())
            started.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="fake-slack", daemon=True)
        self._thread.start()
        if not started.wait(10):
            raise RuntimeError("fake Slack did not start")
        return self

    async def _start(self) -> None:
        self._released = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{key}", self._respond)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        if self._loop is None:
            return

        async def close() -> None:
            self._release_held()  # held answers would keep the server from shutting down
            for ws in list(self._sockets):
                await ws.close()
            await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    # -- handlers -----------------------------------------------------------------------
    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        raw = await request.read()
        if raw:
            if request.content_type == "application/json":
                params.update(json.loads(raw))
            else:
                params.update(dict(parse_qsl(raw.decode())))
        for key in ("blocks", "view", "metadata"):  # form-encoded JSON arguments
            if isinstance(params.get(key), str):
                try:
                    params[key] = json.loads(params[key])
                except ValueError:
                    pass
        return params

    def _failure_for(self, method: str, params: dict) -> Failure | None:
        return self._take(self._failures, method, params)

    def _take(self, rules: list, method: str, params: dict):
        with self._lock:
            for rule in rules:
                if (rule.methods is None or method in rule.methods) and (rule.where is None or rule.where(params)):
                    if rule.remaining is not None:
                        rule.remaining -= 1
                        if rule.remaining <= 0:
                            rules.remove(rule)
                    return rule
        return None

    def _record(self, method: str, params: dict, status: int = 200, response: dict | None = None) -> None:
        with self._lock:
            self.calls.append(Call(method, params, time.monotonic(), status, response or {}))

    async def _respond(self, request: web.Request) -> web.Response:
        params = await self._params(request)
        params["key"] = request.match_info["key"]
        self._record("response_url", params)
        return web.Response(text="ok")

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        failure = self._failure_for(method, params)
        if failure is not None:
            self._record(method, params, failure.status)
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            error = "ratelimited" if failure.status == 429 else "service_unavailable"
            return web.json_response({"ok": False, "error": error}, status=failure.status, headers=headers)
        answer = self._answer(method, params)
        self._record(method, params, response=answer)
        delay = self._take(self._delays, method, params)
        if delay is not None:
            try:
                await asyncio.wait_for(self._released.wait(), delay.seconds)
            except asyncio.TimeoutError:
                pass
        return web.json_response(answer)

    def _next_ts(self) -> str:
        """Wall-clock seconds like Slack's, strictly increasing."""
        with self._lock:
            self._last_ts = max(time.time(), self._last_ts + 0.000001)
            return f"{self._last_ts:.6f}"

    def _history(self, p: dict) -> dict:
        channel = p.get("channel")
        if p.get("oldest") is None and not _truthy(p.get("include_all_metadata")):
            # A single message by its ts (how the listeners read back a card).
            with self._lock:
                message = self._messages.get((channel, p.get("latest")))
            return {"ok": True, "messages": [message] if message else [], "has_more": False}
        oldest, latest = float(p.get("oldest") or 0), float(p.get("latest") or "inf")
        inclusive = _truthy(p.get("inclusive"))
        with self._lock:
            found = [dict(m) for (c, ts), m in self._messages.items() if c == channel and (
                oldest <= float(ts) <= latest if inclusive else oldest < float(ts) < latest)]
        found.sort(key=lambda m: float(m["ts"]), reverse=True)
        if not _truthy(p.get("include_all_metadata")):
            for message in found:
                message.pop("metadata", None)
        start, limit = int(p.get("cursor") or 0), int(p.get("limit") or 100)
        page, more = found[start:start + limit], len(found) > start + limit
        return {"ok": True, "messages": page, "has_more": more,
                "response_metadata": {"next_cursor": str(start + limit) if more else ""}}

    def _answer(self, method: str, p: dict) -> dict:
        ts = self._next_ts()
        if method == "auth.test":
            return {"ok": True, "url": "https://hardmoor.slack.example/", "team": "Hardmoor", "user": "policybot",
                    "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID, "is_enterprise_install": False}
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(p.get("users", "")).lstrip("UW")}}
        if method == "chat.postMessage":
            message = {"type": "message", "ts": ts, "text": p.get("text"), "blocks": p.get("blocks") or [],
                       "bot_id": BOT_ID, "user": BOT_USER_ID}
            if p.get("metadata"):
                message["metadata"] = p["metadata"]
            with self._lock:
                self._messages[(p.get("channel"), ts)] = message
            return {"ok": True, "channel": p.get("channel"), "ts": ts, "message": message}
        if method == "chat.update":
            with self._lock:
                message = self._messages.get((p.get("channel"), p.get("ts")))
                if message is not None:
                    message.update(text=p.get("text"), blocks=p.get("blocks") or [])
            return {"ok": True, "channel": p.get("channel"), "ts": p.get("ts")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        if method == "conversations.history":
            return self._history(p)
        if method in ("views.open", "views.publish", "views.update", "views.push"):
            return {"ok": True, "view": {"id": f"V{next(self._ts):08d}", **(p.get("view") or {})}}
        if method == "users.info":
            email = self.users.get(p.get("user", ""))
            if email is None:
                return {"ok": False, "error": "user_not_found"}
            return {"ok": True, "user": {"id": p["user"], "is_bot": False, "profile": {"email": email}}}
        if method == "users.lookupByEmail":
            for user_id, email in self.users.items():
                if email == p.get("email"):
                    return {"ok": True, "user": {"id": user_id, "profile": {"email": email}}}
            return {"ok": False, "error": "users_not_found"}
        return {"ok": True}
