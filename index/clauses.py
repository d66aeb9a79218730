"""Split policy blocks into clauses: the sentence groups and bullets a person would quote.

A clause is at most `MAX_CLAUSE_CHARS` long (unless one sentence is longer), never mixes an
exception with the rule it qualifies, and carries its force, derived from its wording.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from index.policy_file import Block, Hint, PolicyDocument
from index.types import Clause, Force

MAX_CLAUSE_CHARS = 300

# A sentence ends at . ! or ? followed by space and a capital letter or an opening quote/bracket,
# except after the abbreviations that the policy language uses ("e.g.", "i.e.", "etc.").
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z])")
_ABBREVIATION = re.compile(r"\b(?:e\.g|i\.e|etc|viz|cf|approx|no|vs)\.$", re.IGNORECASE)

_FORCE_PATTERNS: list[tuple[Force, re.Pattern]] = [
    (Force.EXCEPTION, re.compile(r"\bexcept(?:ion|ions|ed)?\b|\bexempt\b|\bit is acceptable\b", re.I)),
    (
        Force.REQUIREMENT,
        re.compile(r"\bmust\b|\bforbidden\b|\bprohibited\b|\bare required\b|\bis required\b"
                   r"|\bshall\b|\bwill (?:also )?be expected to comply\b|\bnot permitted\b", re.I),
    ),
    (
        Force.RECOMMENDATION,
        re.compile(r"\bshould\b|\badvised\b|\badvises against\b|\brecommend(?:s|ed|ation)?\b|\bencouraged\b", re.I),
    ),
]


def force_of(text: str) -> Force:
    """The strongest force the wording expresses (an exception outranks the rest)."""
    for force, pattern in _FORCE_PATTERNS:
        if pattern.search(text):
            return force
    return Force.INFORMATION


def split_sentences(text: str) -> list[str]:
    pieces = _SENTENCE_END.split(text.strip())
    sentences: list[str] = []
    for piece in pieces:
        if sentences and _ABBREVIATION.search(sentences[-1]):
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)
    return [s for s in sentences if s]


def group_sentences(sentences: list[str], limit: int = MAX_CLAUSE_CHARS) -> list[str]:
    """Greedy packing of whole sentences up to the size limit, so that a sentence leaning on
    the one before ("This is because ...") stays with it. An exception always starts a clause
    of its own, so it can be shown as qualifying its rule."""
    groups: list[list[str]] = []
    for sentence in sentences:
        if groups:
            current = " ".join(groups[-1])
            fits = len(current) + 1 + len(sentence) <= limit
            starts_exception = force_of(sentence) is Force.EXCEPTION and force_of(current) is not Force.EXCEPTION
            if fits and not starts_exception:
                groups[-1].append(sentence)
                continue
        groups.append([sentence])
    return [" ".join(group) for group in groups]


@dataclass
class DraftClause:
    """A clause before its qualifiers are known."""

    id: str
    section: str
    heading: str
    text: str
    force: Force
    context: str
    group: str = ""
    hints: list[str] = field(default_factory=list)
    block_index: int = 0
    order: int = 0


def draft_clauses(document: PolicyDocument, *, with_hints: bool = True) -> list[DraftClause]:
    drafts: list[DraftClause] = []
    counters: dict[str, int] = {}
    for block_index, block in enumerate(document.blocks):
        groups = group_sentences(split_sentences(block.text))
        block_drafts = []
        for text in groups:
            counters[block.section] = counters.get(block.section, 0) + 1
            block_drafts.append(
                DraftClause(
                    id=f"{block.section}.{counters[block.section]}",
                    section=block.section,
                    heading=block.heading,
                    text=text,
                    force=force_of(text),
                    context=_context(block),
                    group=block.group,
                    block_index=block_index,
                    order=len(drafts) + len(block_drafts),
                )
            )
        if with_hints:
            _attach_hints(block, block.hints, block_drafts, document)
        drafts.extend(block_drafts)
    return drafts


def _context(block: Block) -> str:
    parts = [block.group, block.lead_in]
    return " ".join(p for p in parts if p)


def _attach_hints(block: Block, hints: list[Hint], drafts: list[DraftClause], document: PolicyDocument) -> None:
    from index.policy_file import PolicyFormatError

    for hint in hints:
        if hint.anchor:
            targets = [d for d in drafts if hint.anchor in d.text]
            if not targets:
                raise PolicyFormatError(
                    document.path, hint.line, f"hint anchor {hint.anchor!r} spans two clauses; quote words from one"
                )
        elif len(drafts) > 1:
            raise PolicyFormatError(
                document.path,
                hint.line,
                'this text is split into several clauses; say which one the hint is for: <!-- hint for "words": ... -->',
            )
        else:
            targets = drafts
        targets[0].hints.append(hint.text)


def finish_clauses(
    drafts: list[DraftClause], policy_id: str, similarity: Callable[[str, str], float]
) -> list[Clause]:
    """Link each exception to the rule it qualifies (the most similar earlier clause of its
    section) and each rule to its exceptions; return the final clauses in policy order."""
    qualifiers: dict[str, list[str]] = {d.id: [] for d in drafts}
    for position, draft in enumerate(drafts):
        if draft.force is not Force.EXCEPTION:
            continue
        candidates = [
            d for d in drafts[:position] if d.section == draft.section and d.force is not Force.EXCEPTION
        ]
        if not candidates:
            continue
        rule = max(candidates, key=lambda d: similarity(d.text, draft.text))
        qualifiers[rule.id].append(draft.id)
        qualifiers[draft.id].append(rule.id)
    return [
        Clause(
            id=d.id,
            policy_id=policy_id,
            section=d.section,
            heading=d.heading,
            text=d.text,
            force=d.force,
            context=d.context,
            group=d.group,
            hints=tuple(d.hints),
            qualifiers=tuple(qualifiers[d.id]),
            order=d.order,
        )
        for d in drafts
    ]
