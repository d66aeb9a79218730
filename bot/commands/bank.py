"""`policybot bank pending|approve|reject|add`: the policy owner reviews the question bank.

    policybot bank pending [--json]          # suggestions learnt from use, awaiting review
    policybot bank approve 7                 # the bot answers that question with its clause
    policybot bank reject 7
    policybot bank add "can I like a parent's post?" 2.1.1     # or words quoted from the clause

Each command acts as the policy's owner: the directory's head teacher unless `--as EMAIL`.
Whether that person may review, what a suggestion shows and which clause words name all come
from the core (`Assistant.bank_*`); this module only parses arguments and prints the result.
The index is opened through `_index_loader`, like `ask`, so a malformed policy is one line.
"""
from __future__ import annotations

import argparse

from bot.commands._core import acting_person, add_as_option, console, handles_core_errors, print_json, when
from bot.commands._index_loader import IndexOpenError, open_index, report_error
from bot.composition import build_assistant
from bot.core.app import Assistant
from bot.core.bank.types import EntryView
from bot.settings import Settings


def entry_id(text: str) -> int:
    try:
        value = int(text.strip().lstrip("#"))  # `pending` shows ids as #7; accept that too
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an entry id (a number from `policybot bank pending`)") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not an entry id (a number from `policybot bank pending`)")
    return value


def register(subparsers) -> None:
    parser = subparsers.add_parser("bank", help="review the question bank: suggestions learnt from use",
                                   description="The policy owner reviews what the bot learns: questions staff "
                                               "asked and the clause that answered them.")
    sub = parser.add_subparsers(dest="bank_command", metavar="SUBCOMMAND")
    sub.required = True

    pending = sub.add_parser("pending", help="list suggested entries awaiting review")
    pending.add_argument("--json", action="store_true", help="print JSON")
    add_as_option(pending)
    pending.set_defaults(handler=_pending)

    for name, approve, what in (("approve", True, "teach the bot: answer this question with its clause"),
                                ("reject", False, "do not learn this suggestion")):
        decide = sub.add_parser(name, help=what)
        decide.add_argument("id", type=entry_id, help="the entry id shown by `policybot bank pending`")
        add_as_option(decide)
        decide.set_defaults(handler=_decide, approve=approve)

    add = sub.add_parser("add", help="add a question and the clause that answers it (approved at once)")
    add.add_argument("question", help="the question, in the words staff use")
    add.add_argument("clause", help="the clause: its id (e.g. 2.3.1, see `policybot index show`) "
                                    "or words quoted from it")
    add.add_argument("--policy", metavar="POLICY_ID", help="the policy, when several are indexed")
    add_as_option(add)
    add.set_defaults(handler=_add)


def _assistant() -> Assistant:
    """The core with the index opened the CLI way (shared model, progress on stderr)."""
    settings = Settings.from_env()
    index, _ = open_index(settings)
    return build_assistant(settings, index=index)


def _opened(handler):
    """Index problems as the one-line error every index command prints (exit 2)."""

    def run(args) -> int:
        try:
            return handler(args)
        except IndexOpenError as exc:
            return report_error(exc)

    return run


def _clause(entry: EntryView) -> str:
    if not entry.clause_in_policy:
        return f"{entry.clause_id} (no longer in the policy)"
    return f"{entry.clause_id} ({entry.clause_heading})" if entry.clause_heading else entry.clause_id


@_opened
@handles_core_errors
def _pending(args) -> int:
    assistant = _assistant()
    actor = acting_person(assistant, args.as_email)
    entries = assistant.bank_pending(actor=actor)
    if args.json:
        print_json(entries)
        return 0
    if not entries:
        console.print("Nothing to review: no suggested entries are waiting.")
        return 0
    # One entry per paragraph, not a table: the question is the long part, and a table's narrow
    # columns would break it (and the clause heading) over many lines at 80 columns.
    console.print(f"{len(entries)} suggested question-bank entries for {actor.name} to review:",
                  highlight=False, markup=False)
    for entry in entries:
        console.print()
        console.print(f"#{entry.id}  \u201c{entry.question}\u201d", highlight=False, markup=False)
        console.print(f"    answered by {_clause(entry)} \u00b7 {entry.source.label} \u00b7 {when(entry.created_at)}",
                      highlight=False, markup=False, style="dim")
    console.print()
    console.print("Approve with `policybot bank approve ID`, reject with `policybot bank reject ID`.",
                  highlight=False, markup=False)
    return 0


@_opened
@handles_core_errors
def _decide(args) -> int:
    assistant = _assistant()
    actor = acting_person(assistant, args.as_email)
    entry = assistant.bank_decide(actor=actor, entry_id=args.id, approve=args.approve)
    if args.approve:
        _print_learnt("Approved", entry)
    else:
        console.print(f"Rejected #{entry.id}: \u201c{entry.question}\u201d will not be learnt.",
                      highlight=False, markup=False)
    return 0


@_opened
@handles_core_errors
def _add(args) -> int:
    assistant = _assistant()
    actor = acting_person(assistant, args.as_email)
    entry = assistant.bank_add(actor=actor, question=args.question, clause_id=args.clause, policy_id=args.policy)
    _print_learnt("Added", entry)
    return 0


def _print_learnt(done: str, entry: EntryView) -> None:
    if not entry.clause_in_policy:
        console.print(f"{done} #{entry.id}, but no clause of the policy has the words of {entry.clause_id} any more, "
                      "so the bot cannot learn it; add the question again with the clause that answers it now.",
                      highlight=False, markup=False)
        return
    console.print(f"{done} #{entry.id}: the bot now answers \u201c{entry.question}\u201d with {_clause(entry)}.",
                  highlight=False, markup=False)
    # Every running server takes approved entries from the database within seconds (LearnedSync).
    console.print("A running server learns it within a few seconds; no restart or rebuild is needed.",
                  highlight=False, markup=False, style="dim")
