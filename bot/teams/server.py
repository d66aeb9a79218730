"""Mounts the Teams endpoint on the `policybot serve` aiohttp app: `POST /api/messages`
through botbuilder's `CloudAdapter`, plus the Teams notifier for the outbox dispatcher.

`configuration(settings)` says whether Teams is configured and how: with `MicrosoftAppId`
(every request needs a Bot Framework token), or in emulator mode (`POLICYBOT_TEAMS_EMULATOR=true`:
no authentication, this machine only). Otherwise there is no `/api/messages` at all.
"""
from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import web
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from msrest.exceptions import DeserializationError

from bot.core.app import Assistant
from bot.platforms import WARNING, PlatformConfiguration, Problem, production_signs
from bot.settings import Settings
from bot.teams.auth import BotFrameworkConfig, Unauthorized, authenticate, precheck
from bot.teams.bot import PolicyBot
from bot.teams.notifier import TeamsNotifier
from bot.teams.proactive import ProactiveSender
from bot.teams.references import DatabaseReferenceStore, ReferenceStore
from bot.teams.replies import text_activity

log = logging.getLogger(__name__)

ROUTE = "/api/messages"
APP_KEY = web.AppKey("policybot.teams", object)
SORRY = "Sorry, something went wrong on my side. Please try again in a moment."


@dataclass
class TeamsEndpoint:
    config: BotFrameworkConfig
    auth: ConfigurationBotFrameworkAuthentication
    adapter: CloudAdapter
    bot: PolicyBot
    notifier: TeamsNotifier
    store: ReferenceStore

    async def handle(self, request: web.Request) -> web.Response:
        # The HTTP edge: who may call (401), then what the body must be (400), before botbuilder
        # sees anything. Nothing of the body is logged.
        auth_header = request.headers.get("Authorization")
        try:
            if self.config.auth_enabled:
                precheck(auth_header)  # before reading the body: refuse anonymous callers cheaply
            else:
                local_only(request)
            activity = await _read_activity(request)
            if not self.config.auth_enabled:
                local_service_url(activity)
            result = await authenticate(self.auth, self.config, activity, auth_header)
        except Unauthorized as exc:
            log.warning("Teams: refused a request to %s from %s: %s", ROUTE, request.remote, exc)
            return web.Response(status=401, text="Unauthorized")
        except Malformed as exc:
            log.warning("Teams: refused a malformed request to %s from %s: %s", ROUTE, request.remote, exc)
            return web.Response(status=400, text="expected a Bot Framework activity")
        invoke = await self.adapter.process_activity(result, activity, self.bot.on_turn)
        if invoke:
            return web.json_response(data=invoke.body, status=invoke.status)
        return web.Response(status=201)


class Malformed(Exception):
    """The body is not an activity botbuilder can process (400); `str()` says why, never what it held."""


def configuration(settings: Settings) -> PlatformConfiguration:
    """Whether Teams is configured, in which mode, and what is wrong (with how to fix it)."""
    config = BotFrameworkConfig.from_settings(settings)
    if settings.teams_emulator:
        signs = production_signs(settings)
        mode = f"emulator: POST {ROUTE} WITHOUT authentication, from this machine only"
        if signs:
            problem = Problem("POLICYBOT_TEAMS_EMULATOR=true, but this looks like a production deployment: "
                              + "; ".join(signs),
                              "unset POLICYBOT_TEAMS_EMULATOR (emulator mode is for a developer's machine and tests)")
        else:
            problem = Problem(f"POLICYBOT_TEAMS_EMULATOR=true: anyone on this machine can post to {ROUTE} as any "
                              "staff member", "fine for the Bot Framework Emulator and tests; never in production",
                              WARNING)
        return PlatformConfiguration("Teams", configured=not signs, mode=mode, problems=(problem,), loopback_only=True)
    problems = tuple(config.problems())
    if not (config.APP_ID or problems):
        return PlatformConfiguration("Teams", configured=False,
                                     mode=f"not configured (MicrosoftAppId not set: no {ROUTE})")
    return PlatformConfiguration("Teams", configured=bool(config.APP_ID) and not problems,
                                 mode=f"Bot Framework: POST {ROUTE} for app id {config.APP_ID} ({config.APP_TYPE})"
                                 if config.APP_ID else "not served (see below)", problems=problems)


_LOOPBACK = {"127.0.0.1", "::1", "localhost"}
_FORWARDED = ("Forwarded", "X-Forwarded-For", "X-Real-IP")


def local_only(request: web.Request) -> None:
    """Emulator mode serves this machine only: nobody else may act as any staff member."""
    if request.remote not in _LOOPBACK or any(h in request.headers for h in _FORWARDED):
        raise Unauthorized("emulator mode serves this machine only, and the request is not from it")


