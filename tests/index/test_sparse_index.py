"""SparseIndex: exact lexical search, add/replace/remove, refit signal, save/load."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from matcher.embed.exact import top_k
from matcher.embed.lexical import LexicalEncoder
from matcher.errors import IndexMismatchError, MatcherError
from matcher.index.sparse_index import IDS_FILE, SparseIndex

TEXTS = [
    "工业机器视觉检测设备",
    "锂电池正极材料制备",
    "海水淡化反渗透膜组件",
    "工业机器人精密减速器",
    "视觉质检相机与算法",
    "冷链物流温控系统",
]
IDS = [f"T{i}" for i in range(len(TEXTS))]


@pytest.fixture
def index() -> SparseIndex:
    return SparseIndex.build(IDS, TEXTS)


def test_search_matches_the_exact_reference(sentences) -> None:
    ids = [f"S{i}" for i in range(300)]
    index = SparseIndex.build(ids, sentences[:300])
    queries = index.encoder.encode(["机器人减速器合作开发", "海水淡化膜", "崂山区生命健康企业"])
    scores, found = index.search(queries, 10)
    ref_scores, ref_rows = top_k(queries, index.matrix, 10)
    np.testing.assert_allclose(scores, ref_scores, rtol=1e-5)
    assert [set(row) for row in found] == [{ids[r] for r in row} for row in ref_rows]


def test_best_match_first_and_unrelated_texts_find_nothing(index: SparseIndex) -> None:
    scores, found = index.search_texts(["机器视觉质检", "qwerty"], 3)
    assert scores.shape == (2, 3)
    assert found[0][0] in {"T0", "T4"} and set(found[0][:2]) == {"T0", "T4"}
    assert found[1] == [] and np.isneginf(scores[1]).all()


def test_add_replaces_and_remove_drops(index: SparseIndex) -> None:
    index.add(["T1"], ["视觉检测光源"])
    assert len(index) == len(TEXTS) and index.changed_since_fit == 1
    _, found = index.search_texts(["锂电池正极"], 6)
    assert "T1" not in found[0]
    assert index.remove(["T0", "T4", "不存在"]) == 2
    _, found = index.search_texts(["机器视觉质检"], 6)
    assert found[0][0] == "T1" and not {"T0", "T4"} & set(found[0])


def test_refit_is_due_after_a_fifth_changed(index: SparseIndex) -> None:
    assert not index.needs_refit()
    index.add(["T7"], ["新材料"])
    assert not index.needs_refit()  # 1 of 7 changed
    index.add(["T8"], ["新能源"])
    assert index.needs_refit()  # 2 of 8 changed


def test_empty_corpus_and_bad_queries() -> None:
    empty = SparseIndex.build([], [])
    scores, found = empty.search_texts(["任何文本"], 5)
    assert scores.shape == (1, 0) and found == [[]]
    index = SparseIndex.build(IDS, TEXTS)
    with pytest.raises(MatcherError, match="维度"):
        index.search(sparse.csr_matrix((1, 3), dtype=np.float32), 5)
    with pytest.raises(MatcherError, match="尚未训练"):
        SparseIndex(LexicalEncoder())


def test_save_load_round_trip(index: SparseIndex, tmp_path) -> None:
    index.add(["T9"], ["机器视觉"])
    index.save(tmp_path)
    loaded = SparseIndex.load(tmp_path)
    assert loaded.ids == index.ids and loaded.changed_since_fit == 1
    assert loaded.name == index.name
    queries = ["机器视觉", "反渗透膜", "减速器"]
    before, after = index.search_texts(queries, 4), loaded.search_texts(queries, 4)
    np.testing.assert_array_equal(before[0], after[0])
    assert before[1] == after[1]


def test_ids_that_disagree_with_the_matrix_are_refused(index: SparseIndex, tmp_path) -> None:
    index.save(tmp_path)
    text = (tmp_path / IDS_FILE).read_text(encoding="utf-8")
    (tmp_path / IDS_FILE).write_text(text.replace('"T5", ', "").replace(', "T5"', ""), "utf-8")
    with pytest.raises(IndexMismatchError, match="不一致"):
        SparseIndex.load(tmp_path)


def test_score_gives_exact_scores_for_chosen_ids(index: SparseIndex) -> None:
    query = index.encoder.encode(["机器视觉质检"])
    scores, found = index.search(query, 3)
    exact = index.score(query, [*found[0], "T2"])
    assert exact.shape == (4,) and exact.dtype == np.float32
    np.testing.assert_allclose(exact[:3], scores[0], rtol=1e-6)
    assert exact[3] == 0.0
    with pytest.raises(MatcherError, match="没有记录「X」"):
        index.score(query, ["X"])
    with pytest.raises(MatcherError, match="1 ×"):
        index.score(index.encoder.encode(["a", "b"]), ["T0"])
