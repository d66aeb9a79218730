"""Leave-one-author-out on the question bank: the honest estimate of answers on new phrasings.

For each author, the classifier is trained on the bank without that author's questions (their
vectors are stored with the index, so nothing is re-encoded for training), and the index then
answers that author's questions exactly as it answers anyone: their clause must come first
(an out-of-scope question must be answered "not covered").
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from index import learner
from index.evaluation import EvalItem, EvalReport, evaluate
from index.store import CLASSIFIER_STRENGTH, own_words_features

if TYPE_CHECKING:
    from index.search import PolicyIndex


def authors(index: "PolicyIndex") -> list[str]:
    learnt = index.stored.learnt
    return sorted({a for a in learnt.authors if a != "off-topic"}) if learnt else []


def items_of(index: "PolicyIndex", author: str) -> list[EvalItem]:
    learnt = index.stored.learnt
    found = []
    for number, (question, label, who) in enumerate(zip(learnt.questions, learnt.labels, learnt.authors,
                                                        strict=True), start=1):
        if who != author:
            continue
        if label in (learner.NOT_COVERED, learner.OFF_TOPIC):
            found.append(EvalItem(question, (), False, number))
        else:
            policy_id, _, clause_id = label.partition("/")
            found.append(EvalItem(question, (index.clause(clause_id, policy_id).text,), True, number))
    return found


def leave_one_author_out(index: "PolicyIndex", *, progress=None) -> dict[str, EvalReport]:
    """{author: report} for every author of the bank."""
    learnt = index.stored.learnt
    if learnt is None:
        raise ValueError("this index has no question bank to leave authors out of")
    X_own, y_own = own_words_features(index.stored)
    reports = {}
    names = authors(index)
    for number, author in enumerate(names, start=1):
        keep = np.array([a != author for a in learnt.authors])
        X = np.vstack([learnt.features[keep], X_own])
        y = [label for label, k in zip(learnt.labels, keep, strict=True) if k] + y_own
        fold = index.with_classifier(learner.train(X, y, strength=CLASSIFIER_STRENGTH))
        reports[author] = evaluate(items_of(index, author), lambda q: fold.ask(q, top_k=3))
        if progress:
            progress(number, len(names))
    return reports
