"""`policybot eval FILE.jsonl`: score retrieval on a question set.

Prints the misses first and the figures table last, so `policybot eval FILE | tail -n 12`
shows the figures. `--no-hints` scores the index without the policy's hint phrasings.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from bot.commands._index_loader import IndexOpenError, open_index, report_error
from bot.commands._render import Indented
from bot.commands.ask import positive_int
from index.evaluation import EvalFileError, EvalReport, Miss, evaluate, read_items

# What the project aims for on the development set (shown beside the figures).
TARGETS = {"hit@1": (">=", 0.90), "recall@3": (">=", 0.97), "abstain": (">=", 0.90), "false_abstain": ("<=", 0.05)}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "eval",
        help="score retrieval on a question set (JSON lines)",
        description="Score the index on JSON-lines questions: q, evidence, optional answerable: false.",
    )
    parser.add_argument("file", type=Path, metavar="FILE.jsonl")
    parser.add_argument("--no-hints", action="store_true", help="evaluate without the policy's hint phrasings")
    parser.add_argument("--json", action="store_true", help="print figures and misses as one JSON object")
    parser.add_argument("--top-k", type=positive_int, default=3, metavar="N",
                        help="clauses ranked per question (default 3; recall is always @3)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        items = read_items(args.file)
    except EvalFileError as exc:
        return report_error(exc)
    except OSError as exc:
        return report_error(f"cannot read {args.file}: {exc.strerror or exc}")
    try:
        index, _ = open_index()
    except IndexOpenError as exc:
        return report_error(exc)
    if args.no_hints:
        index = index.with_tuning(use_hints=False)

    top_k = max(args.top_k, 3)
    started = time.perf_counter()
    report = evaluate(items, lambda q: index.ask(q, top_k=top_k))
    seconds = time.perf_counter() - started

    if args.json:
        payload = {"file": str(args.file), "hints": not args.no_hints, "figures": report.figures(),
                   "seconds": round(seconds, 3), "misses": [_miss_json(m) for m in report.misses]}
        sys.stdout.write(json.dumps(payload, ensure_ascii=True) + "\n")
        return 0

    console = Console(highlight=False)
    if report.misses:
        console.print(Text(f"Misses ({len(report.misses)})", style="bold"))
        for miss in report.misses:
            console.print(_miss_renderable(miss))
        console.print()
    hints = "without hints" if args.no_hints else "with hints"
    console.print(Text(f"{len(items)} questions in {seconds:.1f} s ({hints})", style="dim"))
    console.print(figures_table(report, title=f"Retrieval on {args.file.name}"))
    return 0


def figures_table(report: EvalReport, *, title: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("count", justify="right")
    table.add_column("target")
    rows = [
        ("hit@1", report.hit_at_1, f"{report.hits_at_1}/{report.answerable}"),
        ("recall@3", report.recall_at_3, f"{report.hits_at_3}/{report.answerable}"),
        ("abstain", report.abstain, f"{report.abstained_correctly}/{report.unanswerable}"),
        ("false_abstain", report.false_abstain, f"{report.false_abstentions}/{report.answerable}"),
    ]
    for name, value, count in rows:
        op, goal = TARGETS[name]
        met = value >= goal if op == ">=" else value <= goal
        mark = Text("ok", style="green") if met else Text("MISSED", style="bold red")
        table.add_row(name.replace("_", "-"), f"{value:.3f}", count, Text.assemble(f"{op} {goal:.2f} ", mark))
    table.add_row("questions", str(report.answerable + report.unanswerable),
                  f"{report.answerable} answerable, {report.unanswerable} not", "")
    return table


def _miss_renderable(miss: Miss) -> Group:
    item, answer = miss.item, miss.answer
    head = Text.assemble(("✗ ", "bold red"), (f"line {item.line}: ", "dim"), item.question)
    lines = [Text.assemble(("reason: ", "dim"), miss.reason)]
    ranked = ", ".join(f"{r.clause.id} ({r.score:.3f})" for r in answer.ranked[:3]) or "none"
    lines.append(Text.assemble(("top 3: ", "dim"), ranked))
    if item.evidence:
        lines.append(Text.assemble(("expected: ", "dim"), " | ".join(f'"{e}"' for e in item.evidence)))
    else:
        lines.append(Text.assemble(("expected: ", "dim"), "not covered (abstain)"))
    return Group(head, *(Indented(line) for line in lines))


def _miss_json(miss: Miss) -> dict:
    return {
        "line": miss.item.line,
        "question": miss.item.question,
        "reason": miss.reason,
        "expected": list(miss.item.evidence),
        "answerable": miss.item.answerable,
        "top": [{"id": r.clause.id, "score": round(r.score, 4)} for r in miss.answer.ranked[:3]],
    }
