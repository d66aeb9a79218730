"""Configuration read from the environment: the only place that reads it (server and CLI pass it on)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import policy_text

DEFAULT_POLICY_DIR = Path(policy_text.__file__).resolve().parent


@dataclass(frozen=True)
class Settings:
    policy_dir: Path = DEFAULT_POLICY_DIR
    index_dir: Path = Path(".policybot/index")
    database_url: str = "sqlite:///policybot.db"
    directory_path: Path | None = None
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str | None = None
    microsoft_app_id: str | None = None
    microsoft_app_password: str | None = None
    microsoft_app_type: str = "MultiTenant"
    microsoft_app_tenant_id: str | None = None
    # Core workflow (bot/core): see "Queries, reports and the staff directory" in README.md.
    admin_emails: tuple[str, ...] = ()
    timezone: str = "Europe/London"
    escalation_reminder_days: float = 1.0
    escalation_quiet_days: float = 5.0
    report_ack_hours: float = 4.0
    notify_log: Path | None = None
    outbox_retry_seconds: float = 30.0  # first retry of a failed delivery (doubling, at most an hour)
    # Serving (bot/server.py, `policybot serve`).
    port: int = 3000
    slack_socket_mode: bool = False
    # Bot Connector used to open a Teams chat with someone who has not messaged the bot yet.
    teams_service_url: str = "https://smba.trafficmanager.net/teams/"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        env = dict(os.environ if env is None else env)

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        directory = get("POLICYBOT_DIRECTORY")
        notify_log = get("POLICYBOT_NOTIFY_LOG")

        def number(name: str, default: float) -> float:
            value = get(name)
            try:
                return float(value) if value else default
            except ValueError:
                raise SystemExit(f"{name} must be a number, not {value!r}") from None
        return cls(
            policy_dir=Path(get("POLICYBOT_POLICY_DIR") or DEFAULT_POLICY_DIR),
            index_dir=Path(get("POLICYBOT_INDEX_DIR") or ".policybot/index"),
            database_url=get("DATABASE_URL") or "sqlite:///policybot.db",
            directory_path=Path(directory) if directory else None,
            slack_bot_token=get("SLACK_BOT_TOKEN"),
            slack_signing_secret=get("SLACK_SIGNING_SECRET"),
            slack_app_token=get("SLACK_APP_TOKEN"),
            slack_api_url=get("SLACK_API_URL"),
            microsoft_app_id=get("MicrosoftAppId"),
            microsoft_app_password=get("MicrosoftAppPassword"),
            microsoft_app_type=get("MicrosoftAppType") or "MultiTenant",
            microsoft_app_tenant_id=get("MicrosoftAppTenantId"),
            admin_emails=tuple(e.strip().lower() for e in (get("POLICYBOT_ADMIN_EMAILS") or "").split(",") if e.strip()),
            timezone=get("POLICYBOT_TIMEZONE") or "Europe/London",
            escalation_reminder_days=number("POLICYBOT_ESCALATION_REMINDER_DAYS", 1.0),
            escalation_quiet_days=number("POLICYBOT_ESCALATION_QUIET_DAYS", 5.0),
            report_ack_hours=number("POLICYBOT_REPORT_ACK_HOURS", 4.0),
            notify_log=Path(notify_log) if notify_log else None,
            outbox_retry_seconds=number("POLICYBOT_OUTBOX_RETRY_SECONDS", 30.0),
            port=int(number("PORT", 3000)),
            slack_socket_mode=(get("SLACK_SOCKET_MODE") or "").lower() in {"1", "true", "yes", "on"},
            teams_service_url=get("POLICYBOT_TEAMS_SERVICE_URL") or cls.teams_service_url,
        )
