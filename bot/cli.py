"""The `policybot` command: the composition root for command-line use.

Each command group lives in `bot/commands/<name>.py` and exposes `register(subparsers)`;
this module only wires them together, so adding a command never touches the others.
"""
from __future__ import annotations

import argparse
import os
import sys

from bot.commands import COMMAND_MODULES
from bot.settings import SettingsError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policybot",
        description="Answer staff questions from school policies; route queries and reports.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    # Nothing may fetch a model at run time: the weights ship inside a Python package.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except SettingsError as exc:  # a bad environment variable: its one-line message, not a traceback
        print(f"policybot: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
