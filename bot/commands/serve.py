"""`policybot serve`: the chat server (Slack, Teams) with /healthz and the background jobs."""
from __future__ import annotations

import logging
import os

ANY_INTERFACE = "0.0.0.0"
LOOPBACK = "127.0.0.1"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "serve", help="run the chat server (Slack, Teams), health check and reminders",
        description="Serve POST /slack/events (and Teams, if configured) and GET /healthz on one port.")
    parser.add_argument("--host", default=None,
                        help=f"interface to listen on (default {ANY_INTERFACE}; {LOOPBACK} in Teams emulator mode, "
                             "which allows loopback addresses only)")
    parser.add_argument("--port", type=int, default=None,
                        help="port to listen on (default: $PORT, else 3000)")
    parser.add_argument("--socket-mode", action="store_true",
                        help="connect to Slack over Socket Mode (needs SLACK_APP_TOKEN; no public URL needed)")
    parser.add_argument("--log-level", default=None, help="DEBUG, INFO (default), WARNING...")
    parser.set_defaults(handler=_serve)


def _serve(args) -> int:
    from aiohttp import web

    from bot.platforms import is_loopback
    from bot.server import check_configuration, create_app
    from bot.settings import Settings

    level = (args.log_level or "INFO").upper()
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if level != "DEBUG":
        # sentence-transformers draws a progress bar per question at INFO; the access log is noise.
        # (What keeps request bodies out of the log is the HTTP edge, bot/slack/server.py.)
        for name in ("aiohttp.access", "sentence_transformers", "bm25s"):
            logging.getLogger(name).setLevel(logging.WARNING)
    log = logging.getLogger("policybot")
    settings = Settings.from_env()
    if args.socket_mode:
        settings = settings.model_copy(update={"slack_socket_mode": True})
    # --port stays out of Settings: PORT counts as set only when the environment sets it.
    port = args.port if args.port is not None else settings.port
    unauthenticated = [p.platform for p in check_configuration(settings) if p.configured and p.loopback_only]
    host = args.host or (LOOPBACK if unauthenticated else ANY_INTERFACE)
    if unauthenticated and not is_loopback(host):
        log.error("%s accepts unauthenticated requests (emulator mode), so it is served on this machine only: "
                  "--host %s is not a loopback address. Use --host %s (or ::1), or unset POLICYBOT_TEAMS_EMULATOR.",
                  " and ".join(unauthenticated), host, LOOPBACK)
        return 1
    if unauthenticated:
        log.warning("%s in emulator mode: listening on %s only (unauthenticated requests, this machine only)",
                    " and ".join(unauthenticated), host)
    app = create_app(settings)
    log.info("serving on http://%s:%d (pid %d)", host, port, os.getpid())
    web.run_app(app, host=host, port=port, print=None, access_log=None, handle_signals=True, shutdown_timeout=10)
    return 0
