"""Slash commands (`/policy QUESTION`, `/policy-report`) and the "Report a concern" shortcut."""
from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp

from bot.core.forms import REPORT_FORM
from bot.slack.blocks.answer import HELP_TEXT
from bot.slack.blocks.forms import form_modal
from bot.slack.escape import plain_question

log = logging.getLogger(__name__)

POLICY_COMMAND = "/policy"
REPORT_COMMAND = "/policy-report"
REPORT_SHORTCUT = "report_concern"


async def open_report_form(adapter, trigger_id: str) -> None:
    try:
        await adapter.client.views_open(trigger_id=trigger_id, view=form_modal(REPORT_FORM))
    except Exception:
        log.exception("could not open the report form")


def register(bolt: AsyncApp, adapter) -> None:
    @bolt.command(POLICY_COMMAND)
    async def policy(ack, command: dict, respond, body: dict) -> None:
        await ack()
        question = plain_question(command.get("text"))
        if not question:
            await adapter.say_privately(body, respond, "How to ask me about the policy",
                                        [{"type": "section", "text": {"type": "mrkdwn", "text": HELP_TEXT}}])
            return
        text, blocks = await adapter.answer(command["user_id"], question)
        # A staff member's question is private: only they see the answer.
        await adapter.say_privately(body, respond, text, blocks)

    @bolt.command(REPORT_COMMAND)
    async def report(ack, command: dict) -> None:
        await ack()
        await open_report_form(adapter, command["trigger_id"])

    @bolt.shortcut(REPORT_SHORTCUT)
    async def report_shortcut(ack, shortcut: dict) -> None:
        await ack()
        await open_report_form(adapter, shortcut["trigger_id"])
