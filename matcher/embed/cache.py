"""Embedding cache keyed by sha256(text) per encoder name, stored as append-only shards.

Layout: `root/<slug>-<hash of encoder name>/` holds `meta.json` and shards
`<stamp>.vectors.npy` (float32 [n, dim]) + `<stamp>.keys.npy` (sha256 digests, uint8 [n, 32]).
The keys file is written last, so a shard counts only once both files are complete;
every file is written atomically. Vectors are memory-mapped on open.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tqdm import tqdm

from matcher.atomic import atomic_path, write_text_atomic
from matcher.embed.base import Encoder
from matcher.errors import MatcherError

DEFAULT_CACHE_DIR = Path("~/.cache/matcher/embeddings").expanduser()


def text_key(text: str) -> bytes:
    """The cache key of a text: its sha256 digest (32 bytes)."""
    return hashlib.sha256(text.encode("utf-8")).digest()


def _folder_name(encoder_name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", encoder_name).strip("._")[-48:] or "encoder"
    return f"{slug}-{hashlib.sha256(encoder_name.encode('utf-8')).hexdigest()[:12]}"


def _save_npy(target: Path, array: np.ndarray) -> None:
    with atomic_path(target) as tmp, tmp.open("wb") as handle:
        np.save(handle, array)


class EmbeddingCache:
    """Vectors of one encoder, looked up by text content."""

    def __init__(self, root: Path, encoder_name: str) -> None:
        self.encoder_name = encoder_name
        self.root = Path(root).expanduser()
        self.folder = self.root / _folder_name(encoder_name)
        self.dim: int | None = None
        self._shards: list[np.ndarray] = []
        self._where: dict[bytes, tuple[int, int]] = {}
        self._open()

    def _open(self) -> None:
        meta = self.folder / "meta.json"
        if not meta.exists():
            return
        info = json.loads(meta.read_text(encoding="utf-8"))
        if info.get("encoder") != self.encoder_name:
            raise MatcherError(
                f"向量缓存 {self.folder} 属于编码器 {info.get('encoder')}，不是 {self.encoder_name}"
            )
        self.dim = int(info["dim"])
        for keys_path in sorted(self.folder.glob("*.keys.npy")):
            vectors_path = keys_path.with_name(keys_path.name.replace(".keys.", ".vectors."))
            keys = np.load(keys_path)
            vectors = np.load(vectors_path, mmap_mode="r")
            if vectors.shape != (len(keys), self.dim):
                raise MatcherError(
                    f"向量缓存分片损坏：{vectors_path}，请删除目录 {self.folder} 后重试"
                )
            self._add_shard(keys, vectors)

    def _add_shard(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        shard = len(self._shards)
        self._shards.append(vectors)
        flat = np.ascontiguousarray(keys, dtype=np.uint8).tobytes()
        for row in range(len(keys)):
            self._where[flat[row * 32 : row * 32 + 32]] = (shard, row)

    def __len__(self) -> int:
        return len(self._where)

    def missing(self, texts: Sequence[str]) -> list[str]:
        """The distinct texts of `texts` that are not cached, in first-seen order."""
        return [t for t in dict.fromkeys(texts) if text_key(t) not in self._where]

    def get_many(self, texts: Sequence[str]) -> tuple[np.ndarray, list[int]]:
        """(vectors of the texts found, in input order; indexes of the texts not found)."""
        hits: list[np.ndarray] = []
        misses: list[int] = []
        for i, text in enumerate(texts):
            place = self._where.get(text_key(text))
            if place is None:
                misses.append(i)
            else:
                hits.append(self._shards[place[0]][place[1]])
        if not hits:
            return np.zeros((0, self.dim or 0), dtype=np.float32), misses
        return np.asarray(np.stack(hits), dtype=np.float32), misses

    def put_many(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Store vectors for texts not yet cached, as one new shard."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if len(texts) != len(vectors):
            raise ValueError("texts and vectors differ in length")
        fresh: dict[bytes, int] = {}
        for i, text in enumerate(texts):
            key = text_key(text)
            if key not in self._where:
                fresh.setdefault(key, i)
        if not fresh:
            return
        if self.dim is None:
            self.dim = int(vectors.shape[1])
            meta = {"encoder": self.encoder_name, "dim": self.dim}
            write_text_atomic(
                self.folder / "meta.json", json.dumps(meta, ensure_ascii=False) + "\n"
            )
        elif vectors.shape[1] != self.dim:
            raise MatcherError(
                f"向量维度 {vectors.shape[1]} 与缓存 {self.folder} 的维度 {self.dim} 不一致"
            )
        keys = np.frombuffer(b"".join(fresh), dtype=np.uint8).reshape(len(fresh), 32)
        rows = np.ascontiguousarray(vectors[list(fresh.values())])
        stamp = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
        _save_npy(self.folder / f"{stamp}.vectors.npy", rows)
        _save_npy(self.folder / f"{stamp}.keys.npy", keys)
        self._add_shard(keys, rows)


def encode_with_cache(
    encoder: Encoder,
    texts: Sequence[str],
    cache: EmbeddingCache,
    batch_size: int = 256,
    flush_every: int = 16_384,
    progress: bool = True,
) -> np.ndarray:
    """Vectors for `texts`; only texts missing from `cache` are encoded (each distinct text once).

    New vectors are saved every `flush_every` texts, so an interrupted run resumes. An
    ensemble is cached member by member (each member's vectors serve every ensemble of it).
    """
    texts = list(texts)
    members = getattr(encoder, "members", None)
    if members is not None:
        parts = [
            encode_with_cache(
                member, texts, EmbeddingCache(cache.root, member.name), batch_size, flush_every,
                progress,
            )
            for member, _ in members
        ]  # fmt: skip
        return encoder.combine(parts)
    if not texts:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    _, misses = cache.get_many(texts)
    todo = list(dict.fromkeys(texts[i] for i in misses))
    with tqdm(
        total=len(todo), desc=f"编码 {encoder.name}", unit="条", disable=not progress or not todo
    ) as bar:
        for start in range(0, len(todo), flush_every):
            chunk = todo[start : start + flush_every]
            parts = []
            for offset in range(0, len(chunk), batch_size):
                parts.append(encoder.encode(chunk[offset : offset + batch_size]))
                bar.update(len(parts[-1]))
            cache.put_many(chunk, np.concatenate(parts))
    found, misses = cache.get_many(texts)
    if misses:
        raise MatcherError(f"向量缓存写入后仍缺少 {len(misses)} 条文本：{cache.folder}")
    return found
