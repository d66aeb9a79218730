"""`policybot db upgrade`: apply database migrations (also done on every start)."""
from __future__ import annotations

from bot.commands._core import console, handles_core_errors
from bot.core.storage.db import Database
from bot.core.storage.migrate import current_revision, upgrade
from bot.settings import Settings


def register(subparsers) -> None:
    parser = subparsers.add_parser("db", help="database maintenance")
    sub = parser.add_subparsers(dest="db_command", metavar="SUBCOMMAND")
    sub.required = True
    up = sub.add_parser("upgrade", help="apply pending migrations to DATABASE_URL")
    up.set_defaults(handler=_upgrade)


@handles_core_errors
def _upgrade(args) -> int:
    db = Database(Settings.from_env().database_url)
    try:
        upgrade(db)
        console.print(f"database at revision {current_revision(db)}")
    finally:
        db.dispose()
    return 0
