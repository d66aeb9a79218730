"""When a policy's review is overdue: loose dates ("Spring 2025") are read as the end of their period."""
from __future__ import annotations

import datetime as dt

import pytest

from index.review import review_deadline, review_overdue
from index.search import PolicyIndex


@pytest.mark.parametrize(
    ("stated", "today", "overdue"),
    [
        ("Spring 2025", dt.date(2026, 11, 25), True),
        ("Spring 2025", dt.date(2025, 4, 1), False),
        ("Spring 2025", dt.date(2025, 5, 31), False),  # the last day of spring term is still on time
        ("Spring 2025", dt.date(2025, 6, 1), True),
        ("2025-03-31", dt.date(2025, 3, 31), False),
        ("2025-03-31", dt.date(2025, 4, 1), True),
        ("March 2025", dt.date(2025, 3, 20), False),
        ("March 2025", dt.date(2025, 4, 1), True),
        ("Autumn 2026", dt.date(2026, 11, 25), False),
        ("2027", dt.date(2026, 11, 25), False),
        ("to be confirmed", dt.date(2030, 1, 1), False),  # unreadable: never claimed overdue
        ("", dt.date(2030, 1, 1), False),
    ],
)
def test_review_overdue(stated, today, overdue):
    assert review_overdue(stated, today) is overdue


def test_unreadable_review_dates_have_no_deadline():
    assert review_deadline("when the head decides") is None
    review_deadline("2025-02-30")  # a malformed ISO date must not raise


def test_policy_review_state_follows_the_date_the_index_is_asked_on(policy_index):
    # The shipped policy says "Review Date – Spring 2025".
    assert policy_index.policy().review_date == "Spring 2025"
    late = PolicyIndex(policy_index.stored, policy_index.embedder, today=dt.date(2026, 11, 25))
    early = PolicyIndex(policy_index.stored, policy_index.embedder, today=dt.date(2025, 4, 1))
    assert late.policy().review_overdue is True
    assert early.policy().review_overdue is False
    assert late.ask("can I post photos of pupils on Facebook?").policy.review_overdue is True
