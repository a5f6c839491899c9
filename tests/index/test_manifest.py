"""Manifests: checksums, encoder, dim and count are verified; saves are atomic."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from matcher.errors import IndexMismatchError, NotFoundError
from matcher.index.manifest import (
    MANIFEST_FILE,
    Expected,
    check_count,
    read_manifest,
    verify_manifest,
    write_manifest,
)
from matcher.index.vector_index import INDEX_FILE, VectorIndex

DIM = 16
LABEL = "测试索引"
OK = Expected("usem3", DIM)


def save(directory: Path, vectors: np.ndarray) -> VectorIndex:
    index = VectorIndex(DIM)
    index.add([f"R{i}" for i in range(len(vectors))], vectors)
    files = index.save(directory)
    write_manifest(directory, files, encoder="usem3", dim=DIM, count=len(index), index_type="flat")
    return index


@pytest.fixture
def saved(tmp_path: Path, unit_vectors) -> tuple[Path, np.ndarray]:
    vectors = unit_vectors(50, DIM, 0)
    save(tmp_path, vectors)
    return tmp_path, vectors


def test_manifest_records_what_was_built(saved) -> None:
    directory, _ = saved
    manifest = verify_manifest(directory, LABEL, OK)
    assert (manifest.encoder, manifest.dim, manifest.count, manifest.index_type) == (
        "usem3",
        DIM,
        50,
        "flat",
    )
    assert set(manifest.files) == {"vectors.faiss", "vectors.ids.json"}
    assert all(len(checksum) == 64 for checksum in manifest.files.values())
    assert manifest.format_version == 2 and manifest.created


def test_missing_index_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="尚未建立索引，请先运行 matcher index"):
        verify_manifest(tmp_path / "nothing", LABEL, OK)


def test_corrupt_byte_is_detected(saved) -> None:
    directory, _ = saved
    data = bytearray((directory / INDEX_FILE).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (directory / INDEX_FILE).write_bytes(bytes(data))
    with pytest.raises(IndexMismatchError, match=r"校验和不符.*matcher index --rebuild"):
        verify_manifest(directory, LABEL, OK)


def test_missing_file_is_detected(saved) -> None:
    directory, _ = saved
    (directory / INDEX_FILE).unlink()
    with pytest.raises(IndexMismatchError, match="缺少文件"):
        verify_manifest(directory, LABEL, OK)


@pytest.mark.parametrize(
    ("expected", "message"),
    [
        (Expected("text2vec", DIM), "编码器「usem3」.*当前编码器为「text2vec」"),
        (Expected("usem3", 384), "维度为 16.*维度为 384"),
    ],
)
def test_mismatches_are_refused_with_a_reason(saved, expected: Expected, message: str) -> None:
    directory, _ = saved
    with pytest.raises(IndexMismatchError, match=message):
        verify_manifest(directory, LABEL, expected)


def test_count_and_format_version(saved) -> None:
    directory, _ = saved
    manifest = read_manifest(directory, LABEL)
    check_count(manifest, 50, LABEL)
    with pytest.raises(IndexMismatchError, match="清单记录数为 50"):
        check_count(manifest, 49, LABEL)
    data = json.loads((directory / MANIFEST_FILE).read_text(encoding="utf-8"))
    (directory / MANIFEST_FILE).write_text(json.dumps({**data, "format_version": 99}), "utf-8")
    with pytest.raises(IndexMismatchError, match="格式版本"):
        read_manifest(directory, LABEL)
    (directory / MANIFEST_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexMismatchError, match="已损坏"):
        read_manifest(directory, LABEL)


def failing_replace(monkeypatch: pytest.MonkeyPatch, fail_on: str) -> None:
    """Make the rename onto `fail_on` fail, as a full disk or a crash would."""
    real = os.replace

    def replace(src, dst):
        if Path(dst).name == fail_on:
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", replace)


def test_save_failing_before_any_rename_leaves_the_old_index(
    saved, unit_vectors, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory, vectors = saved
    before = VectorIndex.load(directory).search(vectors[:5], 3)
    failing_replace(monkeypatch, INDEX_FILE)
    with pytest.raises(OSError):
        save(directory, unit_vectors(80, DIM, 1))
    monkeypatch.undo()
    assert verify_manifest(directory, LABEL, OK).count == 50
    after = VectorIndex.load(directory).search(vectors[:5], 3)
    np.testing.assert_array_equal(before[0], after[0])
    assert before[1] == after[1]
    assert [p.name for p in directory.iterdir() if p.name.endswith(".tmp")] == []


def test_save_failing_midway_is_detected_not_used(
    saved, unit_vectors, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory, _ = saved
    failing_replace(monkeypatch, "vectors.ids.json")  # the FAISS file is already replaced
    with pytest.raises(OSError):
        save(directory, unit_vectors(80, DIM, 1))
    monkeypatch.undo()
    with pytest.raises(IndexMismatchError, match="校验和不符"):
        verify_manifest(directory, LABEL, OK)
