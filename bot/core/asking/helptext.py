"""What the assistant says when greeted or asked for help: the same words on every surface,
with each platform adding only how to reach it there (slash commands, mentions...)."""
from __future__ import annotations

INTRO = (
    "I answer questions about the school's policies by quoting the clause that applies, with its "
    "section number, so you can check it yourself. Ask a question in your own words, for example:"
)

EXAMPLE_QUESTIONS = (
    "Can I accept a friend request from a pupil's parent?",
    "Am I allowed to check Facebook on a work laptop?",
    "Can I post photos from the school trip on my Instagram?",
    "What happens if I break the social networking policy?",
)
