"""Command groups of the `policybot` CLI; each module exposes `register(subparsers)`."""
from __future__ import annotations

import importlib

# Order is the order shown in `policybot --help`.
_NAMES = ["ask", "eval", "index", "bank", "db", "directory", "escalations", "reports", "audit", "worker", "insights", "serve", "doctor", "teams_package"]

COMMAND_MODULES = [importlib.import_module(f"bot.commands.{name}") for name in _NAMES]
