"""`python -m tests.support.core_config_cli serve ...`: the `policybot` command with some
CoreConfig fields overridden from the JSON in $POLICYBOT_TEST_CORE_CONFIG.

Only end-to-end tests use it, to scale a reproduction down (a 4 s outbox lease instead of the
default) without adding a setting that production would never need. An unknown field
makes the server exit at start, so a renamed field cannot silently stop applying.
"""
from __future__ import annotations

import dataclasses
import json
import os
import sys

CORE_CONFIG_ENV = "POLICYBOT_TEST_CORE_CONFIG"


def apply(overrides: dict) -> None:
    from bot.core import app
    from bot.core.config import CoreConfig

    dataclasses.replace(CoreConfig(), **overrides)  # fail now on an unknown field
    original = app.Assistant.__init__

    def init(self, *args, config=None, **kwargs):
        original(self, *args, config=dataclasses.replace(config or CoreConfig(), **overrides), **kwargs)

    app.Assistant.__init__ = init


if __name__ == "__main__":
    apply(json.loads(os.environ.get(CORE_CONFIG_ENV) or "{}"))
    from bot.cli import main

    sys.exit(main())
