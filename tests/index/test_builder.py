"""Building, loading, updating and reporting workspace indexes with the real encoder."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from matcher.config import Settings
from matcher.errors import IndexMismatchError, MatcherError, NotFoundError
from matcher.index.builder import (
    DENSE,
    LEXICAL,
    build_indexes,
    channel_dir,
    index_status,
    load_indexes,
    load_snapshot,
    update_indexes,
)
from matcher.index.vector_index import INDEX_FILE
from matcher.types import Need, Offer
from matcher.workspace import Workspace, init_workspace

QUERIES = ["工业机器人减速器合作开发", "海水淡化膜融资", "冷链物流", "医疗影像算法"]


def results(workspace: Workspace, encoder) -> tuple:
    """Dense and lexical search results for QUERIES, through freshly loaded indexes."""
    dense, sparse = load_indexes(workspace, "offer", encoder)
    return dense.search(encoder.encode(QUERIES), 10), sparse.search_texts(QUERIES, 10)


def test_build_then_rerun_embeds_nothing(workspace: Workspace, counting_encoder) -> None:
    first = build_indexes(workspace, ["offer"], progress=False, encoder=counting_encoder)["offer"]
    assert (first.mode, first.count, first.embedded, first.cached) == ("full", 200, 200, 0)
    assert first.index_type == "flat"
    assert counting_encoder.texts == 200
    again = build_indexes(workspace, ["offer"], progress=False, encoder=counting_encoder)["offer"]
    assert (again.mode, again.embedded, again.cached) == ("unchanged", 0, 200)
    rebuilt = build_indexes(
        workspace, ["offer"], rebuild=True, progress=False, encoder=counting_encoder
    )["offer"]
    assert (rebuilt.mode, rebuilt.embedded, rebuilt.cached) == ("full", 0, 200)
    assert counting_encoder.texts == 200  # the rebuild took every vector from the cache
    dense, sparse = load_indexes(workspace, "offer", counting_encoder)
    assert len(dense) == len(sparse) == 200
    _, found = dense.search(counting_encoder.encode(["胶州区人工智能企业寻求合作开发"]), 5)
    assert len(found[0]) == 5


def test_missing_index_and_unknown_kind(workspace: Workspace, counting_encoder) -> None:
    with pytest.raises(NotFoundError, match="尚未建立索引，请先运行 matcher index"):
        load_indexes(workspace, "offer", counting_encoder)
    with pytest.raises(NotFoundError, match="未知的记录类型"):
        build_indexes(workspace, ["offers"], encoder=counting_encoder)


def test_changed_record_makes_the_index_stale(workspace: Workspace, counting_encoder) -> None:
    build_indexes(workspace, ["offer"], progress=False, encoder=counting_encoder)
    workspace.store.upsert("offer", [Offer(id="O0001", enterprise_id="E1", text="氢燃料电池电堆")])
    with pytest.raises(IndexMismatchError, match=r"记录已有变动.*matcher index"):
        load_indexes(workspace, "offer", counting_encoder)
    summary = build_indexes(workspace, ["offer"], progress=False, encoder=counting_encoder)
    assert (summary["offer"].mode, summary["offer"].embedded) == ("incremental", 1)
    dense, _ = load_indexes(workspace, "offer", counting_encoder)
    _, found = dense.search(counting_encoder.encode(["氢燃料电池"]), 1)
    assert found == [["O0001"]]


def test_other_encoder_is_refused_then_rebuilt(
    workspace: Workspace, use_encoder, make_counting
) -> None:
    build_indexes(workspace, ["offer"], progress=False, encoder=make_counting(use_encoder))
    renamed = make_counting(use_encoder, name="usem3-v2")
    with pytest.raises(IndexMismatchError, match=r"编码器「usem3」.*「usem3-v2」"):
        load_indexes(workspace, "offer", renamed)
    wider = make_counting(use_encoder, dim=768)
    with pytest.raises(IndexMismatchError, match=r"维度为 512.*维度为 768"):
        load_indexes(workspace, "offer", wider)
    summary = build_indexes(workspace, ["offer"], progress=False, encoder=renamed)["offer"]
    assert (summary.mode, summary.embedded) == ("full", 200)  # a new encoder: a new cache
    assert len(load_indexes(workspace, "offer", renamed)[0]) == 200


def test_corrupt_index_is_refused_and_rebuilt(workspace: Workspace, counting_encoder) -> None:
    build_indexes(workspace, ["offer"], progress=False, encoder=counting_encoder)
    path = channel_dir(workspace, "offer", DENSE) / INDEX_FILE
    data = bytearray(path.read_bytes())
    data[-5] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(IndexMismatchError, match="校验和不符"):
        load_indexes(workspace, "offer", counting_encoder)
    statuses = {r["kind"]: r["status"] for r in index_status(workspace, counting_encoder)}
    assert statuses["offer"] == "stale"
    summary = build_indexes(workspace, ["offer"], progress=False, encoder=counting_encoder)
    assert (summary["offer"].mode, summary["offer"].embedded) == ("full", 0)
    assert len(load_indexes(workspace, "offer", counting_encoder)[0]) == 200


@pytest.mark.parametrize("changed", [10, 60], ids=["small-change", "lexical-refit"])
def test_incremental_update_equals_a_full_rebuild(
    workspace: Workspace, counting_encoder, sentences, make_offers, changed: int
) -> None:
    build_indexes(workspace, ["offer"], progress=False, encoder=counting_encoder)
    store = workspace.store
    upserts = make_offers(sentences[400 : 400 + changed], start=5)  # O0005… get new texts
    upserts += make_offers(sentences[600:605], start=900)  # new records
    store.upsert("offer", upserts)
    deleted = ["O0100", "O0101", "O0102"]
    store.delete("offer", deleted)
    before = counting_encoder.texts
    summary = update_indexes(
        workspace, "offer", [o.id for o in upserts], deleted, encoder=counting_encoder
    )
    assert (summary.mode, summary.count, summary.embedded) == ("incremental", 202, changed + 5)
    assert counting_encoder.texts - before == changed + 5
    (scores, ids), (lex_scores, lex_ids) = results(workspace, counting_encoder)
    assert not set(deleted) & {i for row in ids + lex_ids for i in row}
    build_indexes(workspace, ["offer"], rebuild=True, progress=False, encoder=counting_encoder)
    (full_scores, full_ids), (full_lex_scores, full_lex_ids) = results(workspace, counting_encoder)
    assert ids == full_ids
    np.testing.assert_allclose(scores, full_scores, atol=1e-6)
    _, sparse = load_indexes(workspace, "offer", counting_encoder)
    if changed == 60:  # more than a fifth changed: the lexical channel was refitted
        assert lex_ids == full_lex_ids
        np.testing.assert_allclose(lex_scores, full_lex_scores, atol=1e-6)
    else:  # the old vocabulary and idf are kept, so scores shift a little
        overlap = [len(set(a) & set(b)) / 10 for a, b in zip(lex_ids, full_lex_ids, strict=True)]
        assert np.mean(overlap) >= 0.8
    assert sparse.changed_since_fit == 0


def test_update_checks_its_arguments_and_picks_up_other_changes(
    workspace: Workspace, counting_encoder
) -> None:
    build_indexes(workspace, ["offer"], progress=False, encoder=counting_encoder)
    with pytest.raises(NotFoundError, match="O9999"):
        update_indexes(workspace, "offer", ["O9999"], encoder=counting_encoder)
    with pytest.raises(MatcherError, match="仍在记录中"):
        update_indexes(workspace, "offer", [], ["O0001"], encoder=counting_encoder)
    workspace.store.delete("offer", ["O0002"])  # not announced to update_indexes
    summary = update_indexes(workspace, "offer", [], [], encoder=counting_encoder)
    assert summary.count == 199
    dense, sparse = load_indexes(workspace, "offer", counting_encoder)
    assert "O0002" not in dense and "O0002" not in sparse


def test_hnsw_kind_updates_with_tombstones(tmp_path: Path, counting_encoder, sentences) -> None:
    ws = init_workspace(tmp_path / "ws", Settings(exact_index_max=100, approximate_index="hnsw"))
    ws.store.upsert("need", [_need(i, t) for i, t in enumerate(sentences[:300])])
    summary = build_indexes(ws, ["need"], progress=False, encoder=counting_encoder)["need"]
    assert summary.index_type == "hnsw"
    ws.store.delete("need", ["N0000", "N0001"])
    ws.store.upsert("need", [_need(2, "氢燃料电池电堆")])
    update_indexes(ws, "need", ["N0002"], ["N0000", "N0001"], encoder=counting_encoder)
    dense, _ = load_indexes(ws, "need", counting_encoder)
    assert dense.tombstones == 3 and len(dense) == 298
    _, found = dense.search(counting_encoder.encode([*sentences[:2], "氢燃料电池"]), 10)
    assert not {"N0000", "N0001"} & {i for row in found for i in row}
    assert found[2][0] == "N0002"


def test_failed_save_is_never_used_and_is_repaired(
    workspace: Workspace, counting_encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_indexes(workspace, ["offer"], progress=False, encoder=counting_encoder)
    published = load_snapshot(workspace, "offer", counting_encoder).pointer
    workspace.store.upsert("offer", [Offer(id="O0003", enterprise_id="E1", text="五轴数控机床")])
    real = os.replace

    def replace(src, dst):  # the lexical save fails after the dense one succeeded
        if Path(dst).parent.name == LEXICAL:
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError):
        update_indexes(workspace, "offer", ["O0003"], encoder=counting_encoder)
    monkeypatch.undo()
    with pytest.raises(IndexMismatchError, match=r"供给的索引建立后记录已有变动"):
        load_indexes(workspace, "offer", counting_encoder)  # the old snapshot is still published
    assert (
        load_snapshot(workspace, "offer", counting_encoder).pointer == published
    )  # the half-written snapshot was never published
    summary = build_indexes(workspace, ["offer"], progress=False, encoder=counting_encoder)
    assert summary["offer"].mode == "incremental"
    _, sparse = load_indexes(workspace, "offer", counting_encoder)
    assert sparse.search_texts(["五轴数控机床"], 1)[1] == [["O0003"]]


def test_status_reports_fresh_stale_and_missing(workspace: Workspace, counting_encoder) -> None:
    build_indexes(workspace, ["offer"], progress=False, encoder=counting_encoder)
    status = {r["kind"]: r for r in index_status(workspace, counting_encoder)}
    assert status["offer"] | {"detail": ""} == {
        "kind": "offer", "records": 200, "count": 200, "index_type": "flat",
        "encoder": "usem3", "status": "fresh", "detail": "",
    }  # fmt: skip
    assert status["policy"]["status"] == "missing" and status["policy"]["count"] is None
    workspace.store.delete("offer", ["O0000"])
    status = {r["kind"]: r for r in index_status(workspace, counting_encoder)}
    assert status["offer"]["status"] == "stale" and "记录已有变动" in status["offer"]["detail"]


def _need(i: int, text: str) -> Need:
    return Need(id=f"N{i:04d}", enterprise_id="E1", kind="tech", text=text)
