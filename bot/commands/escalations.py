"""`policybot escalations list [--json]`: the queries visible to the acting person."""
from __future__ import annotations

from rich.table import Table

from bot.commands._core import acting_person, add_as_option, assistant_from_env, console, handles_core_errors, print_json, when


def register(subparsers) -> None:
    parser = subparsers.add_parser("escalations", help="policy queries passed to line managers")
    sub = parser.add_subparsers(dest="escalations_command", metavar="SUBCOMMAND")
    sub.required = True
    listing = sub.add_parser("list", help="list queries asked by or routed to you")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.add_argument("--open", action="store_true", help="only queries that are not closed")
    add_as_option(listing)
    listing.set_defaults(handler=_list)


@handles_core_errors
def _list(args) -> int:
    assistant = assistant_from_env()
    actor = acting_person(assistant, args.as_email)
    views = assistant.list_escalations(actor=actor, include_closed=not args.open)
    if args.json:
        print_json(views)
        return 0
    table = Table(title=f"Queries visible to {actor.name}")
    for column in ("Ref", "Status", "Asked", "From", "With", "Question"):
        table.add_column(column, overflow="fold")
    for v in views:
        table.add_row(v.ref, v.status.value, when(v.created_at), v.asker.name, v.recipient.name,
                      v.question if len(v.question) <= 80 else v.question[:77] + "...")
    console.print(table)
    return 0
