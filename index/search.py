"""Answer a question from the clause index: hybrid dense + lexical search with a calibrated abstention.

How a question is answered:
1. clean it (Unicode, chat markup, length); pleasantries get a help reply instead of a clause;
2. fix typos against the policy's own words and the domain vocabulary, and recognise everyday
   phrasings ("kids", "insta", "sacked") as concepts with policy-language expansions
   (`index.vocabulary`);
3. score every clause densely: the question is encoded once, and a second query vector adds
   the precomputed vectors of its concepts; both are compared with several views of each
   clause (its text, its text in context, its hints), the best view counting, and clauses that
   resemble every other clause ("hubs") are discounted;
4. score every clause lexically (BM25 over heading, role, text and hints, plus the concepts'
   expansions) and fuse the two;
5. put an exception above its rule when the question names the exception's own condition,
   and list a role's duties in policy order when the question asks what that role must do;
6. decide "answered" vs "not covered": the question must name the policy's subject and match a
   clause well, or match a clause's own words very closely (closer than any other school topic);
7. return the ranked clauses with the clauses that qualify the best one.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Sequence

import bm25s
import faiss
import numpy as np
from rapidfuzz import fuzz, process

from index import text as textproc
from index.embedding import Embedder
from index.review import review_overdue
from index.store import Progress, StoredIndex, load_or_build
from index.types import Answer, AnswerStatus, Clause, Force, LearnedEntry, PolicyInfo, RankedClause

log = logging.getLogger(__name__)

# A search over a few hundred vectors takes microseconds; OpenMP threads would only fight
# the model's own threads for the cores and add milliseconds per call.
faiss.omp_set_num_threads(1)

_REPORTING = re.compile(r"\breport(?:s|ed|ing)?\b", re.IGNORECASE)
_ROLE = re.compile(r"\b(?:head teachers?|line managers?|managers?|governors?|hr|trade unions?)\b", re.IGNORECASE)

EMPTY_NOTICE = "Please type a question, for example: can I post photos of the children?"
ENGLISH_NOTICE = ("I can only read questions written in English, sorry. Please ask again in English, "
                  "or ask your line manager.")


@dataclass(frozen=True)
class Tuning:
    """The method's weights, in one place so the benchmark and eval can report them."""

    dense_weight: float = 0.6
    lexical_weight: float = 0.4
    expansion_lexical_weight: float = 1.0  # BM25 weight of concept expansions vs the question's words
    concept_vector_weight: float = 0.5  # how far concept vectors pull the expanded query vector
    expanded_query_weight: float = 0.8  # dense score: share of the expanded vs the plain question
    hub_penalty: float = 0.3  # times a clause's similarity to its nearest other clauses
    intent_weight: float = 0.2  # "what do I do?" favours reporting clauses; "can I?" the conduct rules
    exception_margin: float = 0.12  # an exception this close to its rule, naming its condition, goes first
    answer_threshold: float = 0.25  # fused score the top clause needs
    strong_dense: float = 0.7  # similarity to a clause's own words that answers without subject words
    strong_margin: float = 0.15  # ... when that much closer to the clause than to any other school topic
    subject_margin: float = -0.15  # a question with subject words may be this much closer to another topic
    use_hints: bool = True


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
        self._position = {(c.policy_id, c.id): i for i, c in enumerate(self.clauses)}
        self._by_plain_id: dict[str, Clause] = {}
        for clause in self.clauses:
            self._by_plain_id.setdefault(clause.id, clause)
        views = stored.views
        self._view_clause = np.array([v.clause_index for v in views], dtype=np.int64)
        self._view_weight = np.array(
            [0.0 if (v.kind == "hint" and not self.tuning.use_hints) else 1.0 for v in views], dtype=np.float32
        )
        self._is_own_words = np.array([v.kind != "hint" for v in views])
        self._hubness = self._clause_hubness()
        self._lexical = self._build_lexical()
        self._clause_stems = [set(textproc.content_stems(c.text)) for c in self.clauses]
        self._exceptions = self._exception_pairs()
        self._groups = self._role_groups()
        # Clauses that tell staff whom to report something to.
        self._reporting = np.array([bool(_REPORTING.search(c.text)) for c in self.clauses], dtype=np.float32)
        # Clauses that name who does something: a role heading, or a role in their words.
        self._names_role = np.array([bool(c.group or _ROLE.search(c.text)) for c in self.clauses], dtype=np.float32)
        # Items of a definitional list ("... include, but are not limited to:").
        self._defining = np.array([c.context.rstrip().endswith(":") for c in self.clauses], dtype=np.float32)
        # Question-bank entries approved at run time (learnt from use): extra views, taken at once.
        self._learned_vectors = np.zeros((0, stored.vectors.d), dtype=np.float32)
        self._learned_owner = np.zeros(0, dtype=np.int64)
        self._learn_lock = threading.Lock()
        policy_words = {w for c in self.clauses for w in textproc.words(self._lexical_text(c))}
        vocabulary = textproc.vocabulary_words()
        self._speller = textproc.SpellFixer(embedder.vocabulary | vocabulary, policy_words | vocabulary)

    # ------------------------------------------------------------------ construction
    @classmethod
    def load(cls, *, policy_dir: Path, index_dir: Path, progress: Progress | None = None,
             embedder: Embedder | None = None, tuning: Tuning | None = None, rebuild: bool = False,
             today: dt.date | None = None) -> "PolicyIndex":
        """Load the index (building or rebuilding it when the policy text changed)."""
        embedder = embedder or Embedder()
        stored = load_or_build(policy_dir=policy_dir, index_dir=index_dir, embedder=embedder,
                               progress=progress, force=rebuild)
        return cls(stored, embedder, tuning=tuning, today=today)

    def with_tuning(self, **changes) -> "PolicyIndex":
        return PolicyIndex(self.stored, self.embedder, tuning=replace(self.tuning, **changes), today=self.today)

    def _lexical_text(self, clause: Clause) -> str:
        hints = " ".join(clause.hints) if self.tuning.use_hints else ""
        return " ".join((clause.heading, clause.group, clause.text, hints))

    def _build_lexical(self) -> bm25s.BM25:
        corpus = [textproc.content_stems(self._lexical_text(c)) or ["_"] for c in self.clauses]
        retriever = bm25s.BM25()
        retriever.index(corpus, show_progress=False)
        return retriever

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

    # ------------------------------------------------------------------ lookups
    @cached_property
    def policies(self) -> list[PolicyInfo]:
        today = self.today or dt.date.today()
        return [replace(p, review_overdue=review_overdue(p.review_date, today)) for p in self.stored.policies.values()]

    def policy(self, policy_id: str | None = None) -> PolicyInfo:
        if policy_id is None:
            return self.policies[0]
        return next(p for p in self.policies if p.id == policy_id)

    def clause(self, clause_id: str, policy_id: str | None = None) -> Clause:
        """A clause by id (KeyError if unknown); give the policy when several are indexed."""
        if policy_id is not None:
            return self._by_id[(policy_id, clause_id)]
        return self._by_plain_id[clause_id]

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.embedder.encode(texts)

    def find_clause(self, text: str, policy_id: str) -> Clause | None:
        """The clause with these words: exactly, else nearly (a policy edit fixed a typo or a word)."""
        candidates = [c for c in self.clauses if c.policy_id == policy_id]
        exact = next((c for c in candidates if c.text == text), None)
        if exact is not None or not candidates:
            return exact
        match = process.extractOne(text, [c.text for c in candidates], scorer=fuzz.ratio, score_cutoff=90)
        return candidates[match[2]] if match else None

    def learn(self, entries: Sequence[LearnedEntry]) -> int:
        """Take approved question-bank entries now, as extra views of their clauses (no rebuild)."""
        taken = [(e.question, self._position[(e.policy_id, e.clause_id)]) for e in entries
                 if (e.policy_id, e.clause_id) in self._position and e.question.strip()]
        if not taken:
            return 0
        vectors = self.embedder.encode([textproc.clean(q) for q, _ in taken])
        with self._learn_lock:
            self._learned_vectors = np.vstack([self._learned_vectors, vectors]).astype(np.float32)
            self._learned_owner = np.concatenate([self._learned_owner, [i for _, i in taken]]).astype(np.int64)
        return len(taken)

    def qualifiers_of(self, clause: Clause) -> tuple[Clause, ...]:
        found = [self._by_id[(clause.policy_id, q)] for q in clause.qualifiers]
        return tuple(sorted(found, key=lambda c: c.order))

    # ------------------------------------------------------------------ asking
    def ask(self, question: str, *, top_k: int = 3) -> Answer:
        """Answer one question: ranked clauses (at least `top_k`) and whether they answer it."""
        top_k = max(1, int(top_k))
        cleaned = textproc.clean(question)
        notice = None
        if len(cleaned) > textproc.MAX_QUESTION_CHARS:
            cleaned = cleaned[: textproc.MAX_QUESTION_CHARS].rsplit(" ", 1)[0]
            notice = (f"Your message was long, so only its first {textproc.MAX_QUESTION_CHARS:,} "
                      "characters were used. Ask one question at a time for the best answer.")
        if not any(ch.isalnum() for ch in cleaned):
            return Answer(question=question, status=AnswerStatus.EMPTY, ranked=(), policy=self.policy(),
                          notice=EMPTY_NOTICE)
        talk = textproc.small_talk(cleaned)
        if talk is not None:
            return Answer(question=question, status=AnswerStatus.SMALL_TALK, ranked=(), policy=self.policy(),
                          notice=notice, small_talk=talk)
        scores, signals = self.score(cleaned)
        order = np.argsort(-scores, kind="stable")[:top_k]
        top = self.clauses[order[0]]
        answered = self._decide(float(scores[order[0]]), signals)
        if not self._reads_as_english(cleaned):
            answered, notice = False, ENGLISH_NOTICE
        return Answer(
            question=question,
            status=AnswerStatus.ANSWERED if answered else AnswerStatus.NOT_COVERED,
            ranked=tuple(RankedClause(self.clauses[i], float(scores[i])) for i in order),
            policy=self.policy(top.policy_id),
            qualifiers=self.qualifiers_of(top) if answered else (),
            notice=notice,
            extra={"signals": signals},
        )

    def _reads_as_english(self, cleaned: str) -> bool:
        """Most words are ones the model, the policy or the vocabulary knows (after typo fixes).
        The model reads English only, so another language would get a confident wrong clause."""
        letters = [ch for ch in cleaned if ch.isalpha()]
        if letters and sum(ch.isascii() for ch in letters) < 0.5 * len(letters):
            return False
        longer = [self._speller.fix(w) for w in textproc.words(cleaned) if len(w) >= 3 and w.isalpha()]
        if len(longer) < 3:
            return True
        known = sum(self._speller.is_known(w) for w in longer)
        return known >= 0.5 * len(longer)

    def score(self, cleaned: str) -> tuple[np.ndarray, dict]:
        """A fused score for every clause, and the signals the answer decision uses."""
        t = self.tuning
        tokens = [self._speller.fix(w) for w in textproc.words(cleaned)]
        stems = [textproc.stem(w) for w in tokens]
        concepts = textproc.matched_concepts(stems)
        corrected = " ".join(tokens)

        plain, expanded = self._query_vectors(corrected, concepts)
        dense_plain, wording = self._dense(plain)
        dense_expanded, _ = self._dense(expanded)
        dense = (1 - t.expanded_query_weight) * dense_plain + t.expanded_query_weight * dense_expanded
        dense -= t.hub_penalty * self._hubness

        content = [s for s, w in zip(stems, tokens, strict=True) if w not in textproc.STOPWORDS]
        expansion_stems = textproc.content_stems(" ".join(c.expansion for c in concepts))
        lexical = self._bm25(content) + t.expansion_lexical_weight * self._bm25(expansion_stems)
        top_lexical = float(lexical.max())
        if top_lexical > 0:
            lexical /= top_lexical
        fused = t.dense_weight * dense + t.lexical_weight * lexical * float(dense.max())

        intent = textproc.question_intent(corrected)
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
        if any(c.expansion == "responsibility" for c in concepts):
            self._order_role_group(fused, query_stems)
        signals = {
            "wording": float(wording.max()),
            "other_topic": float((self.stored.background @ plain).max()),
            "subject": sum(c.subject for c in concepts),
            "concepts": [c.expansion for c in concepts],
            "intent": intent,
            "corrected": corrected,
        }
        return fused, signals

    def _query_vectors(self, corrected: str, concepts: list) -> tuple[np.ndarray, np.ndarray]:
        """The question's vector, and the same pulled towards its concepts' policy language
        (vector arithmetic on precomputed expansions: one model call per question)."""
        plain = self.embedder.encode_one(corrected)
        if not concepts:
            return plain, plain
        pull = np.mean([self.stored.concepts[c.expansion] for c in concepts], axis=0)
        expanded = plain + self.tuning.concept_vector_weight * pull
        return plain, (expanded / np.linalg.norm(expanded)).astype(np.float32)

    def _dense(self, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per clause: the best similarity over its views, and over its own words only."""
        sims, ids = self.stored.vectors.search(query[None, :], self.stored.vectors.ntotal)
        sims, ids = sims[0], ids[0]
        owners = self._view_clause[ids]
        best = np.full(len(self.clauses), -1.0, dtype=np.float32)
        np.maximum.at(best, owners, sims * self._view_weight[ids])
        own = self._is_own_words[ids]
        wording = np.full(len(self.clauses), -1.0, dtype=np.float32)
        np.maximum.at(wording, owners[own], sims[own])
        learned, learned_owner = self._learned_vectors, self._learned_owner
        if len(learned):
            np.maximum.at(best, learned_owner, learned @ query)
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

    def _order_role_group(self, scores: np.ndarray, query_stems: set[str]) -> None:
        """"What do governors have to do?" is answered by the governors' clauses, at the top,
        in the order the policy lists them."""
        top = float(scores.max())
        for role_stems, members in self._groups:
            if role_stems & query_stems:
                for rank, i in enumerate(members):
                    scores[i] = top + 1e-3 * (len(members) - rank)

    def _decide(self, top_score: float, signals: dict) -> bool:
        """Answered when the question names the policy's subject and a clause fits it, or
        when a clause's own words fit it very closely and better than any other school topic."""
        t = self.tuning
        margin = signals["wording"] - signals["other_topic"]
        if signals["wording"] >= t.strong_dense and margin >= t.strong_margin:
            return True
        return signals["subject"] > 0 and top_score >= t.answer_threshold and margin >= t.subject_margin
