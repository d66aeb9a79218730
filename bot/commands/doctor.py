"""`policybot doctor`: is this installation configured? Says what is missing and how to fix it."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bot.settings import Settings

OK, WARN, ERROR, SKIP = "ok", "warning", "missing", "not used"
_STYLE = {OK: "green", WARN: "yellow", ERROR: "bold red", SKIP: "dim"}


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    detail: str
    fix: str = ""


def register(subparsers) -> None:
    parser = subparsers.add_parser("doctor", help="check the configuration and say what is missing",
                                   description="Check environment variables, database, directory and policy index.")
    parser.set_defaults(handler=_doctor)


def _set(value) -> str:
    return "set" if value else "not set"


def chat_checks(s: Settings) -> list[Check]:
    checks: list[Check] = []
    http = bool(s.slack_bot_token and s.slack_signing_secret)
    socket = bool(s.slack_bot_token and s.slack_app_token)
    teams = bool(s.microsoft_app_id and s.microsoft_app_password)
    any_slack = any((s.slack_bot_token, s.slack_signing_secret, s.slack_app_token))
    if http:
        checks.append(Check("Slack (HTTP)", OK, "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET set; POST /slack/events"))
    elif any_slack and not socket:
        missing = [n for n, v in (("SLACK_BOT_TOKEN", s.slack_bot_token), ("SLACK_SIGNING_SECRET", s.slack_signing_secret)) if not v]
        checks.append(Check("Slack (HTTP)", ERROR, f"{', '.join(missing)} not set",
                            "Slack app > Basic Information > Signing Secret; OAuth & Permissions > Bot User OAuth Token (xoxb-)"))
    else:
        checks.append(Check("Slack (HTTP)", SKIP, "SLACK_BOT_TOKEN / SLACK_SIGNING_SECRET not set"))
    if socket:
        checks.append(Check("Slack (Socket Mode)", OK, "SLACK_BOT_TOKEN and SLACK_APP_TOKEN set: `policybot serve --socket-mode`"))
    elif s.slack_app_token or s.slack_socket_mode:
        missing = [n for n, v in (("SLACK_BOT_TOKEN", s.slack_bot_token), ("SLACK_APP_TOKEN", s.slack_app_token)) if not v]
        checks.append(Check("Slack (Socket Mode)", ERROR, f"{', '.join(missing)} not set",
                            "Slack app > Basic Information > App-Level Tokens: create one with connections:write (xapp-)"))
    else:
        checks.append(Check("Slack (Socket Mode)", SKIP, "SLACK_APP_TOKEN not set (only needed without a public URL)"))
    for name, value, prefix in (("SLACK_BOT_TOKEN", s.slack_bot_token, "xoxb-"), ("SLACK_APP_TOKEN", s.slack_app_token, "xapp-")):
        if value and not value.startswith(prefix):
            checks.append(Check(name, WARN, f"does not start with {prefix}", f"copy the {prefix} token from the Slack app settings"))
    if s.slack_api_url:
        checks.append(Check("SLACK_API_URL", WARN if not s.slack_api_url.startswith("https://") else OK,
                            f"Web API at {s.slack_api_url} (for tests; leave unset in production)"))
    if teams:
        tenant_ok = s.microsoft_app_type != "SingleTenant" or s.microsoft_app_tenant_id
        checks.append(Check("Teams", OK if tenant_ok else ERROR,
                            "MicrosoftAppId and MicrosoftAppPassword set; POST /api/messages"
                            if tenant_ok else "MicrosoftAppType=SingleTenant but MicrosoftAppTenantId not set",
                            "" if tenant_ok else "set MicrosoftAppTenantId to the Azure AD tenant id"))
    elif s.microsoft_app_id or s.microsoft_app_password:
        missing = [n for n, v in (("MicrosoftAppId", s.microsoft_app_id), ("MicrosoftAppPassword", s.microsoft_app_password)) if not v]
        checks.append(Check("Teams", ERROR, f"{', '.join(missing)} not set", "Azure Bot > Configuration (app id and a client secret)"))
    else:
        checks.append(Check("Teams", SKIP, "MicrosoftAppId / MicrosoftAppPassword not set"))
    if not (http or socket or teams):
        checks.append(Check("Chat platform", ERROR, "no chat platform is fully configured",
                            "set SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET (see 'Slack app set-up' in README.md), or the Teams variables"))
    return checks


def database_check(s: Settings) -> Check:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    try:
        url = make_url(s.database_url.replace("postgres://", "postgresql://", 1))
    except Exception as exc:
        return Check("DATABASE_URL", ERROR, f"not a database URL: {exc}", "e.g. postgresql://user:pass@host/db or sqlite:///policybot.db")
    shown = url.render_as_string(hide_password=True)
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        if url.database and not path.exists():
            # Connecting would create the file; doctor changes nothing.
            if not path.resolve().parent.is_dir():
                return Check("DATABASE_URL", ERROR, f"{shown}: folder {path.resolve().parent} does not exist",
                             "create it or change DATABASE_URL")
            return Check("DATABASE_URL", OK, f"{shown}: will be created on first start (SQLite: fine for one server)")
    try:
        from bot.core.storage.db import Database

        db = Database(s.database_url)
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        db.dispose()
    except Exception as exc:
        return Check("DATABASE_URL", ERROR, f"{shown}: cannot connect ({exc.__class__.__name__})",
                     "check the URL, the password and that the database server is running")
    note = " (SQLite: fine for one server; use PostgreSQL for several)" if url.get_backend_name() == "sqlite" else ""
    return Check("DATABASE_URL", OK, f"{shown} reachable{note}")


def directory_check(s: Settings) -> Check:
    from bot.core.directory import load_directory

    if s.directory_path is None:
        return Check("POLICYBOT_DIRECTORY", ERROR, "not set: escalations and reports cannot be routed",
                     "point it at the staff CSV: name,email,role,line_manager_email,slack_user_id,teams_user_id")
    try:
        directory = load_directory(s.directory_path)
    except (OSError, UnicodeDecodeError) as exc:
        return Check("POLICYBOT_DIRECTORY", ERROR, f"{s.directory_path}: cannot read ({exc})", "check the path and permissions")
    if not directory.people:
        problems = "; ".join(map(str, directory.problems[:3]))
        return Check("POLICYBOT_DIRECTORY", ERROR, f"{s.directory_path}: no usable rows ({problems})", "fix the CSV (`policybot directory check`)")
    detail = f"{s.directory_path}: {len(directory.people)} people"
    if directory.head_teacher is None:
        return Check("POLICYBOT_DIRECTORY", ERROR, detail + ", but no head_teacher", "add the head teacher (role head_teacher)")
    if directory.problems:
        shown = "; ".join(map(str, directory.problems[:3])) + ("; …" if len(directory.problems) > 3 else "")
        return Check("POLICYBOT_DIRECTORY", WARN, f"{detail}; {len(directory.problems)} problem(s): {shown}", "`policybot directory check` lists them all")
    return Check("POLICYBOT_DIRECTORY", OK, detail)


def index_check(s: Settings) -> Check:
    from index.embedding import MODEL_ID
    from index.policy_file import PolicyFormatError, read_policy
    from index.store import IndexUnavailable, content_hash, policy_files

    try:
        files = policy_files(s.policy_dir)
        for path in files:
            read_policy(path)
    except IndexUnavailable as exc:
        return Check("Policy index", ERROR, str(exc), "set POLICYBOT_POLICY_DIR to the folder of policy .md files")
    except PolicyFormatError as exc:
        return Check("Policy index", ERROR, str(exc), "fix the policy file at that line")
    manifest_path = Path(s.index_dir) / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Check("Policy index", WARN, f"not built yet in {s.index_dir} ({len(files)} policy file(s) found)",
                     "`policybot index build` (else the server builds it on start, ~10 s)")
    if manifest.get("content_hash") != content_hash(files) or manifest.get("model_id") != MODEL_ID:
        return Check("Policy index", WARN, f"{s.index_dir} is out of date with the policy text",
                     "`policybot index build` (else the server rebuilds it on start)")
    return Check("Policy index", OK, f"{s.index_dir}: {manifest.get('clauses', '?')} clauses from {len(files)} policy file(s)")


def run_checks(settings: Settings) -> list[Check]:
    return [*chat_checks(settings), database_check(settings), directory_check(settings), index_check(settings)]


def _doctor(args) -> int:
    checks = run_checks(Settings.from_env())
    table = Table(title="policybot doctor", title_justify="left")
    for column in ("Check", "Status", "Detail", "How to fix"):
        table.add_column(column, overflow="fold")
    for check in checks:
        table.add_row(check.name, f"[{_STYLE[check.status]}]{check.status}[/]", escape(check.detail), escape(check.fix))
    console = Console(highlight=False)
    console.print(table)
    failed = [c for c in checks if c.status == ERROR]
    if failed:
        console.print(f"[bold red]{len(failed)} required setting(s) missing or broken.[/] See .env.example and README.md.")
        return 1
    console.print("[green]Ready to `policybot serve`.[/]")
    return 0
