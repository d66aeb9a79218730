"""Answer a question from the clause index.

1. Clean the message (Unicode, chat markup, length); pleasantries get a short reply, not a clause.
2. Read it (`index.query`): fix typos against the policies' own words and the vocabulary, name
   its everyday concepts, embed it (and, in a long message, the sentence that asks).
3. Rank the clauses. With a question bank, by what was learnt from it (`index.learner`): the
   probability that each clause answers the question, that the policy does not cover it, or that
   it is not about work at all. Without one, by the hybrid dense + lexical score (`index.hybrid`).
4. Decide: answered, not covered, or off topic; and offer the next clause or two as "did you
   mean" when they are close to the first.
5. Return the ranked clauses with the clauses that qualify the first one.

Entries approved at run time (learnt from use) take effect at once: an approved question that
matches the asked one decides the answer, and the classifier is retrained with them in the
background (a second or two) so their paraphrases are learnt too.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, fields, replace
from functools import cached_property
from pathlib import Path
from typing import Sequence

import faiss
import numpy as np
from rapidfuzz import fuzz, process

from index import bank, learner
from index import text as textproc
from index.embedding import Embedder
from index.hybrid import HybridScorer
from index.review import review_overdue
from index.store import (
    CLASSIFIER_STRENGTH, Progress, StoredIndex, clause_key, load_or_build, own_words_features, reader_for,
)
from index.types import Answer, AnswerStatus, Clause, LearnedEntry, PolicyInfo, RankedClause

log = logging.getLogger(__name__)

# A search over a few hundred vectors takes microseconds; OpenMP threads would only fight
# the model's own threads for the cores and add milliseconds per call.
faiss.omp_set_num_threads(1)

EMPTY_NOTICE = "Please type a question, for example: can I post photos of the children?"
ENGLISH_NOTICE = ("I can only read questions written in English, sorry. Please ask again in English, "
                  "or ask your line manager.")
LONG_NOTICE = "Your message was long, so only its first {limit:,} characters were read."


@dataclass(frozen=True)
class Tuning:
    """Every weight the method uses, in one place, so `policybot eval` can print them.

    The learnt part's three settings were chosen by leave-one-author-out on the question bank
    (never on an evaluation set); the hybrid weights are the no-bank method's."""

    # learnt from the question bank
    use_bank: bool = True
    not_covered_from: float = 0.5  # "not covered" once P(not covered) + P(off topic) reaches this
    alternatives_ratio: float = 0.1  # "did you mean": a clause at least this share of the first one's probability
    max_alternatives: int = 2
    # "not about work" (no offer of the line manager) only when it clearly outweighs "not covered":
    # when unsure, the answer that still offers a person to ask is the safer one.
    off_topic_ratio: float = 2.0
    learned_match: float = 0.92  # an approved entry this similar to the question decides the answer
    hybrid_share: float = 0.1  # ranking: the learnt probability plus this times the hybrid score (its share
    #                           keeps words the bank never used, e.g. after a policy edit, findable)
    # the hybrid score (no question bank)
    dense_weight: float = 0.6
    lexical_weight: float = 0.4
    expansion_lexical_weight: float = 1.0  # BM25 weight of concept expansions vs the question's words
    expanded_query_weight: float = 0.8  # dense score: share of the expanded vs the plain question
    hub_penalty: float = 0.3  # times a clause's similarity to its nearest other clauses
    intent_weight: float = 0.2  # "what do I do?" favours reporting clauses; "can I?" the conduct rules
    exception_margin: float = 0.12  # an exception this close to its rule, naming its condition, goes first
    answer_threshold: float = 0.25  # fused score the top clause needs
    strong_dense: float = 0.7  # similarity to a clause's own words that answers without subject words
    strong_margin: float = 0.15  # ... when that much closer to the clause than to any other school topic
    subject_margin: float = -0.15  # a question with subject words may be this much closer to another topic
    use_hints: bool = True

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class PolicyIndex:
    """Searchable clauses of every policy in a folder."""

    def __init__(self, stored: StoredIndex, embedder: Embedder, *, tuning: Tuning | None = None,
                 today: dt.date | None = None, classifier: learner.Classifier | None = None):
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
        self.reader = reader_for(self.clauses, stored.data, embedder, stored.concepts, use_hints=self.tuning.use_hints)
        self.hybrid = HybridScorer(stored, self.tuning, stored.data.roles)
        learnt = stored.learnt
        self._classifier = classifier or (learnt.classifier if learnt else None)
        self._distinctive = self._distinctive_words()
        # Question-bank entries approved at run time (learnt from use).
        self._learned_vectors = np.zeros((0, stored.vectors.d), dtype=np.float32)
        self._learned_owner = np.zeros(0, dtype=np.int64)
        self._learned_rows: list[tuple[np.ndarray, str]] = []  # (features, label), for retraining
        self._learn_lock = threading.Lock()

    # ------------------------------------------------------------------ construction
    @classmethod
    def load(cls, *, policy_dir: Path, index_dir: Path, progress: Progress | None = None,
             embedder: Embedder | None = None, tuning: Tuning | None = None, rebuild: bool = False,
             today: dt.date | None = None) -> "PolicyIndex":
        """Load the index (building or rebuilding it when the policy files changed)."""
        embedder = embedder or Embedder()
        stored = load_or_build(policy_dir=policy_dir, index_dir=index_dir, embedder=embedder,
                               progress=progress, force=rebuild)
        return cls(stored, embedder, tuning=tuning, today=today)

    def with_tuning(self, **changes) -> "PolicyIndex":
        return PolicyIndex(self.stored, self.embedder, tuning=replace(self.tuning, **changes), today=self.today,
                           classifier=self._classifier)

    def with_classifier(self, classifier: learner.Classifier | None) -> "PolicyIndex":
        """The same index answering with another classifier (leave-one-author-out evaluation)."""
        return PolicyIndex(self.stored, self.embedder, tuning=self.tuning, today=self.today, classifier=classifier)

    def _distinctive_words(self) -> dict[str, int]:
        """Names used by exactly one clause that no bank question uses and the model does not know
        as a word (an app, a site, a body): typically added by a policy edit after the bank was
        written. A question naming one is about that clause although nothing learnt knows it yet."""
        learnt = self.stored.learnt
        if learnt is None:
            return {}
        known = self.embedder.vocabulary | self.reader.concepts.words
        seen: dict[str, set[int]] = {}
        for i, clause in enumerate(self.clauses):
            for word in textproc.words(self.hybrid.lexical_text(clause)):
                if len(word) > 3 and word.isalpha() and word not in known:
                    seen.setdefault(textproc.stem(word), set()).add(i)
        used = {s for q in learnt.questions for s in textproc.content_stems(q)}
        return {s: next(iter(found)) for s, found in seen.items() if len(found) == 1 and s not in used}

    @property
    def has_bank(self) -> bool:
        return self._classifier is not None and self.tuning.use_bank

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

    def qualifiers_of(self, clause: Clause) -> tuple[Clause, ...]:
        found = [self._by_id[(clause.policy_id, q)] for q in clause.qualifiers]
        return tuple(sorted(found, key=lambda c: c.order))

    def find_clause(self, text: str, policy_id: str) -> Clause | None:
        """The clause with these words: exactly, else nearly (a policy edit fixed a typo or a word)."""
        candidates = [c for c in self.clauses if c.policy_id == policy_id]
        exact = next((c for c in candidates if c.text == text), None)
        if exact is not None or not candidates:
            return exact
        match = process.extractOne(text, [c.text for c in candidates], scorer=fuzz.ratio, score_cutoff=90)
        return candidates[match[2]] if match else None

    def clauses_named(self, ref: str, policy_id: str | None = None) -> list[Clause]:
        """The clauses a clause id, section number or quoted words name (see `index.bank.named`)."""
        return bank.named(ref, [c for c in self.clauses if policy_id is None or c.policy_id == policy_id])

    # ------------------------------------------------------------------ learning from use
    def learn(self, entries: Sequence[LearnedEntry]) -> int:
        """Take approved question-bank entries now (no rebuild), then retrain in the background."""
        taken = [(e, self._position[(e.policy_id, e.clause_id)]) for e in entries
                 if (e.policy_id, e.clause_id) in self._position and e.question.strip()]
        if not taken:
            return 0
        reads = [self.reader.read(textproc.clean(e.question)) for e, _ in taken]
        found = self.reader.vectors_many(reads)
        with self._learn_lock:
            self._learned_vectors = np.vstack([self._learned_vectors, [v.plain for v in found]]).astype(np.float32)
            self._learned_owner = np.concatenate([self._learned_owner, [i for _, i in taken]]).astype(np.int64)
            self._learned_rows += [(learner.features(v.plain, v.expanded, v.asking), clause_key(self.clauses[i]))
                                   for v, (_, i) in zip(found, taken, strict=True)]
        if self._classifier is not None and self.stored.learnt is not None:
            threading.Thread(target=self._retrain, name="policybot-retrain", daemon=True).start()
        return len(taken)

    def _retrain(self) -> None:
        learnt = self.stored.learnt
        with self._learn_lock:
            rows = list(self._learned_rows)
        X_own, y_own = own_words_features(self.stored)
        X = np.vstack([learnt.features, X_own, np.stack([f for f, _ in rows])])
        y = learnt.labels + y_own + [label for _, label in rows]
        try:
            classifier = learner.train(X, y, strength=CLASSIFIER_STRENGTH)
        except Exception:  # a failed retrain keeps the current classifier; approved matches still apply
            log.exception("retraining with learnt question-bank entries failed")
            return
        self._classifier = classifier
        log.info("retrained with %d learnt question-bank entries", len(rows))

    # ------------------------------------------------------------------ asking
    def ask(self, question: str, *, top_k: int = 3) -> Answer:
        """Answer one question: ranked clauses (at least `top_k`) and whether they answer it."""
        top_k = max(1, int(top_k))
        cleaned = textproc.clean(question)
        notice = None
        if len(cleaned) > textproc.MAX_QUESTION_CHARS:
            cleaned = cleaned[: textproc.MAX_QUESTION_CHARS].rsplit(" ", 1)[0]
            notice = LONG_NOTICE.format(limit=textproc.MAX_QUESTION_CHARS)
        if not any(ch.isalnum() for ch in cleaned):
            return Answer(question=question, status=AnswerStatus.EMPTY, ranked=(), policy=self.policy(),
                          notice=EMPTY_NOTICE)
        talk = textproc.small_talk(cleaned)
        if talk is not None:
            return Answer(question=question, status=AnswerStatus.SMALL_TALK, ranked=(), policy=self.policy(),
                          notice=notice, small_talk=talk)
        query = self.reader.read(cleaned)
        vectors = self.reader.vectors(query)
        with self._learn_lock:
            learned = (self._learned_vectors, self._learned_owner)
        fused, signals = self.hybrid.score(query, vectors, learned)
        if self.has_bank:
            probabilities, status = self._learnt(query, vectors, learned, signals)
            scores = probabilities + self.tuning.hybrid_share * fused / max(float(fused.max()), 1e-6)
            self.hybrid.order_role_duties(scores, query)
        else:
            scores = fused
            status = AnswerStatus.ANSWERED if self.hybrid.decide(float(fused.max()), signals) else AnswerStatus.NOT_COVERED
        if not self._reads_as_english(cleaned):
            status, notice = AnswerStatus.NOT_COVERED, ENGLISH_NOTICE
        order = np.argsort(-scores, kind="stable")
        top = self.clauses[order[0]]
        answered = status is AnswerStatus.ANSWERED
        qualifiers = self.qualifiers_of(top) if answered else ()
        alternatives = self._alternatives(probabilities, order, qualifiers) if answered and self.has_bank else ()
        return Answer(
            question=question,
            status=status,
            ranked=tuple(RankedClause(self.clauses[i], float(scores[i])) for i in order[:top_k]),
            policy=self.policy(top.policy_id),
            qualifiers=qualifiers,
            notice=notice,
            alternatives=alternatives,
            extra={"signals": signals},
        )

    def _learnt(self, query, vectors, learned, signals: dict) -> tuple[np.ndarray, AnswerStatus]:
        """Clause probabilities from the classifier, and the answer's status."""
        classifier = self._classifier
        probabilities = classifier.probabilities(learner.features(vectors.plain, vectors.expanded, vectors.asking))
        scores = np.zeros(len(self.clauses), dtype=np.float32)
        outside = {learner.NOT_COVERED: 0.0, learner.OFF_TOPIC: 0.0}
        for label, p in zip(classifier.labels, probabilities, strict=True):
            if label in outside:
                outside[label] = float(p)
            else:
                policy_id, _, clause_id = label.partition("/")
                scores[self._position[(policy_id, clause_id)]] = p
        signals["not_covered"], signals["off_topic"] = outside[learner.NOT_COVERED], outside[learner.OFF_TOPIC]
        learned_vectors, owners = learned
        distinctive = [self._distinctive[s] for s in query.stems if s in self._distinctive]
        if distinctive:
            scores[distinctive[0]] = float(scores.max()) + 0.5
            return scores, AnswerStatus.ANSWERED
        if len(learned_vectors):
            similarity = learned_vectors @ vectors.plain
            best = int(np.argmax(similarity))
            if similarity[best] >= self.tuning.learned_match:
                # The policy owner approved this clause for (nearly) this very question.
                scores[owners[best]] = float(scores.max()) + 1.0
                return scores, AnswerStatus.ANSWERED
        if sum(outside.values()) < self.tuning.not_covered_from:
            return scores, AnswerStatus.ANSWERED
        off = outside[learner.OFF_TOPIC] > self.tuning.off_topic_ratio * outside[learner.NOT_COVERED]
        return scores, AnswerStatus.OFF_TOPIC if off else AnswerStatus.NOT_COVERED

    def _alternatives(self, scores: np.ndarray, order: np.ndarray, qualifiers: tuple[Clause, ...]) -> tuple[Clause, ...]:
        """"Did you mean ...?": the next clauses (in answer order) whose probability is close to
        the first one's (not those already shown as its qualifiers)."""
        top = max(float(scores[order[0]]), 1e-6)
        shown = {c.id for c in qualifiers}
        offered = []
        for i in order[1:6]:
            if len(offered) >= self.tuning.max_alternatives:
                break
            if scores[i] >= self.tuning.alternatives_ratio * top and self.clauses[i].id not in shown:
                offered.append(self.clauses[i])
        return tuple(offered)

    def _reads_as_english(self, cleaned: str) -> bool:
        """Most words are ones the model, the policy or the vocabulary knows (after typo fixes).
        The model reads English only, so another language would get a confident wrong clause."""
        letters = [ch for ch in cleaned if ch.isalpha()]
        if letters and sum(ch.isascii() for ch in letters) < 0.5 * len(letters):
            return False
        speller = self.reader.speller
        longer = [speller.fix(w) for w in textproc.words(cleaned) if len(w) >= 3 and w.isalpha()]
        if len(longer) < 3:
            return True
        known = sum(speller.is_known(w) for w in longer)
        return known >= 0.5 * len(longer)
