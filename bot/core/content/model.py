"""The card vocabulary every surface renders: Slack Block Kit, Teams Adaptive Cards, the terminal.

A `Card` is a title, a sequence of blocks and a row of buttons. Blocks say what a piece of text
*is* (a quoted clause, a subtle note, a warning, a list of facts, a choice between clauses), never
how it looks; each adapter decides the look for its platform. All text is plain: adapters escape it.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Union

from bot.core.notifications.types import Action, ActionStyle, Field, SubjectRef

__all__ = ["Action", "ActionStyle", "Bullets", "Card", "Choices", "Facts", "Field", "Paragraph", "Quote",
           "SubjectRef", "Tone", "Block"]


class Tone(str, enum.Enum):
    NORMAL = "normal"
    SUBTLE = "subtle"        # secondary information (policy status, "under this heading")
    WARNING = "warning"      # something the reader should notice (review overdue, long message cut)
    ATTENTION = "attention"  # something went wrong or needs fixing (form errors)
    SUCCESS = "success"      # a confirmation


@dataclass(frozen=True)
class Paragraph:
    text: str
    tone: Tone = Tone.NORMAL
    strong: bool = False


@dataclass(frozen=True)
class Quote:
    """Words quoted verbatim: a policy clause, a question, guidance, a report's description.

    `title` names the source ("2.1 Friends/Befriending · Recommendation"), `label` says how it
    relates to the answer ("Exception", "Guidance from a line manager ..."); `muted` marks text
    shown for reference only (nearest clauses when the policy does not cover a question)."""

    text: str
    title: str = ""
    label: str = ""
    muted: bool = False
    guidance: bool = False  # a manager's words, never policy: rendered visibly apart


@dataclass(frozen=True)
class Facts:
    items: tuple[Field, ...]


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    italic: bool = False


@dataclass(frozen=True)
class Choices:
    """A prompt with buttons that pick between things (e.g. "Did you mean …?" clauses)."""

    prompt: str
    options: tuple[Action, ...]


Block = Union[Paragraph, Quote, Facts, Bullets, Choices]


@dataclass(frozen=True)
class Card:
    title: str
    blocks: tuple[Block, ...] = ()
    actions: tuple[Action, ...] = ()
    subject: SubjectRef | None = None
    # One line for notifications, previews and screen readers (Slack's `text`, Teams' `summary`).
    summary: str = ""

    @property
    def all_actions(self) -> tuple[Action, ...]:
        chosen = tuple(o for b in self.blocks if isinstance(b, Choices) for o in b.options)
        return chosen + self.actions

    def plain_text(self) -> str:
        """Everything the card says, as plain text (for fallbacks, logs in tests, and the CLI)."""
        parts = [self.title]
        for block in self.blocks:
            if isinstance(block, Paragraph):
                parts.append(block.text)
            elif isinstance(block, Quote):
                parts += [p for p in (block.label, block.title, block.text) if p]
            elif isinstance(block, Facts):
                parts += [f"{f.label}: {f.value}" for f in block.items]
            elif isinstance(block, Bullets):
                parts += list(block.items)
            elif isinstance(block, Choices):
                parts += [block.prompt, *(o.label for o in block.options)]
        return "\n".join(p for p in parts if p)


_KINDS = {"paragraph": Paragraph, "quote": Quote, "facts": Facts, "bullets": Bullets, "choices": Choices}


def card_to_json(card: Card) -> dict:
    """A card as plain JSON (for a reply kept in the outbox until the platform takes it)."""
    def block(b: Block) -> dict:
        kind = next(name for name, cls in _KINDS.items() if isinstance(b, cls))
        if isinstance(b, Facts):
            return {"kind": kind, "items": [[f.label, f.value] for f in b.items]}
        if isinstance(b, Choices):
            return {"kind": kind, "prompt": b.prompt, "options": [o.to_json() for o in b.options]}
        if isinstance(b, Bullets):
            return {"kind": kind, "items": list(b.items), "italic": b.italic}
        if isinstance(b, Paragraph):
            return {"kind": kind, "text": b.text, "tone": b.tone.value, "strong": b.strong}
        return {"kind": kind, "text": b.text, "title": b.title, "label": b.label, "muted": b.muted,
                "guidance": b.guidance}

    return {"title": card.title, "summary": card.summary, "blocks": [block(b) for b in card.blocks],
            "actions": [a.to_json() for a in card.actions],
            "subject": {"type": card.subject.type, "ref": card.subject.ref} if card.subject else None}


def card_from_json(data: dict) -> Card:
    def block(b: dict) -> Block:
        kind = b["kind"]
        if kind == "facts":
            return Facts(tuple(Field(label, value) for label, value in b["items"]))
        if kind == "choices":
            return Choices(b["prompt"], tuple(Action.from_json(o) for o in b["options"]))
        if kind == "bullets":
            return Bullets(tuple(b["items"]), italic=b.get("italic", False))
        if kind == "paragraph":
            return Paragraph(b["text"], Tone(b.get("tone", "normal")), b.get("strong", False))
        return Quote(b["text"], b.get("title", ""), b.get("label", ""), b.get("muted", False), b.get("guidance", False))

    subject = data.get("subject")
    return Card(title=data.get("title", ""), blocks=tuple(block(b) for b in data.get("blocks", ())),
                actions=tuple(Action.from_json(a) for a in data.get("actions", ())),
                subject=SubjectRef(**subject) if subject else None, summary=data.get("summary", ""))
