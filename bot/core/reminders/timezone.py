"""The school's local calendar: which year a reference belongs to."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def local_year(when: datetime, tz: str) -> int:
    return when.astimezone(ZoneInfo(tz)).year
