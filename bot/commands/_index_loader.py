"""Open the policy index for a command: progress on stderr, one-line errors, one model per process.

Every command that needs the index goes through here, so they all report a malformed policy
file the same way (`file:line: message`, exit code 2) and never print a traceback for it.
"""
from __future__ import annotations

import logging
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from bot.settings import Settings
from index.embedding import Embedder
from index.policy_file import PolicyFormatError
from index.search import PolicyIndex
from index.store import IndexUnavailable, StoredIndex, load_or_build
from index.store import Progress as ProgressCallback

EXIT_ERROR = 2


class IndexOpenError(Exception):
    """The index could not be opened; `str()` is the one line to show."""


@lru_cache(maxsize=1)
def shared_embedder() -> Embedder:
    """The process's one embedding model: its weights never change, so loading it twice is waste."""
    return Embedder()


def stderr_console() -> Console:
    return Console(stderr=True)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is at the time (it may be redirected after set-up)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def configure_logging() -> None:
    """Index warnings (e.g. "index unreadable: rebuilding it") go to stderr, never stdout."""
    root = logging.getLogger()
    if not any(isinstance(h, _StderrHandler) for h in root.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("policybot: %(message)s"))
        handler.setLevel(logging.WARNING)
        root.addHandler(handler)


@dataclass
class BuildReport:
    """Whether opening the index had to build it."""

    built: bool = False


@contextmanager
def _progress(console: Console, *, transient: bool) -> Iterator[tuple[ProgressCallback, BuildReport]]:
    """A `progress(stage, done, total)` callback that draws one bar per build stage."""
    report = BuildReport()
    bars = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=transient,
    )
    tasks: dict[str, int] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if not report.built:
            report.built = True
            bars.start()
        if stage not in tasks:
            for task_id in tasks.values():  # a new stage means the earlier ones are finished
                task = bars.tasks[task_id]
                bars.update(task_id, completed=task.total)
            tasks[stage] = bars.add_task(stage.capitalize(), total=max(total, 1))
        bars.update(tasks[stage], completed=done, total=max(total, 1))

    try:
        yield progress, report
    finally:
        for task_id in tasks.values():
            bars.update(task_id, completed=bars.tasks[task_id].total)
        if report.built:
            bars.stop()


def _describe(exc: Exception) -> str:
    if isinstance(exc, PolicyFormatError):
        return f"malformed policy file {exc.path}:{exc.line}: {exc.message}"
    return f"cannot build the policy index: {exc}"


def open_index(settings: Settings | None = None, *, rebuild: bool = False,
               transient: bool = True) -> tuple[PolicyIndex, BuildReport]:
    """Load (building if needed) the searchable index; raise IndexOpenError with a one-line reason.

    `transient`: whether the build progress bars disappear when done (they do for `ask`)."""
    settings = settings or Settings.from_env()
    configure_logging()
    try:
        with _progress(stderr_console(), transient=transient) as (progress, report):
            index = PolicyIndex.load(policy_dir=settings.policy_dir, index_dir=settings.index_dir,
                                     progress=progress, embedder=shared_embedder(), rebuild=rebuild)
    except (PolicyFormatError, IndexUnavailable) as exc:
        raise IndexOpenError(_describe(exc)) from exc
    return index, report


def open_stored(settings: Settings | None = None) -> StoredIndex:
    """The stored clauses alone: no model is loaded unless the index has to be (re)built."""
    settings = settings or Settings.from_env()
    configure_logging()
    try:
        with _progress(stderr_console(), transient=True) as (progress, _):
            return load_or_build(policy_dir=settings.policy_dir, index_dir=settings.index_dir,
                                 embedder=shared_embedder(), progress=progress)
    except (PolicyFormatError, IndexUnavailable) as exc:
        raise IndexOpenError(_describe(exc)) from exc


def report_error(error: Exception | str) -> int:
    """Print a one-line error on stderr; returns the exit code for it."""
    stderr_console().print(f"[bold red]policybot: error:[/] {escape(str(error))}", highlight=False, soft_wrap=True)
    return EXIT_ERROR
