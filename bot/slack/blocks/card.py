"""A core `Notification` or `Card` as a Block Kit message (one renderer for both)."""
from __future__ import annotations

from typing import Protocol, Sequence

from bot.core.notifications.types import Action, Field, SubjectRef
from bot.slack.blocks.common import Block, actions, context, core_button, fields_section, fit, header, section
from bot.slack.escape import escape, quote, truncate

CARD_ACTIONS_BLOCK = "card_actions"


class CardLike(Protocol):
    title: str
    text: str
    fields: Sequence[Field]
    actions: Sequence[Action]
    subject: SubjectRef | None
    quote: str | None


def render_card(card: CardLike) -> tuple[str, list[Block]]:
    """(fallback text, blocks). All text is treated as plain user-influenced text and escaped."""
    blocks: list[Block] = [header(card.title)]
    if card.text:
        blocks += section(escape(card.text))
    if card.quote:
        blocks += section(quote(card.quote))
    if card.fields:
        blocks += fields_section((f.label, f.value) for f in card.fields)
    if card.subject:
        blocks.append(context(f"Reference: *{escape(card.subject.ref)}*"))
    if card.actions:
        blocks += actions([core_button(a, i) for i, a in enumerate(card.actions)], block_id=CARD_ACTIONS_BLOCK)
    fallback = escape(card.title + (f" ({card.subject.ref})" if card.subject else "") + ": " + (card.text or ""))
    return truncate(fallback, 3000), fit(blocks, keep_last=1 if card.actions else 0)


def replace_actions(blocks: list[Block], new_actions: Sequence[Action], note: str | None) -> list[Block]:
    """The blocks of a posted card with its buttons replaced (after someone acted on it).

    `note` (already escaped) is added as a context line, e.g. "Acknowledged by Ann".
    """
    kept = [b for b in blocks if not str(b.get("block_id", "")).startswith(CARD_ACTIONS_BLOCK)
            and not str(b.get("block_id", "")).startswith("card_note")]
    if note:
        kept.append({**context(note), "block_id": "card_note"})
    if new_actions:
        kept += actions([core_button(a, i) for i, a in enumerate(new_actions)], block_id=CARD_ACTIONS_BLOCK)
    return fit(kept, keep_last=1 if new_actions else 0)
