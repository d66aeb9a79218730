"""Reading a question: clean it, fix its typos, name its concepts, and embed it.

The same reading serves the questions people ask and, at build time, the question banks the
search learns from, so both are seen the same way. One model call embeds a question; a long
message (several sentences) gets a second, for the sentence that asks.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index import text as textproc
from index.embedding import Embedder
from index.text import Concept, Concepts, SpellFixer


@dataclass(frozen=True)
class Query:
    cleaned: str
    tokens: list[str]        # words, typos fixed
    stems: list[str]
    concepts: list[Concept]
    corrected: str           # the words joined: what is embedded
    asking: str | None       # the sentence that asks, in a message of several


@dataclass(frozen=True)
class Vectors:
    plain: np.ndarray
    expanded: np.ndarray       # pulled towards the concepts' policy language (no extra model call)
    asking: np.ndarray | None  # the asking sentence's own vector, for a long message


class QueryReader:
    def __init__(self, *, embedder: Embedder, concepts: Concepts, concept_vectors: dict[str, np.ndarray],
                 speller: SpellFixer, concept_weight: float = 0.5):
        self.embedder = embedder
        self.concepts = concepts
        self.concept_vectors = concept_vectors
        self.speller = speller
        self.concept_weight = concept_weight

    def read(self, cleaned: str) -> Query:
        tokens = [self.speller.fix(w) for w in textproc.words(cleaned)]
        stems = [textproc.stem(w) for w in tokens]
        asking = textproc.question_part(cleaned)
        corrected_asking = " ".join(self.speller.fix(w) for w in textproc.words(asking)) if asking else None
        return Query(cleaned=cleaned, tokens=tokens, stems=stems, concepts=self.concepts.matched(stems),
                     corrected=" ".join(tokens), asking=corrected_asking or None)

    def expand(self, plain: np.ndarray, concepts: list[Concept]) -> np.ndarray:
        """The question's vector pulled towards its concepts' policy language (vector arithmetic
        on precomputed expansions)."""
        if not concepts:
            return plain
        pull = np.mean([self.concept_vectors[c.expansion] for c in concepts], axis=0)
        expanded = plain + self.concept_weight * pull
        return (expanded / np.linalg.norm(expanded)).astype(np.float32)

    def vectors(self, query: Query) -> Vectors:
        plain = self.embedder.encode_one(query.corrected)
        asking = self.embedder.encode_one(query.asking) if query.asking else None
        return Vectors(plain=plain, expanded=self.expand(plain, query.concepts), asking=asking)

    def vectors_many(self, queries: list[Query], *, progress=None) -> list[Vectors]:
        """Batched (and remembered): for building from a question bank."""
        texts = [q.corrected for q in queries] + [q.asking for q in queries if q.asking]
        encoded = list(self.embedder.remembered(texts, progress=progress))
        plains, askings = encoded[:len(queries)], iter(encoded[len(queries):])
        return [Vectors(plain=p, expanded=self.expand(p, q.concepts), asking=next(askings) if q.asking else None)
                for p, q in zip(plains, queries, strict=True)]
