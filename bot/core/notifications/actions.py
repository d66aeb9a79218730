"""Stable action ids: adapters put them on buttons and hand them back to `Assistant.perform`.

They are part of the public contract (stored in old messages), so never rename one.
"""
from __future__ import annotations

import enum


class ActionId(str, enum.Enum):
    # On an answer (value {"t": token naming the answer's server-side offer}): ask the line manager.
    ASK_ESCALATE = "ask.escalate"
    # On an answer: "Helpful" / "Not helpful" (value {"t": token}); stored without who pressed it.
    FEEDBACK_HELPFUL = "feedback.helpful"
    FEEDBACK_NOT_HELPFUL = "feedback.not_helpful"
    # On an answer: show another clause ("Did you mean ...?"; value {"t": token, "c": clause id}).
    ANSWER_CHOOSE = "answer.choose"
    # On an answer: open the breach/concern report form (value: {}).
    REPORT_OPEN = "report.open"
    # Manager: answer the query (needs form ESCALATION_ANSWER_FORM).
    ESCALATION_ANSWER = "escalation.answer"
    # Manager: pass the query on (value "to": "head_teacher" or "hr"; optional form field "note").
    ESCALATION_FORWARD = "escalation.forward"
    # Asker: mark their query resolved (closes it).
    ESCALATION_RESOLVE = "escalation.resolve"
    REPORT_ACKNOWLEDGE = "report.acknowledge"
    REPORT_INVESTIGATE = "report.investigate"
    # Needs form REPORT_CLOSE_FORM (the outcome).
    REPORT_CLOSE = "report.close"
    # The policy owner, on a suggested question-bank entry (value {"id": entry id}).
    BANK_APPROVE = "bank.approve"
    BANK_REJECT = "bank.reject"
    # The policy owner: show the suggested entries waiting for review (value: {}).
    BANK_REVIEW = "bank.review"
