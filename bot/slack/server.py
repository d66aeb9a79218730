"""Mounts Slack on the shared aiohttp app: `POST /slack/events` (HTTP) and/or Socket Mode.

`bot.server.create_app` calls `mount(app, settings=..., assistant=...)` when Slack is configured.
"""
from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from bot.core.app import Assistant
from bot.settings import Settings
from bot.slack.app import SlackAdapter, build_bolt_app

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
SLACK_ADAPTER = web.AppKey("slack_adapter", SlackAdapter)
SLACK_BOLT = web.AppKey("slack_bolt", AsyncApp)


def http_configured(settings: Settings) -> bool:
    return bool(settings.slack_bot_token and settings.slack_signing_secret)


def socket_mode_configured(settings: Settings) -> bool:
    return bool(settings.slack_socket_mode and settings.slack_bot_token and settings.slack_app_token)


def is_configured(settings: Settings) -> bool:
    return http_configured(settings) or socket_mode_configured(settings)


def mount(app: web.Application, *, settings: Settings, assistant: Assistant) -> None:
    from bot.server import INDEX_READY  # the server owns readiness; imported late (it imports us)

    if settings.slack_socket_mode and not settings.slack_app_token:
        raise SystemExit("Socket Mode needs SLACK_APP_TOKEN (an xapp- token with connections:write)")
    bolt, adapter = build_bolt_app(settings, assistant, ready=app.get(INDEX_READY))
    assistant.notifiers.register(adapter.notifier)
    app[SLACK_ADAPTER] = adapter
    app[SLACK_BOLT] = bolt

    if settings.slack_signing_secret:
        async def slack_events(request: web.Request) -> web.Response:
            bolt_response = await bolt.async_dispatch(await to_bolt_request(request))
            if bolt_response.status == 401:
                log.warning("rejected a Slack request with a bad or stale signature from %s", request.remote)
            return await to_aiohttp_response(bolt_response)

        app.router.add_post(EVENTS_PATH, slack_events)
        log.info("Slack: Events API, commands and interactivity at POST %s", EVENTS_PATH)

    if settings.slack_socket_mode:
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
