"""Configuration read from the environment: the only place that reads it (server and CLI pass it on).

One field per environment variable; its alias is the variable's name and its default is written
here, once. Settings for the core's rules take their defaults from `CoreConfig`, so a default
changed there is the default here too.

`Settings(...)` takes values only (field names or variable names) and never looks at the
environment, so tests are not affected by the developer's shell. `Settings.from_env()` reads
the environment; a bad value raises `SettingsError`, whose message is one line naming the
variable (the CLI prints it instead of a traceback).
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, EnvSettingsSource, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

import policy_text
from bot.core.config import CoreConfig

DEFAULT_POLICY_DIR = Path(policy_text.__file__).resolve().parent

# Values of these are never repeated in an error message.
_SECRET_WORDS = ("TOKEN", "SECRET", "PASSWORD")


class SettingsError(ValueError):
    """A variable has a value that cannot be used; `str()` is one line naming it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        frozen=True,
        case_sensitive=True,  # the names are exactly as documented (MicrosoftAppId, not MICROSOFTAPPID)
        validate_by_name=True,  # Settings(database_url=...) in code, DATABASE_URL from the environment
        validate_by_alias=True,
        extra="ignore",
    )

    # -- data ------------------------------------------------------------------------------
    database_url: str = Field("sqlite:///policybot.db", alias="DATABASE_URL")
    directory_path: Path | None = Field(None, alias="POLICYBOT_DIRECTORY")
    policy_dir: Path = Field(DEFAULT_POLICY_DIR, alias="POLICYBOT_POLICY_DIR")
    index_dir: Path = Field(Path(".policybot/index"), alias="POLICYBOT_INDEX_DIR")
    notify_log: Path | None = Field(None, alias="POLICYBOT_NOTIFY_LOG")

    # -- the core's rules (bot/core/config.py; README "Queries, reports and the staff directory")
    # NoDecode: a comma-separated list, not the JSON pydantic-settings expects for a tuple.
    admin_emails: Annotated[tuple[str, ...], NoDecode] = Field(CoreConfig.admin_emails, alias="POLICYBOT_ADMIN_EMAILS")
    timezone: str = Field(CoreConfig.timezone, alias="POLICYBOT_TIMEZONE")
    escalation_reminder_days: float = Field(CoreConfig.escalation_reminder_working_days, ge=0,
                                            alias="POLICYBOT_ESCALATION_REMINDER_DAYS")
    escalation_quiet_days: float = Field(CoreConfig.escalation_quiet_working_days, ge=0,
                                         alias="POLICYBOT_ESCALATION_QUIET_DAYS")
    report_ack_hours: float = Field(CoreConfig.report_ack_hours, ge=0, alias="POLICYBOT_REPORT_ACK_HOURS")
    # Zero would retry a failing delivery in a busy loop.
    outbox_retry_seconds: float = Field(CoreConfig.outbox_backoff_seconds, gt=0, alias="POLICYBOT_OUTBOX_RETRY_SECONDS")

    # -- Slack (bot/slack) ----------------------------------------------------------------
    # Secrets have repr=False, so a logged or printed Settings never shows them.
    slack_bot_token: str | None = Field(None, alias="SLACK_BOT_TOKEN", repr=False)
    slack_signing_secret: str | None = Field(None, alias="SLACK_SIGNING_SECRET", repr=False)
    slack_app_token: str | None = Field(None, alias="SLACK_APP_TOKEN", repr=False)
    slack_socket_mode: bool = Field(False, alias="SLACK_SOCKET_MODE")
    slack_api_url: str | None = Field(None, alias="SLACK_API_URL")  # None: Slack's own (bot/slack/client.py)

    # -- Microsoft Teams (bot/teams): the Bot Framework's own variable names ------------------
    microsoft_app_id: str | None = Field(None, alias="MicrosoftAppId")
    microsoft_app_password: str | None = Field(None, alias="MicrosoftAppPassword", repr=False)
    microsoft_app_type: str = Field("MultiTenant", alias="MicrosoftAppType")
    microsoft_app_tenant_id: str | None = Field(None, alias="MicrosoftAppTenantId")
    # None: the Teams adapter's default Bot Connector (bot/teams/proactive.py).
    teams_service_url: str | None = Field(None, alias="POLICYBOT_TEAMS_SERVICE_URL")
    # Unauthenticated /api/messages on loopback, for the Bot Framework Emulator and tests; off unless
    # switched on (it used to be whatever a missing MicrosoftAppId implied).
    teams_emulator: bool = Field(False, alias="POLICYBOT_TEAMS_EMULATOR")

    # -- serving (`policybot serve`) ------------------------------------------------------------
    port: int = Field(3000, ge=1, le=65535, alias="PORT")

    @field_validator("admin_emails", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.split(",")
        if isinstance(value, (list, tuple)):
            emails = tuple(str(e).strip().lower() for e in value if str(e).strip())
            for email in emails:
                if "@" not in email:
                    raise ValueError(f"{email!r} is not an e-mail address (comma-separated list expected)")
            return emails
        return value

    @field_validator("timezone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (an IANA name such as Europe/London)") from None
        return value

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource) -> tuple[PydanticBaseSettingsSource, ...]:
        # Only what the caller passes: the environment is read by `from_env`, explicitly.
        return (init_settings,)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        """The settings from `env` (default: the process environment). Empty values count as unset."""
        source = _Environment(cls, os.environ if env is None else env)
        try:
            return cls(**source())
        except ValidationError as exc:
            raise SettingsError(_one_line(exc)) from None

    def was_set(self, name: str) -> bool:
        """Whether the setting `name` (a field name) was given, rather than left at its default."""
        return name in self.model_fields_set

    @classmethod
    def variable(cls, name: str) -> str:
        """The environment variable of field `name` (for messages)."""
        return cls.model_fields[name].alias or name


class _Environment(EnvSettingsSource):
    """pydantic-settings' environment source (type parsing, aliases) over a given mapping."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]):
        # Only the documented names: with validate_by_name pydantic-settings would also take `port`
        # or `database_url` from the environment. "" or spaces mean "not set", as in a .env file
        # with `SLACK_APP_TOKEN=` left empty.
        names = {field.alias for field in settings_cls.model_fields.values()}
        self._environ = {k: v.strip() for k, v in environ.items() if k in names and isinstance(v, str) and v.strip()}
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return self._environ


def _one_line(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors(include_url=False):
        name = ".".join(str(part) for part in error["loc"]) or "settings"
        message = str(error["msg"]).removeprefix("Value error, ")
        shown = "" if any(w in name.upper() for w in _SECRET_WORDS) else f"={error.get('input')!s}"
        problems.append(f"{name}{shown}: {message}")
    return "; ".join(problems)
