"""Making user-supplied text safe to put into a Slack message.

Slack's mrkdwn treats `<...>` as control sequences (`<!channel>`, `<@U123>`, `<https://x|y>`)
and `&` as the start of an entity, so user text is escaped before it is put anywhere the
bot posts; nobody can make the bot ping `@channel`, `@here` or a person.
"""
from __future__ import annotations

import re

# "@channel" typed as plain text does not ping (we never send link_names), but a zero-width
# joiner after the "@" makes sure no client or future parse mode ever turns it into one.
_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_ZWJ = "\u2060"


def escape(text: str | None) -> str:
    """Escape `&`, `<`, `>` (in that order) and defuse broadcast words."""
    if not text:
        return ""
    text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda m: "@" + _ZWJ + m.group(1), text)


def quote(text: str | None) -> str:
    """Escaped text as a Slack block quote (every line prefixed with `>`)."""
    return "\n".join("&gt; " + line if line else "&gt;" for line in escape(text).splitlines() or [""])


def truncate(text: str, limit: int, *, marker: str = "…") -> str:
    """Cut `text` to at most `limit` characters, at a word boundary where possible."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - len(marker))]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    # Never leave half an entity (e.g. "&am") at the end.
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut.rstrip() + marker


_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_SPECIAL = re.compile(r"<!([a-z]+)(?:\^[^|>]*)?(?:\|([^>]*))?>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")


def plain_question(text: str | None, *, bot_user_id: str | None = None) -> str:
    """Turn Slack message markup into the plain question a person typed.

    `<@BOT>` is dropped, other mentions become `@U123`, `<!here>` becomes `@here`, links
    keep their label (or URL), and entities are decoded. The result is plain text for the
    core; it is escaped again whenever it is shown.
    """
    text = text or ""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    text = _MENTION.sub(lambda m: "@" + m.group(1), text)
    text = _SPECIAL.sub(lambda m: "@" + (m.group(2) or m.group(1)).lstrip("@"), text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return re.sub(r"[ \t]+", " ", text).strip()
