"""When is a policy's review due? Policies state dates loosely ("Spring 2025", "March 2025", "2025-03-31")."""
from __future__ import annotations

import calendar
import datetime as dt
import re

# The last day of each school term/season, so a review is overdue only once its period has passed.
_SEASON_END = {"spring": (5, 31), "summer": (8, 31), "autumn": (12, 31), "fall": (12, 31), "winter": (2, 28)}
_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})


def review_deadline(text: str) -> dt.date | None:
    """The last day on which a review stated as `text` is still on time; None if unreadable."""
    text = (text or "").strip().lower()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None  # e.g. 2025-02-30: unreadable, not "some time in 2025"
    year_match = re.search(r"\b(19|20)\d{2}\b", text)
    if not year_match:
        return None
    year = int(year_match.group(0))
    for season, (month, day) in _SEASON_END.items():
        if season in text:
            if season == "winter":
                return dt.date(year + 1, 2, calendar.monthrange(year + 1, 2)[1])
            return dt.date(year, month, day)
    for name, month in _MONTHS.items():
        if re.search(rf"\b{name}\b", text):
            return dt.date(year, month, calendar.monthrange(year, month)[1])
    return dt.date(year, 12, 31)


def review_overdue(text: str, today: dt.date) -> bool:
    deadline = review_deadline(text)
    return deadline is not None and today > deadline
