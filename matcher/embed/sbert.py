"""Dense encoder over any sentence-transformers model given by local path or cached name."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from matcher.embed.base import l2_normalise
from matcher.errors import MatcherError


def default_device() -> str:
    """ "cuda" when torch sees a GPU, else "cpu"."""
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


class SentenceTransformerEncoder:
    """A sentence-transformers model; never downloads (local directory or local HF cache only)."""

    def __init__(
        self, model_name_or_path: str, batch_size: int = 64, device: str | None = None
    ) -> None:
        self.name = str(model_name_or_path)
        self.batch_size = batch_size
        self.device = device
        self._model: Any = None

    def __getstate__(self) -> dict[str, Any]:
        """Pickles without the loaded model (e.g. for a Ray worker), which loads it again."""
        return {**self.__dict__, "_model": None}

    def _load(self) -> Any:
        if self._model is not None:
            return self._model
        local_dir = Path(self.name).expanduser().is_dir()
        if local_dir:
            os.environ["HF_HUB_OFFLINE"] = "1"
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(
                self.name, device=self.device or default_device(), local_files_only=True
            )
        except Exception as exc:
            where = "本地目录" if local_dir else "本地缓存（不会联网下载）"
            raise MatcherError(
                f"无法加载句向量模型 “{self.name}”：{where}中没有可用的模型文件"
                f"（{type(exc).__name__}）。请给出已下载模型的本地路径。"
            ) from exc
        return self._model

    @property
    def dim(self) -> int:
        """Embedding size (loads the model)."""
        model = self._load()
        size = (
            getattr(model, "get_embedding_dimension", None)
            or model.get_sentence_embedding_dimension
        )
        return int(size())

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Float32 [n, dim], rows L2-normalised."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._load().encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return l2_normalise(vectors)
