"""The school's calendar: its time zone decides the reference year and what counts as a working day.

Working days skip Saturdays and Sundays, judged in the school's own time zone, not UTC.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

_DAY = timedelta(days=1)


def local_year(when: datetime, tz: str) -> int:
    return when.astimezone(ZoneInfo(tz)).year


def _is_weekend(day: datetime) -> bool:
    return day.weekday() >= 5


def add_working_days(start: datetime, days: float, *, tz: str) -> datetime:
    """`start` plus `days` of working time (24 h per weekday), skipping weekends.

    Friday 10:00 + 1 working day = Monday 10:00; anything raised at the weekend starts
    counting on Monday at 00:00.
    """
    zone = ZoneInfo(tz)
    cursor = start.astimezone(zone).replace(tzinfo=None)  # wall-clock arithmetic in local time
    remaining = timedelta(days=days)
    while True:
        while _is_weekend(cursor):
            cursor = datetime.combine(cursor.date() + _DAY, time.min)
        if remaining <= timedelta(0):
            break
        midnight = datetime.combine(cursor.date() + _DAY, time.min)
        step = min(remaining, midnight - cursor)
        cursor += step
        remaining -= step
    return cursor.replace(tzinfo=zone).astimezone(timezone.utc)
