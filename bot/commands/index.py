"""`policybot index build|show`: build the clause index, or list its clauses.

`build` also reports the question banks' problems (`file:line: what is wrong`, one a line, on
stdout like `policybot directory check`) and then exits 1: the index is usable, but the
questions under a broken heading are left out of it until the bank is fixed.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from contextlib import contextmanager

from rich.console import Console
from rich.table import Table
from rich.text import Text

from bot.commands._index_loader import IndexOpenError, open_index, open_stored, report_error
from bot.commands._render import FORCE_STYLE
from bot.settings import Settings


def register(subparsers) -> None:
    parser = subparsers.add_parser("index", help="build the policy index or list its clauses",
                                   description="Build the policy clause index, or list its clauses.")
    actions = parser.add_subparsers(dest="index_command", metavar="ACTION")
    actions.required = True

    build = actions.add_parser("build", help="build the index (only if the policies changed, unless --force)")
    build.add_argument("--force", action="store_true", help="rebuild even if the index is up to date")
    build.set_defaults(handler=run_build)

    show = actions.add_parser("show", help="list the clauses of the index")
    show.add_argument("--json", action="store_true", help="print the clauses as a JSON array")
    show.set_defaults(handler=run_show)


def run_build(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    try:
        with _bank_warnings_muted():
            index, report = open_index(settings, rebuild=args.force, transient=False)
    except IndexOpenError as exc:
        return report_error(exc)
    manifest = index.stored.manifest
    problems = index.stored.problems
    console = Console(highlight=False)
    state = "Built" if report.built else "Up to date (use --force to rebuild)"
    table = Table(title=f"Policy index: {state}", title_justify="left", show_header=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("policies", f"{len(manifest['policies'])} ({', '.join(manifest['files'])})")
    table.add_row("clauses", str(manifest["clauses"]))
    table.add_row("views", str(manifest["views"]))
    table.add_row("question bank", _bank_summary(manifest))
    table.add_row("build seconds", f"{manifest['build_seconds']:.2f}" + ("" if report.built else " (last build)"))
    table.add_row("built at", manifest["built_at"])
    table.add_row("model", manifest["model_id"])
    table.add_row("stored in", str(settings.index_dir.resolve()))
    console.print(table)
    if problems:
        # Plain lines, not a table: editors and grep jump to file:line.
        for problem in problems:
            sys.stdout.write(f"{problem}\n")
        sys.stdout.write(f"{len(problems)} problem(s) in the question bank: those questions are not used "
                         "until they are fixed.\n")
        return 1
    return 0


def _bank_summary(manifest: dict) -> str:
    questions, not_covered = manifest.get("bank_questions", 0), manifest.get("bank_not_covered", 0)
    authors, problems = manifest.get("bank_authors") or [], manifest.get("bank_problems") or []
    if not questions and not not_covered and not problems:
        return "none (no <policy>.bank.md)"
    text = f"{questions} questions, {not_covered} not covered, {len(authors)} author(s)"
    return text + (f"; {len(problems)} problem(s), listed below" if problems else "")


@contextmanager
def _bank_warnings_muted():
    """A build logs each bank problem as a warning (for the server's log); this command prints
    them itself after the summary, so they are not shown twice."""
    store_log = logging.getLogger("index.store")

    def keep(record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("question bank:")

    store_log.addFilter(keep)
    try:
        yield
    finally:
        store_log.removeFilter(keep)


def run_show(args: argparse.Namespace) -> int:
    try:
        stored = open_stored()
    except IndexOpenError as exc:
        return report_error(exc)
    if args.json:
        records = [
            {"policy": c.policy_id, **c.to_json(), "group": c.group, "qualifiers": list(c.qualifiers)}
            for c in stored.clauses
        ]
        sys.stdout.write(json.dumps(records, ensure_ascii=True) + "\n")
        return 0
    several = len(stored.policies) > 1
    titles = ", ".join(p.title for p in stored.policies.values())
    table = Table(title=f"{len(stored.clauses)} clauses of {titles}", title_justify="left")
    if several:
        table.add_column("policy", no_wrap=True)
    table.add_column("id", no_wrap=True)
    table.add_column("force", no_wrap=True)
    table.add_column("heading")
    table.add_column("first words")
    for clause in stored.clauses:
        heading = f"{clause.heading} ({clause.group})" if clause.group else clause.heading
        table.add_row(*([clause.policy_id] if several else []), clause.id,
                      Text(clause.force.value, style=FORCE_STYLE[clause.force]), heading, _first_words(clause.text))
    Console(highlight=False).print(table)
    return 0


def _first_words(text: str, count: int = 8) -> str:
    words = text.split()
    return " ".join(words[:count]) + (" …" if len(words) > count else "")
