"""Slack adapter: Bolt listeners that translate Slack events to bot.core calls and core data to Block Kit."""
