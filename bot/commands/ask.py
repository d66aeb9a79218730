"""`policybot ask`: answer a question (or a file of questions) from the policies.

    policybot ask "can I friend a parent who is my cousin?"
    policybot ask --json --top-k 5 "can I post photos of the children?"
    policybot ask --json --batch questions.txt      # or --batch - for stdin

With `--batch`, every input line gives exactly one output line, in order: a blank line is
answered too (status "empty", answered false), so outputs can be zipped with the inputs.
Progress and warnings go to stderr; with `--json` stdout carries only JSON.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Iterator

from rich.console import Console
from rich.rule import Rule
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from bot.commands._index_loader import IndexOpenError, open_index, report_error, stderr_console
from bot.commands._render import answer_json, card_renderable, render_answer
from bot.core.asking.types import AskResult
from bot.core.bank import service as bank
from bot.core.content.answers import chosen_clause_card
from bot.core.storage.db import Database
from bot.settings import Settings


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "ask",
        help="answer a question from the policies",
        description="Answer a question by quoting the policy clause(s) that apply.",
    )
    parser.add_argument("question", nargs="*", help="the question (quotes optional)")
    parser.add_argument("--json", action="store_true", help="print the answer as one JSON object")
    parser.add_argument("--top-k", type=positive_int, default=3, metavar="N",
                        help="how many ranked clauses to return (default 3)")
    parser.add_argument("--batch", metavar="FILE",
                        help="answer every line of FILE ('-' for stdin), one output per input line")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.batch is not None and args.question:
        return report_error("give either a question or --batch FILE, not both")
    try:
        questions = list(_batch_lines(args.batch)) if args.batch is not None else [" ".join(args.question)]
    except OSError as exc:
        return report_error(f"cannot read {args.batch}: {exc.strerror or exc}")
    try:
        index, _ = open_index()
    except IndexOpenError as exc:
        return report_error(exc)
    _learn_approved(index)

    console = Console(highlight=False)
    for question in questions:
        answer = index.ask(question, top_k=args.top_k)
        if args.json:
            sys.stdout.write(answer_json(answer) + "\n")
            sys.stdout.flush()
        else:
            if len(questions) > 1:
                console.print(Rule(_title(question), style="dim"))
            render_answer(answer, console)
            if answer.alternatives and len(questions) == 1 and sys.stdin.isatty() and sys.stdout.isatty():
                _offer_choice(index, answer, console)
    return 0


def _learn_approved(index) -> None:
    """Answer as the server does: with the question-bank entries the policy owner approved, when
    this machine's database holds any. `ask` never creates or migrates a database, and a missing
    or unreachable one only means answering from the policy files alone."""
    url = Settings.from_env().database_url
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
            return
        db = Database(url)
        try:
            taken, _ = bank.learn_approved(db=db, answerer=index)
        finally:
            db.engine.dispose()
    except (SQLAlchemyError, ArgumentError, ValueError, OSError) as exc:
        stderr_console().print(f"policybot: answering without approved bank entries ({exc.__class__.__name__})",
                               markup=False, highlight=False)
        return
    if taken:
        stderr_console().print(f"policybot: {taken} approved question-bank entries learnt", markup=False,
                               highlight=False)


def _offer_choice(index, answer, console: Console) -> None:
    """"Did you mean ...?" at a terminal: pick a number to see that clause with its qualifiers."""
    try:
        picked = input(f"Show one of these instead? Type 1-{len(answer.alternatives)}, or Enter to skip: ").strip()
    except EOFError:
        return
    if not picked.isdigit() or not 1 <= int(picked) <= len(answer.alternatives):
        return
    clause = answer.alternatives[int(picked) - 1]
    card = chosen_clause_card(clause, index.qualifiers_of(clause), index.policy(clause.policy_id),
                              result=AskResult(answer=answer))
    console.print()
    console.print(card_renderable(card))


def _title(question: str, limit: int = 70) -> str:
    question = " ".join(question.split()) or "(blank line)"
    return question if len(question) <= limit else question[: limit - 1] + "…"


def _batch_lines(path: str) -> Iterator[str]:
    """The lines of FILE (or stdin), decoded leniently: a stray byte never stops a batch."""
    if path == "-":
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
    else:
        with open(path, "rb") as handle:
            data = handle.read()
    text = data.decode("utf-8-sig", errors="replace")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line does not start another
    for line in lines:
        yield line.removesuffix("\r")
