"""`policybot serve`: the chat server (Slack, Teams) with /healthz and the background jobs."""
from __future__ import annotations

import logging
import os


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "serve", help="run the chat server (Slack, Teams), health check and reminders",
        description="Serve POST /slack/events (and Teams, if configured) and GET /healthz on one port.")
    parser.add_argument("--host", default="0.0.0.0", help="interface to listen on (default 0.0.0.0)")
    parser.add_argument("--port", type=int, default=None,
                        help="port to listen on (default: $PORT, else 3000)")
    parser.add_argument("--socket-mode", action="store_true",
                        help="connect to Slack over Socket Mode (needs SLACK_APP_TOKEN; no public URL needed)")
    parser.add_argument("--log-level", default=None, help="DEBUG, INFO (default), WARNING...")
    parser.set_defaults(handler=_serve)


def _serve(args) -> int:
    from aiohttp import web

    from bot.server import create_app
    from bot.settings import Settings

    level = (args.log_level or "INFO").upper()
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if level != "DEBUG":
        # Bolt logs rejected request bodies (staff questions) at INFO; questions stay out of logs.
        # sentence-transformers draws a progress bar per question at INFO.
        for name in ("aiohttp.access", "slack_bolt", "sentence_transformers", "bm25s"):
            logging.getLogger(name).setLevel(logging.WARNING)
    settings = Settings.from_env()
    changes = {}
    if args.port is not None:
        changes["port"] = args.port
    if args.socket_mode:
        changes["slack_socket_mode"] = True
    settings = settings.model_copy(update=changes)
    if settings.slack_socket_mode and not (settings.slack_app_token and settings.slack_bot_token):
        logging.error("--socket-mode needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN; run `policybot doctor`")
        return 1
    app = create_app(settings)
    logging.getLogger("policybot").info("serving on http://%s:%d (pid %d)", args.host, settings.port, os.getpid())
    web.run_app(app, host=args.host, port=settings.port, print=None, access_log=None,
                handle_signals=True, shutdown_timeout=10)
    return 0
