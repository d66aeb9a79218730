"""Human-readable references (R-2026-0007, E-2026-0012), allocated safely under concurrency."""
from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.core.storage.models import RefCounter


def next_ref(session: Session, *, kind: str, year: int) -> str:
    """Allocate the next number for (kind, year) inside the caller's transaction.

    The UPDATE takes a row lock held until commit, so concurrent allocators queue
    instead of reusing a number; a rolled-back transaction gives its number back.
    """
    if session.get(RefCounter, (kind, year)) is None:
        try:
            with session.begin_nested():
                session.add(RefCounter(kind=kind, year=year, value=0))
        except IntegrityError:
            pass  # another transaction created the year's counter first
    value = session.execute(
        update(RefCounter)
        .where(RefCounter.kind == kind, RefCounter.year == year)
        .values(value=RefCounter.value + 1)
        .returning(RefCounter.value)
    ).scalar_one()
    return f"{kind}-{year}-{value:04d}"
