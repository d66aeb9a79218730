"""`policybot directory check [PATH]`: validate the staff directory CSV."""
from __future__ import annotations

from pathlib import Path

from bot.commands._core import err_console
from bot.core.directory import load_directory
from bot.settings import Settings


def register(subparsers) -> None:
    parser = subparsers.add_parser("directory", help="the staff directory (POLICYBOT_DIRECTORY)")
    sub = parser.add_subparsers(dest="directory_command", metavar="SUBCOMMAND")
    sub.required = True
    check = sub.add_parser("check", help="validate the directory CSV; each problem with its line number")
    check.add_argument("path", nargs="?", type=Path, help="CSV file (default: POLICYBOT_DIRECTORY)")
    check.set_defaults(handler=_check)


def _check(args) -> int:
    path = args.path or Settings.from_env().directory_path
    if path is None:
        err_console.print("error: give a PATH or set POLICYBOT_DIRECTORY")
        return 2
    try:
        directory = load_directory(path)
    except (OSError, UnicodeDecodeError) as exc:
        err_console.print(f"error: cannot read {path}: {exc}")
        return 2
    # Plain lines in the compiler-error style (file:line: message), so editors and grep can use them.
    for problem in directory.problems:
        print(f"{path}:{problem.line}: {problem.message}" if problem.line else f"{path}: {problem.message}")
    if directory.problems:
        print(f"{len(directory.problems)} problem(s) in {path}")
        return 1
    print(f"{path}: OK, {len(directory.people)} people")
    return 0
