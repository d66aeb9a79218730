"""A deterministic stand-in for sentence embeddings in tests: hashed bag of words, L2-normalised.
Texts sharing words are similar, so guidance matching can be tested without the model."""
from __future__ import annotations

import hashlib
import re

import numpy as np


def hashed_word_vectors(texts: list[str], dimensions: int = 64) -> np.ndarray:
    rows = np.zeros((len(texts), dimensions), dtype=np.float32)
    for i, text in enumerate(texts):
        for word in re.findall(r"[a-z]+", text.lower()):
            rows[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % dimensions] += 1.0
        norm = np.linalg.norm(rows[i])
        if norm:
            rows[i] /= norm
    return rows
