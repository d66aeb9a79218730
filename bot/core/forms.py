"""Form descriptions the adapters render as a Slack modal or a Teams Adaptive Card.

Field `name`s are the keys of the submitted values; `ValidationError.field_errors` uses the same
names. Most forms are fixed; the answer form is built per query, because what the recipient may
do instead of answering (pass it on) and which clauses it may name depend on the query.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.core.notifications.actions import ActionId
from bot.core.notifications.types import Action
from bot.core.reports.types import EVIDENCE_ADVICE, ReportCategory


class FieldKind(str, enum.Enum):
    TEXT = "text"            # one line
    MULTILINE = "multiline"
    SELECT = "select"        # one of `options` (a menu)
    RADIO = "radio"          # one of `options`, all shown (few options)
    PEOPLE = "people"        # several people from the platform's user picker -> list of emails
    CHECKBOX = "checkbox"    # value "true"/"false"; `choice` is the text beside the box


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    description: str = ""  # shown under the label where the platform can (long category names)


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    required: bool = False
    hint: str = ""
    options: tuple[Option, ...] = ()
    max_length: int | None = None
    choice: str = ""  # checkbox text, when it says more than the label
    default: str = ""


@dataclass(frozen=True)
class FormSpec:
    name: str
    title: str
    submit_label: str
    intro: str
    fields: tuple[FormField, ...]

    def field(self, name: str) -> FormField | None:
        return next((f for f in self.fields if f.name == name), None)


REPORT_FORM = FormSpec(
    name="report",
    title="Report a concern",
    submit_label="Send report",
    intro=EVIDENCE_ADVICE + " Your name is shown only to the person who handles the report.",
    fields=(
        FormField("category", "What kind of concern?", FieldKind.SELECT, required=True,
                  options=tuple(Option(c.value, c.short_label, f"{c.label} (policy {c.clause})")
                                for c in ReportCategory)),
        FormField("what_happened", "What happened?", FieldKind.MULTILINE, required=True, max_length=5000),
        FormField("where", "Where (site or app)", hint="e.g. Facebook group, TikTok comment", max_length=300),
        FormField("when", "When", hint="date and time, as best you know", max_length=200),
        FormField("links", "Links", FieldKind.MULTILINE, hint="one per line"),
        FormField("involved_emails", "Staff involved (optional)", FieldKind.PEOPLE),
        FormField("involved_text", "Other people involved (optional)", FieldKind.MULTILINE,
                  hint="no need to name pupils; describe them if needed", max_length=1000),
    ),
)

# The button that opens the report form (on answers, the home card, and where a form cannot open
# itself). Pressing it asks the core, which answers with the form: no inputs ride on the card.
REPORT_OPENER = Action(ActionId.REPORT_OPEN, "Report a concern", {})

ANSWER_NEXT_STEP = "next_step"
ANSWER = "answer"

_ANSWER_FIELDS = (
    FormField("text", "Your answer", FieldKind.MULTILINE, required=True, max_length=5000),
    FormField("save_as_guidance", "Guidance", FieldKind.CHECKBOX, choice="Save my answer as guidance for similar questions",
              hint="Shown to later askers as guidance from your role and today's date, not as policy."),
    FormField("guidance_text", "Guidance wording (optional)", FieldKind.MULTILINE, max_length=5000,
              hint="Leave blank to use your answer; remove anything personal to the asker."),
)
ESCALATION_ANSWER_FORM = FormSpec(
    name="escalation_answer", title="Answer a policy query", submit_label="Send answer",
    intro="Your answer goes to the member of staff who asked.", fields=_ANSWER_FIELDS)


def escalation_answer_form(*, asker_name: str, pass_to: tuple[tuple[str, str], ...] = (),
                           clauses: tuple[tuple[str, str], ...] = ()) -> FormSpec:
    """The answer form for one query: `pass_to` is (value, label) of whom it may go to instead;
    `clauses` the (id, label) of the clauses the asker was shown, one of which the answer may name
    (that teaches the assistant which clause answers such questions)."""
    fields = list(_ANSWER_FIELDS)
    if clauses:
        fields.insert(1, FormField("clause_id", "The policy clause that answers it (optional)", FieldKind.SELECT,
                                   options=tuple(Option(cid, label) for cid, label in clauses),
                                   hint="Helps me answer questions like this one myself next time."))
    if pass_to:
        options = (Option(ANSWER, f"Send my answer to {asker_name}"),) + tuple(
            Option(value, f"{label} instead (my text goes with it as a note)") for value, label in pass_to)
        fields.append(FormField(ANSWER_NEXT_STEP, "What next?", FieldKind.RADIO, options=options, default=ANSWER))
    return FormSpec(name=ESCALATION_ANSWER_FORM.name, title=ESCALATION_ANSWER_FORM.title,
                    submit_label=ESCALATION_ANSWER_FORM.submit_label, intro=ESCALATION_ANSWER_FORM.intro,
                    fields=tuple(fields))


ESCALATION_FORWARD_FORM = FormSpec(
    name="escalation_forward",
    title="Pass this query on",
    submit_label="Pass it on",
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