def local_service_url(activity: Activity) -> None:
    """...and replies only go back to this machine (a remote serviceUrl would receive them)."""
    try:
        host = urlsplit(activity.service_url or "").hostname
    except ValueError:  # e.g. "http://[::1": not a URL at all
        host = None
    if host not in _LOOPBACK:
        raise Unauthorized("emulator mode only replies to a serviceUrl on this machine")


# Fields botbuilder reads without checking (a turn, and the error reply, dereference them):
# the value must be a JSON object with a string "id".
_ACCOUNTS = ("conversation", "from")


def activity_problem(body: object) -> str | None:
    """Why `body` (parsed JSON) is not an activity botbuilder can take a turn on, or None."""
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    if not isinstance(body.get("type"), str) or not body["type"]:
        return "no activity type"
    if not isinstance(body.get("serviceUrl"), str) or not body["serviceUrl"]:
        return "no serviceUrl"
    for name in _ACCOUNTS:
        account = body.get(name)
        if not isinstance(account, dict) or not isinstance(account.get("id"), str) or not account["id"]:
            return f"no {name}.id"
    entities = body.get("entities") or []
    if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
        return "entities is not a list of objects"
    # botbuilder's mention removal indexes `mentioned` and `text` without a check.
    for entity in entities:
        if entity.get("type") == "mention" and not (isinstance(entity.get("mentioned"), dict)
                                                    and isinstance(entity.get("text", ""), str)):
            return "a mention entity without a mentioned account"
    return None


async def _read_activity(request: web.Request) -> Activity:
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(text="expected application/json")
    raw = await request.read()
    try:
        body = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise Malformed("the body is not UTF-8") from None
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python can parse
        raise Malformed("the body is not valid JSON") from None
    problem = activity_problem(body)
    if problem:
        raise Malformed(problem)
    try:
        return Activity().deserialize(body)
    except (DeserializationError, ValueError, TypeError, AttributeError, KeyError) as exc:
        raise Malformed(f"botbuilder cannot read it ({exc.__class__.__name__})") from None


def build(*, settings: Settings, assistant: Assistant, store: ReferenceStore | None = None) -> TeamsEndpoint:
    """The endpoint for `settings`; ValueError, naming the variables, unless Teams is configured."""
    status = configuration(settings)
    if not status.configured:
        raise ValueError("Teams configuration: " + ("; ".join(p.message for p in status.errors) or status.mode))
    config = BotFrameworkConfig.from_settings(settings)
    auth = ConfigurationBotFrameworkAuthentication(config)
    adapter = CloudAdapter(auth)
    store = store or DatabaseReferenceStore(assistant)
    sender = ProactiveSender(adapter=adapter, app_id=config.APP_ID, store=store, service_url=settings.teams_service_url,
                             tenant_id=settings.microsoft_app_tenant_id)
    bot = PolicyBot(assistant=assistant, store=store, sender=sender)

    async def on_error(turn: TurnContext, error: Exception) -> None:
        log.error("Teams turn failed", exc_info=error)
        await turn.send_activity(text_activity(SORRY))

    adapter.on_turn_error = on_error
    return TeamsEndpoint(config=config, auth=auth, adapter=adapter, bot=bot, notifier=TeamsNotifier(sender),
                         store=store)


def mount(app: web.Application, *, settings: Settings, assistant: Assistant,
          ready: asyncio.Event | None = None) -> TeamsEndpoint:
    """Register `POST /api/messages` and the Teams notifier; returns the endpoint (for tests).

    `ready` is accepted like every adapter's mount; Teams turns need no wait for it."""
    endpoint = build(settings=settings, assistant=assistant)
    assistant.notifiers.register(endpoint.notifier)
    app.router.add_post(ROUTE, endpoint.handle)
    app[APP_KEY] = endpoint
    if endpoint.config.auth_enabled:
        log.info("Teams: %s accepts Bot Framework requests for app id %s (%s)", ROUTE, endpoint.config.APP_ID,
                 endpoint.config.APP_TYPE)
    else:
        log.warning("!!! Teams EMULATOR MODE (POLICYBOT_TEAMS_EMULATOR=true): %s accepts UNAUTHENTICATED requests "
                    "and anyone who can post to it acts as any staff member. Served to this machine only "
                    "(loopback). Never use it in production: unset POLICYBOT_TEAMS_EMULATOR and set "
                    "MicrosoftAppId and MicrosoftAppPassword to serve Microsoft Teams. !!!", ROUTE)
    return endpoint
