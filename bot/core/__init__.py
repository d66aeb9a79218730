"""The platform-free core of policybot: people, escalations, reports, notifications.

Adapters (Slack, Teams, CLI) build an `Assistant` (see `bot.core.app`) and call its
methods; everything they must show to people comes back as plain data (views and
`Notification`s), so each adapter only renders. See docs/core-api.md.
"""
