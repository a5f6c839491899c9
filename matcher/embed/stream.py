"""Embed a stream of (id, text) into the embedding cache, chunk by chunk, resumable.

The stream (e.g. `RecordStore.iter_texts`) is read `chunk` items at a time; the texts of a
chunk not yet cached are encoded as one job on a batch backend (this process or a Ray
cluster, `matcher.batch`) and each finished chunk is saved as a cache shard, in stream
order. Memory is bounded by the chunks in flight (plus the cache's key table); an
interrupted run resumes because cached texts are skipped. An ensemble is cached member by
member, as `encode_with_cache` does, so `matcher index` finds every vector cached.
"""

from __future__ import annotations

import collections
import itertools
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from matcher.batch import BatchBackend, LocalBackend
from matcher.embed.base import Encoder
from matcher.embed.cache import EmbeddingCache

CHUNK = 4096
_KEPT: dict[str, tuple[str, Encoder]] = {}  # per process: name → (run, encoder kept)


@dataclass(frozen=True)
class EmbedSummary:
    """What one streaming run did: texts read, texts encoded, texts already cached."""

    texts: int
    embedded: int
    cached: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def encode_job(
    shared: tuple[str, Sequence[Encoder]], texts: Sequence[Sequence[str]]
) -> list[np.ndarray]:
    """The batch job: `texts[i]` encoded by the run's `encoders[i]`. A worker process keeps
    the first copy of each encoder of a run (`shared` = (run id, encoders)) it receives, so a
    model loads once per worker and run, not once per job."""
    run, encoders = shared
    vectors = []
    for encoder, part in zip(encoders, texts, strict=True):
        kept_run, kept = _KEPT.get(encoder.name, ("", encoder))
        if kept_run != run:
            kept = encoder
            _KEPT[encoder.name] = (run, encoder)
        vectors.append(kept.encode(list(part)) if part else np.zeros((0, encoder.dim), "float32"))
    return vectors


def embed_stream(
    items: Iterable[tuple[str, str]],
    encoder: Encoder,
    cache_dir: Path,
    *,
    chunk: int = CHUNK,
    backend: BatchBackend | None = None,
    total: int | None = None,
    progress: bool = True,
) -> EmbedSummary:
    """Cache the vectors of every text of `items` ((id, text) pairs) under `cache_dir`."""
    start = time.perf_counter()
    members = getattr(encoder, "members", None)
    encoders = [member for member, _ in members] if members else [encoder]
    caches = [EmbeddingCache(cache_dir, member.name) for member in encoders]
    backend = backend or LocalBackend()
    counts = {"texts": 0, "embedded": 0}
    pending: collections.deque[tuple[int, list[list[str]]]] = collections.deque()

    def jobs() -> Iterator[list[list[str]]]:
        for part in _chunks(items, chunk):
            texts = [text for _, text in part]
            todo = [cache.missing(texts) for cache in caches]
            counts["texts"] += len(part)
            pending.append((len(part), todo))
            yield todo

    with tqdm(
        total=total, desc=f"编码 {encoder.name}", unit="条", disable=None if progress else True,
        mininterval=0.5, smoothing=0.1,
    ) as bar:  # fmt: skip
        shared = (uuid.uuid4().hex, encoders)
        for vectors in backend.map(encode_job, shared, _nonempty(jobs(), pending, bar)):
            size, todo = pending.popleft()
            for cache, texts, part in zip(caches, todo, vectors, strict=True):
                if texts:
                    cache.put_many(texts, part)
            counts["embedded"] += max(len(texts) for texts in todo)
            bar.update(size)
    texts = counts["texts"]
    embedded = counts["embedded"]
    return EmbedSummary(texts, embedded, texts - embedded, time.perf_counter() - start)


def _nonempty(
    jobs: Iterator[list[list[str]]],
    pending: collections.deque[tuple[int, list[list[str]]]],
    bar: tqdm,
) -> Iterator[list[list[str]]]:
    """The jobs with something to encode; a fully cached chunk only moves the bar."""
    for todo in jobs:
        if any(todo):
            yield todo
        else:
            size, _ = pending.pop()
            bar.update(size)


def _chunks(items: Iterable[tuple[str, str]], size: int) -> Iterator[list[tuple[str, str]]]:
    iterator = iter(items)
    while part := list(itertools.islice(iterator, size)):
        yield part
