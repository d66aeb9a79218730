"""What the search learns from the question banks: which clause answers a question, or that no
clause does.

A multinomial logistic regression over the question's embedding: the plain question, the same
pulled towards its concepts' policy language, and the sentence that asks (for a long message),
side by side. Its classes are the clauses, plus "not covered" (the banks' other-topic questions)
and "off topic" (chat that is not about work at all). It is trained at index build from the
banks, the clauses' own words and their hints, and stored as plain arrays beside the index, so
answering needs only numpy. The probabilities rank the clauses, decide "not covered", and say
when a second clause is close enough to offer as "did you mean".
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NOT_COVERED = "!not-covered"
OFF_TOPIC = "!off-topic"


@dataclass
class Classifier:
    labels: list[str]      # a clause key ("policy/clause id") or NOT_COVERED / OFF_TOPIC, per row
    coef: np.ndarray       # (classes, features)
    intercept: np.ndarray  # (classes,)

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        logits = self.coef @ features + self.intercept
        logits -= logits.max()
        exp = np.exp(logits)
        return exp / exp.sum()

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {"coef": self.coef.astype(np.float32), "intercept": self.intercept.astype(np.float32),
                "labels": np.array(self.labels)}

    @classmethod
    def from_arrays(cls, arrays) -> "Classifier":
        return cls(labels=[str(x) for x in arrays["labels"]], coef=np.asarray(arrays["coef"], dtype=np.float32),
                   intercept=np.asarray(arrays["intercept"], dtype=np.float32))


def features(plain: np.ndarray, expanded: np.ndarray, asking: np.ndarray | None) -> np.ndarray:
    """The classifier's input for one question (the three vectors side by side)."""
    return np.concatenate([plain, expanded, plain if asking is None else asking]).astype(np.float32)


def train(X: np.ndarray, y: list[str], *, strength: float) -> Classifier:
    """Fit on rows `X` labelled `y`. `strength` is the inverse regularisation (scikit-learn's C)."""
    from sklearn.linear_model import LogisticRegression  # only at build time

    model = LogisticRegression(C=strength, max_iter=3000)
    model.fit(X, np.array(y))
    return Classifier(labels=[str(c) for c in model.classes_], coef=model.coef_.astype(np.float32),
                      intercept=model.intercept_.astype(np.float32))
