"""`policybot audit REF`: every state change of an escalation or report."""
from __future__ import annotations

import json

from rich.table import Table

from bot.commands._core import acting_person, add_as_option, assistant_from_env, console, handles_core_errors, print_json, when


def register(subparsers) -> None:
    parser = subparsers.add_parser("audit", help="the audit trail of an escalation (E-…) or report (R-…)")
    parser.add_argument("ref", metavar="REF")
    parser.add_argument("--json", action="store_true", help="print JSON")
    add_as_option(parser)
    parser.set_defaults(handler=_audit)


@handles_core_errors
def _audit(args) -> int:
    assistant = assistant_from_env()
    entries = assistant.audit_trail(actor=acting_person(assistant, args.as_email), ref=args.ref)
    if args.json:
        print_json(entries)
        return 0
    table = Table(title=f"Audit trail of {args.ref.upper()}")
    for column in ("When", "Who", "What", "Before", "After"):
        table.add_column(column, overflow="fold")
    for e in entries:
        table.add_row(when(e.at), e.actor, e.action, _compact(e.before), _compact(e.after))
    console.print(table)
    return 0


def _compact(data: dict | None) -> str:
    return json.dumps(data, ensure_ascii=False) if data else ""
