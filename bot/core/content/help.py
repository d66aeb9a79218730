"""What the assistant says when greeted, thanked or asked for help: the same words everywhere,
each platform adding only how to reach the bot there (slash commands, mentions, typed commands)."""
from __future__ import annotations

from bot.core.content.model import Bullets, Card, Paragraph, Tone
from bot.core.directory.model import Platform

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

# How to reach the bot on each platform: the only per-platform wording.
HOW_TO = {
    Platform.SLACK: ("Message me directly, mention me in a channel (I reply in a thread), or use /policy "
                     "followed by your question (only you see the answer). If the policy doesn't settle it, "
                     "press \u201cAsk my line manager\u201d. To report a concern in confidence, use "
                     "/policy-report, the \u201cReport a concern\u201d shortcut, or \u201cReport this "
                     "message\u201d on a message."),
    Platform.TEAMS: ("Message me here, or mention me in a channel (I reply in the thread). Type \u201creport\u201d "
                     "to report a concern in confidence, \u201cmy queries\u201d for your questions to your line "
                     "manager, or \u201cmy reports\u201d for the reports you made."),
    Platform.CLI: "policybot ask \"your question\" answers from the policies; policybot --help lists the rest.",
}

# What a person can type instead of a question, with what it does: read by the conversation (to
# recognise them) and by each platform's command menu (Teams' manifest), so the two cannot disagree.
COMMANDS = (
    ("report", "Report a concern in confidence"),
    ("my queries", "See your questions to your line manager and their answers"),
    ("my reports", "See the reports you made and where each one stands"),
    ("suggestions", "Policy owners: review what staff have taught the bot"),
    ("help", "What I can do, with example questions"),
)
COMMAND_ALIASES = {"review suggestions": "suggestions"}


def help_card(platform: Platform) -> Card:
    return Card(title="How to ask me about the policy",
                blocks=(Paragraph(INTRO), Bullets(EXAMPLE_QUESTIONS, italic=True),
                        Paragraph(HOW_TO.get(platform, ""), Tone.SUBTLE)),
                summary="How to ask me about the policy")


def greeting_card(platform: Platform) -> Card:
    return Card(title="Hello!",
                blocks=(Paragraph(f"Ask me about the school's policies in your own words, for example: "
                                  f"\u201c{EXAMPLE_QUESTIONS[0]}\u201d Type \u201chelp\u201d for more."),),
                summary="Hello! Ask me about the school's policies.")


def thanks_card() -> Card:
    return Card(title="You're welcome!", blocks=(Paragraph("Ask again any time."),), summary="You're welcome!")


def notice_card(text: str, *, title: str = "") -> Card:
    return Card(title=title, blocks=(Paragraph(text),), summary=text)
