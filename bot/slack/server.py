"""Mounts Slack on the shared aiohttp app: `POST /slack/events` (HTTP) and/or Socket Mode.

`configuration(settings)` says whether Slack is configured, how, and what is wrong;
`bot.server.create_app` calls `mount(app, settings=..., assistant=..., ready=...)` when it is.
"""
from __future__ import annotations

import asyncio
import logging
import time

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.core.app import Assistant
from bot.platforms import ERROR, WARNING, PlatformConfiguration, Problem
from bot.settings import Settings
from bot.slack import edge
from bot.slack.app import SlackAdapter, build_bolt_app

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
SLACK_ADAPTER = web.AppKey("slack_adapter", SlackAdapter)
SLACK_BOLT = web.AppKey("slack_bolt", AsyncApp)

_FIX_BOT_TOKEN = "Slack app > OAuth & Permissions > Bot User OAuth Token (xoxb-)"
_FIX_SIGNING_SECRET = "Slack app > Basic Information > App Credentials > Signing Secret"
_FIX_APP_TOKEN = "Slack app > Basic Information > App-Level Tokens: create one with connections:write (xapp-)"


def _http_ready(settings: Settings) -> bool:
    return bool(settings.slack_bot_token and settings.slack_signing_secret)


def _socket_ready(settings: Settings) -> bool:
    return bool(settings.slack_socket_mode and settings.slack_bot_token and settings.slack_app_token)


def configuration(settings: Settings) -> PlatformConfiguration:
    """Whether Slack is configured (HTTP and/or Socket Mode) and what is missing, with fixes."""
    token, secret, app_token = settings.slack_bot_token, settings.slack_signing_secret, settings.slack_app_token
    problems: list[Problem] = []
    modes: list[str] = []

    def missing(*pairs: tuple[str, str | None, str]) -> None:
        unset = [(name, fix) for name, value, fix in pairs if not value]
        if unset:
            names = " and ".join(name for name, _ in unset)
            problems.append(Problem(f"{names} not set", "; ".join(fix for _, fix in unset)))

    if settings.slack_socket_mode:
        if _socket_ready(settings):
            modes.append("Socket Mode")
        else:
            missing(("SLACK_BOT_TOKEN", token, _FIX_BOT_TOKEN), ("SLACK_APP_TOKEN", app_token, _FIX_APP_TOKEN))
    # A signing secret, or a bot token with nothing pointing at Socket Mode, means HTTP is meant.
    if secret or (token and not app_token and not settings.slack_socket_mode):
        if _http_ready(settings):
            modes.append(f"HTTP: POST {EVENTS_PATH}")
        else:
            missing(("SLACK_BOT_TOKEN", token, _FIX_BOT_TOKEN), ("SLACK_SIGNING_SECRET", secret, _FIX_SIGNING_SECRET))
    if app_token and not settings.slack_socket_mode:
        problems.append(Problem("SLACK_APP_TOKEN is set but Socket Mode is off, so it is not used",
                                "start with `policybot serve --socket-mode` or set SLACK_SOCKET_MODE=true "
                                "(or remove SLACK_APP_TOKEN)", WARNING))
    for name, value, prefix in (("SLACK_BOT_TOKEN", token, "xoxb-"), ("SLACK_APP_TOKEN", app_token, "xapp-")):
        if value and not value.startswith(prefix):
            problems.append(Problem(f"{name} does not start with {prefix}",
                                    f"copy the {prefix} token from the Slack app settings", WARNING))
    if settings.slack_api_url and not settings.slack_api_url.startswith("https://"):
        problems.append(Problem(f"SLACK_API_URL is {settings.slack_api_url} (not https)",
                                "for tests only; leave it unset in production", WARNING))
    configured = bool(modes) and not any(p.severity == ERROR for p in problems)
    if modes:
        mode = " and ".join(modes)
    elif token or secret or app_token or settings.slack_socket_mode:
        mode = "not served (see below)"
    else:
        mode = "not configured (SLACK_BOT_TOKEN not set)"
    return PlatformConfiguration("Slack", configured=configured, mode=mode, problems=tuple(problems))


def mount(app: web.Application, *, settings: Settings, assistant: Assistant,
          ready: asyncio.Event | None = None) -> None:
    """Serve Slack on `app`; `ready` is set once answers can be given (the server's index load)."""
    status = configuration(settings)
    if not status.configured:
        raise ValueError("Slack is not configured: " + ("; ".join(p.message for p in status.errors) or status.mode))
    bolt, adapter = build_bolt_app(settings, assistant, ready=ready)
    assistant.notifiers.register(adapter.notifier)
    app[SLACK_ADAPTER] = adapter
    app[SLACK_BOLT] = bolt

    if _http_ready(settings):
        secret = settings.slack_signing_secret

        async def slack_events(request: web.Request) -> web.Response:
            # The edge (bot/slack/edge.py) decides first: Bolt never sees, parses or logs a request
            # that is not from Slack or that it could not read.
            text, refusal = edge.check(await request.read(), request.headers, secret, time.time())
            if refusal is not None:
                log.warning("rejected a Slack request from %s (HTTP %d): %s", request.remote, refusal.status,
                            refusal.reason)
                return web.json_response({"error": "invalid request"}, status=refusal.status)
            bolt_request = AsyncBoltRequest(body=text, query=request.query_string, headers=request.headers)
            return await to_aiohttp_response(await bolt.async_dispatch(bolt_request))

        app.router.add_post(EVENTS_PATH, slack_events)
        log.info("Slack: Events API, commands and interactivity at POST %s", EVENTS_PATH)

    if _socket_ready(settings):
        app.cleanup_ctx.append(_socket_mode(bolt, settings.slack_app_token))


def _socket_mode(bolt: AsyncApp, app_token: str):
    async def context(app: web.Application):
        from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

        handler = AsyncSocketModeHandler(bolt, app_token)
        task = asyncio.create_task(_connect(handler), name="slack-socket-mode")
        yield
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        try:
            await handler.close_async()
        except Exception:
            log.exception("closing the Socket Mode connection failed")

    return context


async def _connect(handler) -> None:
    delay = 1.0
    while True:
        try:
            await handler.connect_async()
            log.info("Slack: connected in Socket Mode")
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # Slack unreachable or token refused: keep trying, /healthz stays up
            log.error("Slack Socket Mode connection failed (%s); retrying in %.0fs", exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 60.0)
