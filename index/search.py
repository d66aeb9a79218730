"""Answer a question from the clause index: hybrid dense + lexical search with a calibrated abstention.

How a question is answered:
1. clean it (Unicode, chat markup, length); pleasantries get a help reply instead of a clause;
2. fix typos against the policy's own words and the domain vocabulary, and expand everyday
   phrasings ("kids", "insta", "sacked") into policy language (`index.vocabulary`);
3. score every clause densely (the question, and the question with its expansions, against
   several views of each clause: its text, its text in context, its hints) and lexically
   (BM25 over clause, context and hints, with expansions weighted lower);
4. fuse the two, rank, and decide "answered" vs "not covered" from how well the best clause
   matches and whether the question is about the policy's subject at all;
5. return the ranked clauses with the clauses that qualify the best one (its exceptions).
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import bm25s
import numpy as np

from index import text as textproc
from index.embedding import Embedder
from index.store import Progress, StoredIndex, load_or_build
from index.review import review_overdue
from index.types import Answer, AnswerStatus, Clause, Force, PolicyInfo, RankedClause

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Tuning:
    """The method's weights, in one place so the benchmark and eval can report them."""

    dense_weight: float = 0.6
    lexical_weight: float = 0.4
    expansion_lexical_weight: float = 1.0
    expanded_query_weight: float = 0.8  # dense: mix of plain and expanded question
    context_view_weight: float = 1.0
    hint_view_weight: float = 1.0
    answer_threshold: float = 0.25  # fused score the top clause needs
    strong_dense: float = 0.7  # similarity to a clause's own words that answers without subject words
    strong_margin: float = 0.15  # ...if that much closer to the clause than to any other school topic
    subject_margin: float = -0.15  # a question with subject words may be this much closer to another topic
    use_hints: bool = True
    rewrite_query: bool = False  # dense: expansions in place of the words (True) or appended (False)
    rewrite_lexical: bool = False
    exception_margin: float = 0.12  # an exception within this of its rule, naming its own condition, goes first
    hub_penalty: float = 0.3  # subtract this times a clause's mean similarity to all other clauses


