"""`policybot worker`: deliver notifications and run reminders without a chat server."""
from __future__ import annotations

import asyncio
import logging
import signal

from bot.commands._core import assistant_from_env, console, handles_core_errors


def register(subparsers) -> None:
    parser = subparsers.add_parser("worker", help="run the notification dispatcher and reminders")
    parser.add_argument("--once", action="store_true", help="run due jobs and deliver once, then exit")
    parser.add_argument("--interval", type=float, default=5.0, metavar="SECONDS",
                        help="how often to look for notifications to deliver (default 5)")
    parser.set_defaults(handler=_worker)


@handles_core_errors
def _worker(args) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    assistant = assistant_from_env()
    if args.once:
        jobs = assistant.run_due_jobs()
        sent = asyncio.run(assistant.dispatcher().run_once())
        console.print(f"jobs: {jobs}\ndelivery: {sent}", highlight=False)
        return 0
    asyncio.run(_run(assistant, args.interval))
    return 0


async def _run(assistant, interval: float) -> None:
    background = assistant.background(interval_seconds=interval)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, background.request_stop)
    await background.run_until_stopped()
