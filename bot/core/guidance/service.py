"""Saving, matching and retiring guidance. Guidance is labelled by role and date, never by name."""
from __future__ import annotations

from datetime import datetime
from typing import Callable, Sequence

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.guidance.types import GuidanceView
from bot.core.audit import service as audit
from bot.core.context import Context
from bot.core.directory.model import Person, Role
from bot.core.errors import NotFound, PermissionDenied
from bot.core.storage.models import Guidance

Encoder = Callable[[list[str]], np.ndarray]


def embed(encode: Encoder | None, text: str) -> bytes | None:
    if encode is None:
        return None
    return np.asarray(encode([text])[0], dtype=np.float32).tobytes()


def save(session: Session, *, now: datetime, author: Person, text: str, question: str,
         clause_ids: Sequence[str], embedding: bytes | None, source_ref: str) -> Guidance:
    row = Guidance(text=text, question=question, clause_ids=list(clause_ids), author_email=author.email,
                   author_role=author.role.label, created_at=now, embedding=embedding)
    session.add(row)
    session.flush()
    audit.record(session, at=now, actor=author.email, action="guidance.saved", subject_type="guidance",
                 subject_ref=f"G-{row.id}", after={"from": source_ref, "clause_ids": list(clause_ids)})
    return row


def matching(session: Session, *, ctx: Context, question_vector: np.ndarray | None,
             clause_ids: Sequence[str]) -> list[GuidanceView]:
    """Active guidance similar to the question; guidance on the same clauses needs less similarity."""
    if question_vector is None:
        return []
    rows = session.scalars(select(Guidance).where(Guidance.retired_at.is_(None), Guidance.embedding.is_not(None))).all()
    clause_set = set(clause_ids)
    threshold = ctx.config.guidance_min_similarity
    scored: list[tuple[float, Guidance]] = []
    for row in rows:
        vector = np.frombuffer(row.embedding, dtype=np.float32)
        if vector.shape != question_vector.shape:
            continue  # saved with a different model
        similarity = float(vector @ question_vector)
        on_clause = bool(clause_set & set(row.clause_ids or ()))
        if similarity >= (threshold if on_clause else min(threshold + 0.2, 0.95)):
            scored.append((similarity, row))
    scored.sort(key=lambda pair: -pair[0])
    return [GuidanceView(id=r.id, text=r.text, author_role=r.author_role, created_at=r.created_at,
                         clause_ids=tuple(r.clause_ids or ()), similarity=round(s, 4))
            for s, r in scored[: ctx.config.guidance_max_shown]]


def retire(*, ctx: Context, actor: Person, guidance_id: int) -> None:
    """Stop showing a piece of guidance: its author or the head teacher may do this."""
    now = ctx.clock.now()
    with ctx.db.transaction() as session:
        row = session.get(Guidance, guidance_id)
        if row is None:
            raise NotFound(f"There is no guidance number {guidance_id}.")
        if actor.email != row.author_email and actor.role is not Role.HEAD_TEACHER:
            raise PermissionDenied("Only the author of this guidance or the head teacher can retire it.")
        if row.retired_at is None:
            row.retired_at = now
            audit.record(session, at=now, actor=actor.email, action="guidance.retired", subject_type="guidance",
                         subject_ref=f"G-{row.id}", before={"retired": False}, after={"retired": True})


def has_any(session: Session) -> bool:
    """Cheap check that spares encoding the question when there is no guidance at all."""
    return session.scalar(select(Guidance.id).where(Guidance.retired_at.is_(None)).limit(1)) is not None
