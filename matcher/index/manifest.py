"""The manifest written beside every saved index, and its verification on load.

`manifest.json` names the encoder, dimension, record count, index type and the sha256 of
every index file (which data version a snapshot reflects is its pointer's business,
`matcher.index.snapshots`). It is written
last, after the index files have been renamed into place, so a save that stops
midway leaves a manifest whose checksums no longer match: the index is refused, never
silently used.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from matcher.atomic import write_text_atomic
from matcher.errors import IndexMismatchError, NotFoundError

MANIFEST_FILE = "manifest.json"
FORMAT_VERSION = 2
REBUILD_HINT = "请运行 matcher index --rebuild 重建索引"


@dataclass(frozen=True)
class Manifest:
    """What an index directory holds and what it was built from."""

    encoder: str
    dim: int
    count: int
    index_type: str
    files: dict[str, str]  # file name -> sha256
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    params: dict[str, Any] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION


@dataclass(frozen=True)
class Expected:
    """What the current encoder and records require of an index."""

    encoder: str
    dim: int | None  # None: not known in advance (the lexical vocabulary size)


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(
    directory: Path,
    files: Sequence[Path],
    *,
    encoder: str,
    dim: int,
    count: int,
    index_type: str,
    params: dict[str, Any] | None = None,
) -> Manifest:
    """Checksum `files` (already in place) and write the manifest atomically, last."""
    manifest = Manifest(
        encoder=encoder,
        dim=dim,
        count=count,
        index_type=index_type,
        files={Path(f).name: sha256_file(f) for f in files},
        params=params or {},
    )
    text = json.dumps(asdict(manifest), ensure_ascii=False, indent=2) + "\n"
    write_text_atomic(Path(directory) / MANIFEST_FILE, text)
    return manifest


def read_manifest(directory: Path, label: str) -> Manifest:
    """The manifest of `directory`; `label` names the index in messages (e.g. 企业·语义索引)."""
    path = Path(directory) / MANIFEST_FILE
    if not path.exists():
        raise NotFoundError(f"尚未建立索引，请先运行 matcher index（缺少{label}：{directory}）")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        manifest = Manifest(**data)
    except (ValueError, TypeError) as exc:
        raise IndexMismatchError(
            f"{label}的清单文件 {path} 已损坏（{exc}），{REBUILD_HINT}"
        ) from exc
    if manifest.format_version != FORMAT_VERSION:
        raise IndexMismatchError(
            f"{label}的格式版本为 {manifest.format_version}，当前程序需要 {FORMAT_VERSION}，"
            f"{REBUILD_HINT}"
        )
    return manifest


def verify_manifest(directory: Path, label: str, expected: Expected) -> Manifest:
    """Read the manifest and check files, checksums, encoder and dim.

    Raises `NotFoundError` when no index was built, `IndexMismatchError` saying what
    differs otherwise. The record count is checked by the caller once the index is loaded.
    """
    directory = Path(directory)
    manifest = read_manifest(directory, label)
    for name, checksum in manifest.files.items():
        path = directory / name
        if not path.exists():
            raise IndexMismatchError(f"{label}缺少文件 {path}，{REBUILD_HINT}")
        if sha256_file(path) != checksum:
            raise IndexMismatchError(
                f"{label}的文件 {path} 校验和不符（文件损坏或上次保存中断），{REBUILD_HINT}"
            )
    if manifest.encoder != expected.encoder:
        raise IndexMismatchError(
            f"{label}由编码器「{manifest.encoder}」建立，当前编码器为「{expected.encoder}」，"
            f"{REBUILD_HINT}"
        )
    if expected.dim is not None and manifest.dim != expected.dim:
        raise IndexMismatchError(
            f"{label}的向量维度为 {manifest.dim}，当前编码器的维度为 {expected.dim}，{REBUILD_HINT}"
        )
    return manifest


def check_count(manifest: Manifest, actual: int, label: str) -> None:
    """Refuse an index whose record count differs from its manifest."""
    if manifest.count != actual:
        raise IndexMismatchError(
            f"{label}的清单记录数为 {manifest.count}，索引中实际为 {actual}，{REBUILD_HINT}"
        )
