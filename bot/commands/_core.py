"""Shared helpers for the admin commands that drive bot.core (not a command group itself)."""
from __future__ import annotations

import dataclasses
import enum
import json
import sys
from datetime import datetime
from functools import wraps
from typing import Any, Callable

from rich.console import Console
from rich.markup import escape

from bot.composition import build_assistant
from bot.core.app import Assistant
from bot.core.directory.model import Person
from bot.core.errors import CoreError, PermissionDenied
from bot.settings import Settings

console = Console()
err_console = Console(stderr=True)


def assistant_from_env() -> Assistant:
    return build_assistant(Settings.from_env())


def add_as_option(parser) -> None:
    parser.add_argument("--as", dest="as_email", metavar="EMAIL",
                        help="act as this person from the directory (default: the head teacher)")


def acting_person(assistant: Assistant, email: str | None) -> Person:
    directory = assistant.directory
    person = directory.get(email) if email else directory.head_teacher
    if person is None:
        who = email or "a head teacher"
        raise PermissionDenied(f"The staff directory lists no {who}; use --as EMAIL with someone listed.")
    return person


def handles_core_errors(handler: Callable[[Any], int]) -> Callable[[Any], int]:
    """Print a CoreError's sentence instead of a traceback."""

    @wraps(handler)
    def wrapper(args) -> int:
        try:
            return handler(args)
        except CoreError as exc:
            # One line however long (soft_wrap), and the sentence as written: it may quote a
            # question or clause with brackets in it, which must not be read as markup.
            err_console.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
            return 1

    return wrapper


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False) + "\n")


def when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""
