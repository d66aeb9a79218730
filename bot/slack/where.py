"""Where a reply can go for one Slack interaction (filled in by the listener that received it)."""
from __future__ import annotations


class Where:
    """Where a reply can go for one Slack interaction."""

    def __init__(self, *, user: str, channel: str | None = None, thread_ts: str | None = None, respond=None,
                 trigger_id: str | None = None, message_ts: str | None = None):
        self.user, self.channel, self.thread_ts = user, channel, thread_ts
        self.respond, self.trigger_id, self.message_ts = respond, trigger_id, message_ts

    @property
    def in_dm(self) -> bool:
        return bool(self.channel and str(self.channel).startswith("D"))
