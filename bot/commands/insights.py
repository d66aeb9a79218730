"""`policybot insights [--days N] [--json]`: how staff use the policies (from the anonymous log)."""
from __future__ import annotations

from rich.table import Table

from bot.commands._core import assistant_from_env, console, handles_core_errors, print_json, when


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "insights", help="how the policies are used: questions, answers, clauses, gaps (no names)")
    parser.add_argument("--days", type=int, default=90, help="look back this many days (default 90)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=_insights)


@handles_core_errors
def _insights(args) -> int:
    report = assistant_from_env().insights(days=max(1, args.days))
    if args.json:
        print_json(report)
        return 0
    console.print(f"Since {when(report.since)}: {report.questions} questions, {report.answered} answered from "
                  f"the policy ({report.answered_share:.0%}), {report.not_covered} not covered.")
    clauses = Table(title="Clauses most often given as the answer")
    for column in ("Clause", "Answers", "Helpful", "Not helpful"):
        clauses.add_column(column)
    for use in report.top_clauses:
        clauses.add_row(use.clause_id, str(use.asked), str(use.helpful), str(use.not_helpful))
    console.print(clauses)
    missed = Table(title="Recent questions the policy did not cover (consider them at the next review)")
    missed.add_column("Question", overflow="fold")
    for question in report.not_covered_questions:
        missed.add_row(question)
    console.print(missed)
    return 0
