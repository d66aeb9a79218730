"""`policybot reports list|show|close`: confidential reports, acting as the head teacher by default."""
from __future__ import annotations

from rich.table import Table

from bot.commands._core import acting_person, add_as_option, assistant_from_env, console, handles_core_errors, print_json, when
from bot.core.reports.types import ReportView


def register(subparsers) -> None:
    parser = subparsers.add_parser("reports", help="confidential breach and concern reports")
    sub = parser.add_subparsers(dest="reports_command", metavar="SUBCOMMAND")
    sub.required = True
    listing = sub.add_parser("list", help="list the reports you may see")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.add_argument("--open", action="store_true", help="only reports that are not closed")
    add_as_option(listing)
    listing.set_defaults(handler=_list)
    show = sub.add_parser("show", help="show one report")
    show.add_argument("ref", metavar="REF")
    show.add_argument("--json", action="store_true", help="print JSON")
    add_as_option(show)
    show.set_defaults(handler=_show)
    close = sub.add_parser("close", help="close a report with its outcome (the reporter is told, not the outcome)")
    close.add_argument("ref", metavar="REF")
    close.add_argument("--outcome", required=True, metavar="TEXT")
    add_as_option(close)
    close.set_defaults(handler=_close)


@handles_core_errors
def _list(args) -> int:
    assistant = assistant_from_env()
    actor = acting_person(assistant, args.as_email)
    views = assistant.list_reports(actor=actor, include_closed=not args.open)
    if args.json:
        print_json(views)
        return 0
    table = Table(title=f"Reports visible to {actor.name}")
    for column in ("Ref", "Status", "Received", "Category", "With"):
        table.add_column(column, overflow="fold")
    for v in views:
        table.add_row(v.ref, v.status.value, when(v.created_at), v.category.label, v.recipient.name)
    console.print(table)
    return 0


@handles_core_errors
def _show(args) -> int:
    assistant = assistant_from_env()
    view = assistant.get_report(actor=acting_person(assistant, args.as_email), ref=args.ref)
    if args.json:
        print_json(view)
    else:
        _print(view)
    return 0


@handles_core_errors
def _close(args) -> int:
    assistant = assistant_from_env()
    view = assistant.close_report(actor=acting_person(assistant, args.as_email), ref=args.ref, outcome=args.outcome)
    console.print(f"Report {view.ref} closed; the reporter has been told (without the outcome).", highlight=False)
    return 0


def _print(v: ReportView) -> None:
    table = Table(show_header=False, title=f"Report {v.ref}")
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    rows = [
        ("Status", v.status.value), ("Category", f"{v.category.label} (policy {v.category.clause})"),
        ("Received", when(v.created_at)), ("With", f"{v.recipient.name} ({v.recipient.role_label})"),
        ("Reported by", v.reporter.name if v.reporter else "(shown only to the recipient)"),
        ("What happened", v.what_happened), ("Where", v.where), ("When", v.when), ("Links", "\n".join(v.links)),
        ("People involved", "; ".join(filter(None, [", ".join(p.name for p in v.involved), v.involved_text]))),
        ("Acknowledged", when(v.acknowledged_at)), ("Investigating", when(v.investigating_at)),
        ("Closed", when(v.closed_at)), ("Outcome", v.outcome or ""), ("Routing", v.routing_note or ""),
    ]
    for label, value in rows:
        if value:
            table.add_row(label, value)
    console.print(table)
