"""Pure functions from core data to Block Kit JSON (messages, modals, App Home).

Nothing here talks to Slack or decides workflow: buttons come from the core's `actions`,
text is escaped with `bot.slack.escape`, and Slack's size limits are respected.
"""
