"""What a chat-platform adapter tells the server and `policybot doctor` about its configuration.

Each adapter's server module (`bot.slack.server`, `bot.teams.server`) exposes
`configuration(settings) -> PlatformConfiguration` next to `mount(app, ...)`. `bot.server`
mounts exactly the platforms that report `configured` and refuses to start while any reports
an error; `policybot doctor` prints the same reports. Only the adapter knows its rules.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.settings import Settings

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    message: str  # what is wrong, naming the variable
    fix: str  # what to do about it
    severity: str = ERROR  # ERROR: the server does not start until it is fixed; WARNING: it starts, but look


@dataclass(frozen=True)
class PlatformConfiguration:
    platform: str  # "Slack", "Teams"
    configured: bool  # the server mounts it
    mode: str  # how it is served ("HTTP: POST /slack/events"), or that it is not
    problems: tuple[Problem, ...] = ()
    # It accepts requests nobody authenticated, so the server must listen on loopback only.
    loopback_only: bool = False

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == WARNING)


def is_loopback(host: str | None) -> bool:
    """Whether `host` (an address or a URL's host name) is this machine only."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def production_signs(settings: Settings) -> list[str]:
    """Why this deployment looks like production (empty: it looks like a developer's machine).

    The rule (README "Local/emulator mode"): a Teams app id or password is set; a Slack
    credential is set and SLACK_API_URL is not on this machine (so it would talk to the real
    Slack); or PORT is set, as hosting platforms (Heroku, Render, Fly, Dokku) do.
    """
    signs = []
    teams = [Settings.variable(n) for n in ("microsoft_app_id", "microsoft_app_password") if getattr(settings, n)]
    if teams:
        signs.append(f"{' and '.join(teams)} set (a real Teams bot)")
    slack = [Settings.variable(n) for n in ("slack_bot_token", "slack_signing_secret", "slack_app_token")
             if getattr(settings, n)]
    if slack and not is_loopback(urlsplit(settings.slack_api_url or "").hostname):
        signs.append(f"{' and '.join(slack)} set for the real Slack (SLACK_API_URL is not on this machine)")
    if settings.was_set("port"):
        signs.append("PORT set (as a hosting platform does; use --port on a developer's machine)")
    return signs
