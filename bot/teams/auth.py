"""Authenticating requests to `/api/messages` with botbuilder, failing closed and fast.

With an app id configured, a request is processed only with a valid Bot Framework token.
Tokens that cannot be Bot Framework tokens (no header, not a JWT, `alg` other than RS256, no
key id, an issuer the channel never uses) are refused before botbuilder is involved, so no
network call is made for them. The rest go to botbuilder's own validation, which fetches the
signing keys with blocking `requests` calls: that runs in a worker thread under a time limit,
and any failure, including a network failure, is a refusal (401), never a 500 or a hang.
"""
from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import threading
from dataclasses import dataclass

import jwt
import requests
from botbuilder.schema import Activity
from botframework.connector.auth import AuthenticateRequestResult, BotFrameworkAuthentication

from bot.platforms import Problem

log = logging.getLogger(__name__)

# Issuers of tokens the Bot Framework channels (and the Emulator) send to bots.
_ISSUERS = (
    "https://api.botframework.com",
    "https://api.botframework.us",
    "https://sts.windows.net/",
    "https://login.microsoftonline.com/",
    "https://login.microsoftonline.us/",
)


class Unauthorized(Exception):
    """The request must be refused with 401; `str()` says why (for the log, not the caller)."""


@dataclass(frozen=True)
class BotFrameworkConfig:
    """The configuration object botbuilder's `Configuration*` classes read (attribute names fixed)."""

    APP_ID: str | None = None
    APP_PASSWORD: str | None = None
    APP_TYPE: str = "MultiTenant"
    APP_TENANTID: str | None = None

    @classmethod
    def from_settings(cls, settings) -> "BotFrameworkConfig":
        return cls(APP_ID=settings.microsoft_app_id, APP_PASSWORD=settings.microsoft_app_password,
                   APP_TYPE=settings.microsoft_app_type or "MultiTenant", APP_TENANTID=settings.microsoft_app_tenant_id)

    @property
    def auth_enabled(self) -> bool:
        return bool(self.APP_ID)

    def problems(self) -> list[Problem]:
        """Configuration botbuilder would reject with an unhelpful error (or silently misread)."""
        kind = (self.APP_TYPE or "MultiTenant").lower()
        found = []
        if kind not in ("multitenant", "singletenant", "userassignedmsi"):
            found.append(Problem(f"MicrosoftAppType must be MultiTenant, SingleTenant or UserAssignedMSI, not {self.APP_TYPE!r}",
                                 "Azure Bot > Configuration > Type of App"))
        if kind in ("singletenant", "userassignedmsi") and not (self.APP_ID and self.APP_TENANTID):
            found.append(Problem(f"MicrosoftAppType={self.APP_TYPE} needs MicrosoftAppId and MicrosoftAppTenantId",
                                 "set MicrosoftAppTenantId to the App Tenant ID (Azure Bot > Configuration)"))
        if kind in ("multitenant", "singletenant") and self.APP_ID and not self.APP_PASSWORD:
            found.append(Problem("MicrosoftAppId is set but MicrosoftAppPassword is not: the bot could not reply",
                                 "Azure Bot > Configuration > Manage Password > New client secret"))
        if self.APP_PASSWORD and not self.APP_ID:
            found.append(Problem("MicrosoftAppPassword is set but MicrosoftAppId is not",
                                 "set MicrosoftAppId to the Microsoft App ID (Azure Bot > Configuration)"))
        return found


def _segment(part: str) -> dict:
    padded = part + "=" * (-len(part) % 4)
    value = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def precheck(auth_header: str | None) -> None:
    """Refuse, without any network call, what cannot be a Bot Framework channel token."""
    if not auth_header:
        raise Unauthorized("no Authorization header")
    scheme, _, token = auth_header.partition(" ")
    if scheme != "Bearer" or not token or " " in token.strip():
        raise Unauthorized("not a Bearer token")
    parts = token.strip().split(".")
    if len(parts) != 3 or not all(parts):
        raise Unauthorized("not a signed JWT")
    try:
        header, payload = _segment(parts[0]), _segment(parts[1])
    except (ValueError, UnicodeError, binascii.Error) as exc:
        raise Unauthorized(f"malformed JWT ({exc.__class__.__name__})") from None
    if header.get("alg") != "RS256":
        raise Unauthorized(f"JWT algorithm {header.get('alg')!r} not accepted")
    if not header.get("kid"):
        raise Unauthorized("JWT has no key id")
    issuer = payload.get("iss")
    if not isinstance(issuer, str) or not issuer.startswith(_ISSUERS):
        raise Unauthorized("JWT issuer is not a Bot Framework issuer")


# What botbuilder raises for tokens it cannot validate, besides PermissionError: PyJWT errors,
# `requests` errors while fetching keys, and bare `Exception`s (endorsement checks) or lookups
# that fail on a key id it does not know (IndexError/KeyError).
_AUTH_FAILURES = (PermissionError, jwt.PyJWTError, requests.RequestException, ValueError, KeyError,
                  IndexError, TypeError, AttributeError)


async def authenticate(auth: BotFrameworkAuthentication, config: BotFrameworkConfig, activity: Activity,
                       auth_header: str | None, *, timeout: float = 10.0) -> AuthenticateRequestResult:
    """Authenticate one request; raises `Unauthorized` for every way it can fail."""
    if not config.auth_enabled:
        # Local/emulator mode: botbuilder grants an anonymous identity to header-less requests.
        return await auth.authenticate_request(activity, None)
    precheck(auth_header)

    def run() -> AuthenticateRequestResult:  # own loop: botbuilder blocks on `requests` here
        return asyncio.run(auth.authenticate_request(activity, auth_header))

    try:
        return await asyncio.wait_for(_in_daemon_thread(run), timeout=timeout)
    except asyncio.TimeoutError:
        raise Unauthorized(f"token validation took longer than {timeout:.0f}s") from None
    except _AUTH_FAILURES as exc:
        raise Unauthorized(f"{exc.__class__.__name__}: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - botbuilder raises bare Exception for bad endorsements
        if type(exc) is Exception:
            raise Unauthorized(f"Exception: {exc}") from None
        raise


def _in_daemon_thread(fn) -> asyncio.Future:
    """Like `asyncio.to_thread`, but a thread stuck on the network cannot hold up shutdown."""
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def settle(result, error) -> None:
        if not future.done():
            future.set_exception(error) if error is not None else future.set_result(result)

    def target() -> None:
        try:
            outcome = (fn(), None)
        except BaseException as exc:  # handed to the awaiting coroutine
            outcome = (None, exc)
        try:
            loop.call_soon_threadsafe(settle, *outcome)
        except RuntimeError:
            pass  # the loop is gone; nobody is waiting

    threading.Thread(target=target, name="teams-auth", daemon=True).start()
    return future
