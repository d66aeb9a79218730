"""The hybrid score of every clause for a question: dense similarity over several views of each
clause, BM25 over its words, and the policy's structure. It is the method for a policy without a
question bank (and `policybot eval --no-bank`), and it gives the signals abstention uses there.

1. dense: the question's vector and its concept-expanded vector against each clause's views (its
   text, its text in context, its hints; the best view counts); clauses that resemble every other
   clause ("hubs") are discounted;
2. lexical: BM25 over heading, role, text and hints, plus the concepts' expansions; fused;
3. structure: an exception goes above its rule when the question names the exception's own
   condition; "what must governors do?" lists that role's clauses in policy order; the question's
   form ("can I", "X happened, what now", "who", "is X covered") favours clauses of its kind.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

import bm25s
import numpy as np

from index import text as textproc
from index.query import Query, Vectors
from index.types import Clause, Force

if TYPE_CHECKING:
    from index.search import Tuning
    from index.store import StoredIndex

_REPORTING = re.compile(r"\breport(?:s|ed|ing)?\b", re.IGNORECASE)


class HybridScorer:
    def __init__(self, stored: "StoredIndex", tuning: "Tuning", roles: tuple[str, ...]):
        self.stored = stored
        self.tuning = tuning
        self.clauses: list[Clause] = stored.clauses
        self._position = {(c.policy_id, c.id): i for i, c in enumerate(self.clauses)}
        views = stored.views
        self._view_clause = np.array([v.clause_index for v in views], dtype=np.int64)
        self._view_weight = np.array(
            [0.0 if (v.kind == "hint" and not tuning.use_hints) else 1.0 for v in views], dtype=np.float32)
        self._is_own_words = np.array([v.kind != "hint" for v in views])
        self._hubness = self._clause_hubness()
        self._lexical = self._build_lexical()
        self._clause_stems = [set(textproc.content_stems(c.text)) for c in self.clauses]
        self._exceptions = self._exception_pairs()
        self._groups = self._role_groups()
        role = re.compile(r"\b(?:" + "|".join(re.escape(r) for r in sorted(roles, key=len, reverse=True)) + r")\b",
                          re.IGNORECASE) if roles else None
        # Clauses that tell staff whom to report something to; clauses that name who does something.
        self._reporting = np.array([bool(_REPORTING.search(c.text)) for c in self.clauses], dtype=np.float32)
        self._names_role = np.array([bool(c.group or (role and role.search(c.text))) for c in self.clauses],
                                    dtype=np.float32)
        # Items of a definitional list ("... include, but are not limited to:").
        self._defining = np.array([c.context.rstrip().endswith(":") for c in self.clauses], dtype=np.float32)

    def lexical_text(self, clause: Clause) -> str:
        hints = " ".join(clause.hints) if self.tuning.use_hints else ""
        return " ".join((clause.heading, clause.group, clause.text, hints))

    def _build_lexical(self) -> bm25s.BM25:
        corpus = [textproc.content_stems(self.lexical_text(c)) or ["_"] for c in self.clauses]
        retriever = bm25s.BM25()
        retriever.index(corpus, show_progress=False)
        return retriever

    def _clause_hubness(self) -> np.ndarray:
        """How much each clause resembles the others: generic clauses match almost any question,
        so their dense score is discounted by their mean similarity to their ten nearest clauses
        (a simplified cross-domain similarity local scaling)."""
        vectors = self.stored.vectors.reconstruct_n(0, self.stored.vectors.ntotal)
        texts = vectors[np.array([v.kind == "text" for v in self.stored.views])]
        if len(texts) < 2:
            return np.zeros(len(texts), dtype=np.float32)
        sims = texts @ texts.T
        np.fill_diagonal(sims, -1.0)
        k = min(10, len(texts) - 1)
        hubness = -np.sort(-sims, axis=1)[:, :k].mean(axis=1)
        return (hubness - hubness.mean()).astype(np.float32)

    def _exception_pairs(self) -> list[tuple[int, int, set[str]]]:
        """(rule, exception, stems only the exception uses) for every linked exception."""
        pairs = []
        for e, clause in enumerate(self.clauses):
            if clause.force is not Force.EXCEPTION:
                continue
            for rule_id in clause.qualifiers:
                r = self._position[(clause.policy_id, rule_id)]
                if self.clauses[r].force is not Force.EXCEPTION:
                    pairs.append((r, e, self._clause_stems[e] - self._clause_stems[r]))
        return pairs

    def _role_groups(self) -> list[tuple[set[str], list[int]]]:
        """(stems of the role's name, its clauses in policy order) for each role heading."""
        groups: dict[tuple[str, str, str], tuple[set[str], list[int]]] = {}
        for i, clause in enumerate(self.clauses):
            if clause.group:
                key = (clause.policy_id, clause.section, clause.group)
                groups.setdefault(key, (set(textproc.content_stems(clause.group)), []))[1].append(i)
        return list(groups.values())

    def score(self, query: Query, vectors: Vectors, learned=None) -> tuple[np.ndarray, dict]:
        """A fused score for every clause, and the signals the no-bank abstention uses."""
        t = self.tuning
        concepts = query.concepts
        dense_plain, wording = self._dense(vectors.plain, learned)
        dense_expanded, _ = self._dense(vectors.expanded, learned)
        dense = (1 - t.expanded_query_weight) * dense_plain + t.expanded_query_weight * dense_expanded
        dense -= t.hub_penalty * self._hubness

        content = [s for s, w in zip(query.stems, query.tokens, strict=True) if w not in textproc.STOPWORDS]
        expansion_stems = textproc.content_stems(" ".join(c.expansion for c in concepts))
        lexical = self._bm25(content) + t.expansion_lexical_weight * self._bm25(expansion_stems)
        top_lexical = float(lexical.max())
        if top_lexical > 0:
            lexical /= top_lexical
        fused = t.dense_weight * dense + t.lexical_weight * lexical * float(dense.max())

        intent = textproc.question_intent(query.corrected)
        if intent == "permission" and any(c.expansion == "report raise" for c in concepts):
            intent = None  # "can I report ...?" asks about reporting
        if intent == "scope":
            fused += t.intent_weight * self._defining * float(dense.max())
        elif intent == "who":
            fused += t.intent_weight * self._names_role * float(dense.max())
        elif intent:
            sign = 1.0 if intent == "incident" else -1.0
            fused += sign * t.intent_weight * self._reporting * float(dense.max())
        query_stems = set(content) | set(expansion_stems)
        self._promote_exceptions(fused, query_stems)
        self.order_role_duties(fused, query)
        signals = {
            "wording": float(wording.max()),
            "other_topic": float((self.stored.background @ vectors.plain).max()) if len(self.stored.background) else -1.0,
            "subject": sum(c.subject for c in concepts),
            "concepts": [c.expansion for c in concepts],
            "intent": intent,
            "corrected": query.corrected,
        }
        return fused, signals

    def _dense(self, query: np.ndarray, learned=None) -> tuple[np.ndarray, np.ndarray]:
        """Per clause: the best similarity over its views, and over its own words only."""
        sims, ids = self.stored.vectors.search(query[None, :], self.stored.vectors.ntotal)
        sims, ids = sims[0], ids[0]
        owners = self._view_clause[ids]
        best = np.full(len(self.clauses), -1.0, dtype=np.float32)
        np.maximum.at(best, owners, sims * self._view_weight[ids])
        own = self._is_own_words[ids]
        wording = np.full(len(self.clauses), -1.0, dtype=np.float32)
        np.maximum.at(wording, owners[own], sims[own])
        if learned is not None and len(learned[0]):
            np.maximum.at(best, learned[1], learned[0] @ query)
        return best, wording

    def _bm25(self, stems: list[str]) -> np.ndarray:
        vocab = self._lexical.vocab_dict
        known = [s for s in stems if s in vocab]
        if not known:
            return np.zeros(len(self.clauses), dtype=np.float32)
        return np.asarray(self._lexical.get_scores(known), dtype=np.float32)

    def _promote_exceptions(self, scores: np.ndarray, query_stems: set[str]) -> None:
        """People ask about their special case: when a question names an exception's own
        condition (words its rule lacks) and the exception scores close to the rule, the
        exception is the answer and goes just above its rule."""
        margin = self.tuning.exception_margin
        for rule, exception, own_stems in self._exceptions:
            if own_stems & query_stems and scores[exception] >= scores[rule] - margin:
                scores[exception] = max(scores[exception], scores[rule] + 1e-3)

    def order_role_duties(self, scores: np.ndarray, query: Query) -> None:
        """"What do governors have to do?" is answered by the governors' clauses, at the top,
        in the order the policy lists them (whatever else ranked them)."""
        if not any(c.expansion == "responsibility" for c in query.concepts):
            return
        content = {s for s, w in zip(query.stems, query.tokens, strict=True) if w not in textproc.STOPWORDS}
        query_stems = content | set(textproc.content_stems(" ".join(c.expansion for c in query.concepts)))
        top = float(scores.max())
        for role_stems, members in self._groups:
            if role_stems & query_stems:
                for rank, i in enumerate(members):
                    scores[i] = top + 1e-3 * (len(members) - rank)

    def decide(self, top_score: float, signals: dict) -> bool:
        """Without a bank: answered when the question names the policy's subject and a clause
        fits it, or when a clause's own words fit it very closely and better than any other topic."""
        t = self.tuning
        margin = signals["wording"] - signals["other_topic"]
        if signals["wording"] >= t.strong_dense and margin >= t.strong_margin:
            return True
        return signals["subject"] > 0 and top_score >= t.answer_threshold and margin >= t.subject_margin
