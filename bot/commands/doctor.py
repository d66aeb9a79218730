"""`policybot doctor`: is this installation configured? Says what is missing and how to fix it."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bot.settings import Settings

OK, WARN, ERROR, SKIP = "ok", "warning", "error", "not used"
NOT_SERVED = "not served"  # a platform whose errors (the rows below it) keep the server from starting
_STYLE = {OK: "green", WARN: "yellow", ERROR: "bold red", SKIP: "dim", NOT_SERVED: "red"}


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    detail: str
    fix: str = ""


def register(subparsers) -> None:
    parser = subparsers.add_parser("doctor", help="check the configuration and say what is missing",
                                   description="Check environment variables, chat platforms, database, directory "
                                               "and policy index, as `policybot serve` would use them.")
    parser.add_argument("--socket-mode", action="store_true",
                        help="check as `policybot serve --socket-mode` would run (Slack over Socket Mode)")
    parser.set_defaults(handler=_doctor)


def chat_checks(s: Settings) -> list[Check]:
    """One row per platform as its adapter reports it, one per problem, and an error if none is served."""
    from bot.server import configurations  # loads the adapters (slack_bolt, botbuilder): only when needed

    found = configurations(s)
    checks: list[Check] = []
    for platform in found:
        status = NOT_SERVED if platform.errors else OK if platform.configured else SKIP
        checks.append(Check(platform.platform, status, platform.mode))
        for problem in platform.problems:
            checks.append(Check(platform.platform, ERROR if problem.severity == "error" else WARN, problem.message,
                                problem.fix))
    if not any(platform.configured for platform in found):
        checks.append(Check("Chat platform", ERROR, "no chat platform is configured",
                            "set SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET (see 'Slack app set-up' in README.md), "
                            "or MicrosoftAppId + MicrosoftAppPassword ('Microsoft Teams app set-up')"))
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


def bank_check(s: Settings) -> Check:
    """The question banks' problems, as the last build of the index found them (doctor loads no
    model, so an index out of date with the banks is not checked: `index build` does that)."""
    from index.embedding import MODEL_ID
    from index.store import IndexUnavailable, content_hash, policy_files

    try:
        files = policy_files(s.policy_dir)
        manifest = json.loads((Path(s.index_dir) / "manifest.json").read_text(encoding="utf-8"))
        current = manifest.get("content_hash") == content_hash(files) and manifest.get("model_id") == MODEL_ID
    except (IndexUnavailable, OSError, ValueError):
        current = False
    if not current:
        return Check("Question bank", SKIP, "checked when the index is built", "`policybot index build`")
    problems = list(manifest.get("bank_problems") or ())
    if problems:
        shown = "; ".join(problems[:3]) + ("; …" if len(problems) > 3 else "")
        return Check("Question bank", WARN, f"{len(problems)} problem(s), their questions are not used: {shown}",
                     "fix those lines of the .bank.md file; `policybot index build` lists them all")
    if not manifest.get("bank_questions") and not manifest.get("bank_not_covered"):
        return Check("Question bank", WARN, "no questions: answers use the clause text alone (less accurate)",
                     "add a <policy>.bank.md beside the policy (see policy_text/)")
    return Check("Question bank", OK, f"{manifest['bank_questions']} questions, {manifest.get('bank_not_covered', 0)} "
                                      f"not covered, no problems")


def run_checks(settings: Settings) -> list[Check]:
    return [*chat_checks(settings), database_check(settings), directory_check(settings), index_check(settings),
            bank_check(settings)]


def _doctor(args) -> int:
    settings = Settings.from_env()
    if args.socket_mode:
        settings = settings.model_copy(update={"slack_socket_mode": True})
    checks = run_checks(settings)
    table = Table(title="policybot doctor", title_justify="left")
    for column in ("Check", "Status", "Detail", "How to fix"):
        table.add_column(column, overflow="fold")
    for check in checks:
        table.add_row(check.name, f"[{_STYLE[check.status]}]{check.status}[/]", escape(check.detail), escape(check.fix))
    console = Console(highlight=False)
    console.print(table)
    failed = [c for c in checks if c.status == ERROR]
    if failed:
        console.print(f"[bold red]{len(failed)} setting(s) missing or wrong: `policybot serve` would not work as "
                      "configured.[/] See .env.example and README.md.")
        return 1
    console.print("[green]Ready to `policybot serve`.[/]")
    return 0
