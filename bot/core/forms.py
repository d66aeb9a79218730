"""Form descriptions the adapters render as a Slack modal or a Teams Adaptive Card.

Field `name`s are the keys of the values dict passed back to `Assistant.perform` /
`ReportInput.from_form`; `ValidationError.field_errors` uses the same names.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.core.reports.types import EVIDENCE_ADVICE, ReportCategory


class FieldKind(str, enum.Enum):
    TEXT = "text"            # one line
    MULTILINE = "multiline"
    SELECT = "select"        # one of `options`
    PEOPLE = "people"        # several people from the platform's user picker -> list of emails
    CHECKBOX = "checkbox"    # value "true"/"false"


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    required: bool = False
    hint: str = ""
    options: tuple[Option, ...] = ()
    max_length: int | None = None


@dataclass(frozen=True)
class FormSpec:
    name: str
    title: str
    submit_label: str
    intro: str
    fields: tuple[FormField, ...]


REPORT_FORM = FormSpec(
    name="report",
    title="Report a concern",
    submit_label="Send report",
    intro=EVIDENCE_ADVICE + " Your name is shown only to the person who handles the report.",
    fields=(
        FormField("category", "What kind of concern?", FieldKind.SELECT, required=True,
                  options=tuple(Option(c.value, c.label) for c in ReportCategory)),
        FormField("what_happened", "What happened?", FieldKind.MULTILINE, required=True, max_length=5000),
        FormField("where", "Where (site or app)", hint="e.g. Facebook group, TikTok comment", max_length=300),
        FormField("when", "When", hint="date and time, as best you know", max_length=200),
        FormField("links", "Links", FieldKind.MULTILINE, hint="one per line"),
        FormField("involved_emails", "Staff involved (optional)", FieldKind.PEOPLE),
        FormField("involved_text", "Other people involved (optional)", FieldKind.MULTILINE,
                  hint="no need to name pupils; describe them if needed", max_length=1000),
    ),
)

ESCALATION_ANSWER_FORM = FormSpec(
    name="escalation_answer",
    title="Answer a policy query",
    submit_label="Send answer",
    intro="Your answer goes to the member of staff who asked.",
    fields=(
        FormField("text", "Your answer", FieldKind.MULTILINE, required=True, max_length=5000),
        FormField("save_as_guidance", "Save as guidance for similar questions", FieldKind.CHECKBOX,
                  hint="Shown to later askers as guidance from your role and today's date, not as policy."),
        FormField("guidance_text", "Guidance wording (optional)", FieldKind.MULTILINE, max_length=5000,
                  hint="Leave blank to use your answer; remove anything personal to the asker."),
    ),
)

ESCALATION_FORWARD_FORM = FormSpec(
    name="escalation_forward",
    title="Pass this query on",
    submit_label="Forward",
    intro="The query and the asker's name go to the person you choose.",
    fields=(FormField("note", "Note (optional)", FieldKind.MULTILINE, max_length=2000),),
)

REPORT_CLOSE_FORM = FormSpec(
    name="report_close",
    title="Close report",
    submit_label="Close report",
    intro="The reporter is told the report is closed, but not the outcome.",
    fields=(FormField("outcome", "Outcome", FieldKind.MULTILINE, required=True, max_length=5000),),
)

FORMS = {f.name: f for f in (REPORT_FORM, ESCALATION_ANSWER_FORM, ESCALATION_FORWARD_FORM, REPORT_CLOSE_FORM)}