class PolicyIndex:
    """Searchable clauses of every policy in a folder."""

    def __init__(self, stored: StoredIndex, embedder: Embedder, *, tuning: Tuning | None = None,
                 today: dt.date | None = None):
        self.stored = stored
        self.embedder = embedder
        self.tuning = tuning or Tuning()
        self.today = today
        self.clauses: list[Clause] = stored.clauses
        self._by_id = {(c.policy_id, c.id): c for c in self.clauses}
        self._by_plain_id = {}
        for clause in self.clauses:
            self._by_plain_id.setdefault(clause.id, clause)
        self._view_clause = np.array([v.clause_index for v in stored.views], dtype=np.int64)
        self._view_weight = self._view_weights()
        self._is_own_words = np.array([v.kind != "hint" for v in stored.views])
        self._hubness = self._clause_hubness()
        self._clause_stems = [set(textproc.content_stems(c.text)) for c in self.clauses]
        self._position = {(c.policy_id, c.id): i for i, c in enumerate(self.clauses)}
        self._exceptions = self._exception_pairs()
        self._groups = self._role_groups()
        self._lexical = self._build_lexical()
        self._speller = textproc.SpellFixer(
            embedder.vocabulary | textproc.vocabulary_words(),
            {w for c in self.clauses for w in textproc.words(self._lexical_text(c))} | textproc.vocabulary_words(),
        )

    # ------------------------------------------------------------------ construction
    @classmethod
    def load(cls, *, policy_dir: Path, index_dir: Path, progress: Progress | None = None,
             embedder: Embedder | None = None, tuning: Tuning | None = None, rebuild: bool = False,
             today: dt.date | None = None) -> "PolicyIndex":
        embedder = embedder or Embedder()
        stored = load_or_build(policy_dir=policy_dir, index_dir=index_dir, embedder=embedder,
                               progress=progress, force=rebuild)
        return cls(stored, embedder, tuning=tuning, today=today)

    def with_tuning(self, **changes) -> "PolicyIndex":
        return PolicyIndex(self.stored, self.embedder, tuning=replace(self.tuning, **changes), today=self.today)

    def _view_weights(self) -> np.ndarray:
        weights = {"text": 1.0, "context": self.tuning.context_view_weight,
                   "hint": self.tuning.hint_view_weight if self.tuning.use_hints else 0.0}
        return np.array([weights[v.kind] for v in self.stored.views], dtype=np.float32)

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

    def _role_groups(self) -> dict[tuple[str, str, str], tuple[set[str], list[int]]]:
        """Clauses under a role heading (e.g. "Governors"), keyed by policy, section and role."""
        groups: dict[tuple[str, str, str], tuple[set[str], list[int]]] = {}
        for i, clause in enumerate(self.clauses):
            if clause.group:
                key = (clause.policy_id, clause.section, clause.group)
                groups.setdefault(key, (set(textproc.content_stems(clause.group)), []))[1].append(i)
        return groups

    def _clause_hubness(self) -> np.ndarray:
        """How much each clause resembles the others: generic clauses ("this policy covers
        social networking by staff") match almost any question, so their dense score is
        discounted by this amount (a simplified cross-domain similarity local scaling:
        the mean similarity of a clause's text to its ten nearest other clauses)."""
        vectors = self.stored.vectors.reconstruct_n(0, self.stored.vectors.ntotal)
        texts = vectors[np.array([v.kind == "text" for v in self.stored.views])]
        if len(texts) < 2:
            return np.zeros(len(texts), dtype=np.float32)
        sims = texts @ texts.T
        np.fill_diagonal(sims, -1.0)
        k = min(10, len(texts) - 1)
        hubness = -np.sort(-sims, axis=1)[:, :k].mean(axis=1)
        return (hubness - hubness.mean()).astype(np.float32)

    def _lexical_text(self, clause: Clause) -> str:
        hints = " ".join(clause.hints) if self.tuning.use_hints else ""
        return " ".join((clause.heading, clause.group, clause.text, hints))

    def _build_lexical(self) -> bm25s.BM25:
        corpus = [textproc.content_stems(self._lexical_text(c)) or ["_"] for c in self.clauses]
        retriever = bm25s.BM25()
        retriever.index(corpus, show_progress=False)
        return retriever

    # ------------------------------------------------------------------ lookups
    @property
    def policies(self) -> list[PolicyInfo]:
        today = self.today or dt.date.today()
        return [replace(p, review_overdue=review_overdue(p.review_date, today)) for p in self.stored.policies.values()]

    @cached_property
    def _policy_by_id(self) -> dict[str, PolicyInfo]:
        return {p.id: p for p in self.policies}

    def policy(self, policy_id: str | None = None) -> PolicyInfo:
        if policy_id is None:
            return self.policies[0]
        return self._policy_by_id[policy_id]

    def clause(self, clause_id: str, policy_id: str | None = None) -> Clause:
        if policy_id is not None:
            return self._by_id[(policy_id, clause_id)]
        return self._by_plain_id[clause_id]

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.embedder.encode(texts)

    # ------------------------------------------------------------------ asking
    def ask(self, question: str, *, top_k: int = 3) -> Answer:
        top_k = max(1, int(top_k))
        cleaned = textproc.clean(question)
        notice = None
        if len(cleaned) > textproc.MAX_QUESTION_CHARS:
            cleaned = cleaned[: textproc.MAX_QUESTION_CHARS].rsplit(" ", 1)[0]
            notice = (f"Your message was long, so only its first {textproc.MAX_QUESTION_CHARS:,} "
                      "characters were used. Ask one question at a time for the best answer.")
        if not any(ch.isalnum() for ch in cleaned):
            return Answer(question=question, status=AnswerStatus.EMPTY, ranked=(), policy=self.policy(),
                          notice="Please type a question, for example: can I post photos of the children?")
        if textproc.is_small_talk(cleaned):
            return Answer(question=question, status=AnswerStatus.SMALL_TALK, ranked=(), policy=self.policy(),
                          notice=notice)
        scores, signals = self.score(cleaned)
        order = np.argsort(-scores, kind="stable")[: max(top_k, 3)]
        ranked = tuple(RankedClause(self.clauses[i], float(scores[i])) for i in order[:top_k])
        answered = self._decide(scores[order[0]], signals)
        top = self.clauses[order[0]]
        return Answer(
            question=question,
            status=AnswerStatus.ANSWERED if answered else AnswerStatus.NOT_COVERED,
            ranked=ranked,
            policy=self.policy(top.policy_id),
            qualifiers=self.qualifiers_of(top) if answered else (),
            notice=notice,
            extra={"signals": signals},
        )

    def qualifiers_of(self, clause: Clause) -> tuple[Clause, ...]:
        found = [self._by_id[(clause.policy_id, q)] for q in clause.qualifiers]
        return tuple(sorted(found, key=lambda c: c.order))

    def score(self, cleaned: str) -> tuple[np.ndarray, dict]:
        t = self.tuning
        tokens = [self._speller.fix(w) for w in textproc.words(cleaned)]
        stems = [textproc.stem(w) for w in tokens]
        concepts = textproc.matched_concepts(stems)
        expansion = " ".join(c.expansion for c in concepts)
        corrected = " ".join(tokens)

        if t.rewrite_query:
            expanded_text = textproc.rewrite(tokens, stems)
        else:
            expanded_text = f"{corrected} ({expansion})" if expansion else corrected
        query_vectors = self.embedder.encode([corrected, expanded_text])
        sims, ids = self.stored.vectors.search(query_vectors, self.stored.vectors.ntotal)
        dense = np.full((2, len(self.clauses)), -1.0, dtype=np.float32)
        for row in range(2):
            weighted = sims[row] * self._view_weight[ids[row]]
            np.maximum.at(dense[row], self._view_clause[ids[row]], weighted)
        dense_plain, dense_expanded = dense[0], dense[1]
        wording = np.full(len(self.clauses), -1.0, dtype=np.float32)
        own_words = self._is_own_words[ids[0]]
        np.maximum.at(wording, self._view_clause[ids[0]][own_words], sims[0][own_words])
        dense_score = (1 - t.expanded_query_weight) * dense_plain + t.expanded_query_weight * dense_expanded
        dense_score = dense_score - t.hub_penalty * self._hubness

        content = [s for s, w in zip(stems, tokens) if w not in textproc.STOPWORDS]
        if t.rewrite_lexical:
            lexical = self._bm25(textproc.content_stems(textproc.rewrite(tokens, stems)))
        else:
            lexical = self._bm25(content)
        if expansion and not t.rewrite_lexical:
            lexical = lexical + t.expansion_lexical_weight * self._bm25(textproc.content_stems(expansion))
        top_lexical = float(lexical.max()) if lexical.size else 0.0
        lexical_norm = lexical / top_lexical if top_lexical > 0 else lexical
        fused = t.dense_weight * dense_score + t.lexical_weight * lexical_norm * float(dense_score.max())
        query_stems = set(content) | set(textproc.content_stems(expansion))
        self._promote_exceptions(fused, query_stems)
        if any(c.expansion == "responsibility" for c in concepts):
            self._order_role_group(fused, query_stems)
        other_topic = float((self.stored.background @ query_vectors[0]).max())
        signals = {
            "other_topic": other_topic,
            "dense_plain": float(dense_plain.max()),
            "dense_expanded": float(dense_expanded.max()),
            "lexical": top_lexical,
            "concepts": len(concepts),
            "subject": sum(c.subject for c in concepts),
            "wording": float(wording.max()),
            "corrected": corrected,
            "expansion": expansion,
        }
        return fused, signals

    def _promote_exceptions(self, scores: np.ndarray, query_stems: set[str]) -> None:
        """People ask about their special case: when a question names an exception's own
        condition (words its rule lacks) and the exception scores close to the rule, the
        exception is the answer and goes just above its rule."""
        margin = self.tuning.exception_margin
        for rule, exception, own_stems in self._exceptions:
            if own_stems & query_stems and scores[exception] >= scores[rule] - margin:
                scores[exception] = max(scores[exception], scores[rule] + 1e-3)

    def _order_role_group(self, scores: np.ndarray, query_stems: set[str]) -> None:
        """"What do governors have to do?" is answered by the governors' clauses in the order
        the policy lists them, starting where the best of them scores."""
        top = float(scores.max())
        for role_stems, members in self._groups.values():
            if not role_stems & query_stems:
                continue
            for rank, i in enumerate(members):
                scores[i] = top + 1e-3 * (len(members) - rank)

    def _bm25(self, stems: list[str]) -> np.ndarray:
        vocab = self._lexical.vocab_dict
        known = [s for s in stems if s in vocab]
        if not known:
            return np.zeros(len(self.clauses), dtype=np.float32)
        return np.asarray(self._lexical.get_scores(known), dtype=np.float32)

    def _decide(self, top_score: float, signals: dict) -> bool:
        t = self.tuning
        margin = signals["wording"] - signals["other_topic"]
        if signals["wording"] >= t.strong_dense and margin >= t.strong_margin:
            return True
        return signals["subject"] > 0 and top_score >= t.answer_threshold and margin >= t.subject_margin
