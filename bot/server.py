"""The one aiohttp application behind `policybot serve`, for every chat platform.

- `GET /healthz`: 200 `{"status": "ok"}` once the policy index and model are loaded, 503 before.
- Each configured platform mounts its routes (Slack: `POST /slack/events`; Teams: `POST /api/messages`).
  Which are configured, each adapter says itself (`configuration(settings)`); a platform that is
  not configured has no routes at all, and a configuration error stops the server.
- The core's background work (outbox delivery, reminders) runs for the app's lifetime.

Adding a platform = importing its adapter's server module and adding it to `PLATFORMS`.
"""
from __future__ import annotations

import asyncio
import logging
import time

from aiohttp import web

import bot.slack.server
import bot.teams.server
from bot.core.app import Assistant
from bot.core.scheduler import BackgroundTasks
from bot.platforms import PlatformConfiguration
from bot.settings import Settings, SettingsError

log = logging.getLogger(__name__)

# How often the outbox is polled: notifications should feel immediate in chat.
DELIVERY_INTERVAL_SECONDS = 1.0

# Each exposes configuration(settings) -> PlatformConfiguration and mount(app, *, settings, assistant, ready).
PLATFORMS = (bot.slack.server, bot.teams.server)

ASSISTANT = web.AppKey("assistant", Assistant)
SETTINGS = web.AppKey("settings", Settings)
INDEX_READY = web.AppKey("index_ready", asyncio.Event)
STATE = web.AppKey("server_state", dict)  # {"error": str | None, "platforms": [...], "ready_seconds": float}
BACKGROUND = web.AppKey("background", BackgroundTasks)


def configurations(settings: Settings) -> list[PlatformConfiguration]:
    """What each platform adapter says about its configuration (`policybot doctor` prints these)."""
    return [platform.configuration(settings) for platform in PLATFORMS]


def check_configuration(settings: Settings) -> list[PlatformConfiguration]:
    """The platforms' configurations; SettingsError, one line, if any reports an error."""
    found = configurations(settings)
    errors = [f"{c.platform}: {p.message} ({p.fix})" for c in found for p in c.errors]
    if errors:
        raise SettingsError("; ".join(errors) + " (see `policybot doctor`)")
    return found


def create_app(settings: Settings, *, assistant: Assistant | None = None) -> web.Application:
    statuses = check_configuration(settings)  # before anything is built: a bad configuration changes nothing
    if assistant is None:
        from bot.composition import build_assistant

        assistant = build_assistant(settings)
    app = web.Application()
    app[SETTINGS] = settings
    app[ASSISTANT] = assistant
    app[INDEX_READY] = asyncio.Event()
    app[STATE] = {"error": None, "platforms": []}
    app.router.add_get("/healthz", healthz)
    for platform, status in zip(PLATFORMS, statuses, strict=True):
        for problem in status.warnings:
            log.warning("%s: %s (%s)", status.platform, problem.message, problem.fix)
        if not status.configured:
            continue
        platform.mount(app, settings=settings, assistant=assistant, ready=app[INDEX_READY])
        app[STATE]["platforms"].append(status.platform.lower())
        log.info("platform %s mounted: %s", status.platform, status.mode)
    if not app[STATE]["platforms"]:
        log.warning("no chat platform configured: serving /healthz only (see `policybot doctor`)")
    app[BACKGROUND] = assistant.background(interval_seconds=DELIVERY_INTERVAL_SECONDS)
    app.cleanup_ctx.append(_warm_up)
    app.cleanup_ctx.append(_background)
    return app


async def healthz(request: web.Request) -> web.Response:
    app = request.app
    if app[INDEX_READY].is_set():
        return web.json_response({"status": "ok"})
    error = app[STATE]["error"]
    return web.json_response({"status": "error" if error else "starting", **({"error": error} if error else {})},
                             status=503)


def _load_index_and_model(assistant: Assistant) -> None:
    answerer = assistant.answerer  # loads (or builds) the clause index
    answerer.encode(["warm up"])  # and makes sure the embedding model is in memory


async def _warm_up(app: web.Application):
    """Load the index and model in a worker thread, so the port opens at once."""
    started = time.perf_counter()

    async def load() -> None:
        try:
            await asyncio.get_running_loop().run_in_executor(None, _load_index_and_model, app[ASSISTANT])
        except Exception as exc:
            log.exception("loading the policy index failed")
            app[STATE]["error"] = f"{exc.__class__.__name__}: {exc}"
            return
        app[STATE]["ready_seconds"] = round(time.perf_counter() - started, 2)
        app[INDEX_READY].set()
        log.info("policy index and model loaded in %.1fs: ready", app[STATE]["ready_seconds"])

    task = asyncio.create_task(load(), name="policybot-warm-up")
    yield
    if not task.done():
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def _background(app: web.Application):
    background = app[BACKGROUND]
    await background.start()
    yield
    await background.stop()
