"""Saving, loading and choosing the ranker: round trip, manifest, fallbacks to the baseline."""

from __future__ import annotations

import json
import logging
from datetime import datetime

import numpy as np
import pytest

from matcher.config import Settings
from matcher.errors import MatcherError
from matcher.learn.features import FEATURES
from matcher.learn.persist import load_model, load_ranker, manifests, models_dir, save_ranker
from matcher.learn.ranker import LearnedRanker
from matcher.rank import BaselineRanker
from matcher.workspace import init_workspace, open_workspace
from tests.learn.world import synthetic


@pytest.fixture(scope="module")
def fitted():
    data = synthetic(2)
    return LearnedRanker("logreg").fit([e.features for e in data], [e.grade for e in data]), data


def test_round_trip_keeps_version_features_and_scores(tmp_path, fitted):
    ranker, data = fitted
    workspace = init_workspace(tmp_path / "ws")
    manifest = save_ranker(workspace, ranker, {"ndcg@10": 0.5}, now=datetime(2025, 7, 1, 9, 30))
    assert manifest["version"] == "20250701-093000" and manifest["features"] == list(FEATURES)
    assert manifest["labels"] == len(data) and manifest["metrics"] == {"ndcg@10": 0.5}
    on_disk = json.loads((models_dir(workspace) / "ranker-20250701-093000.json").read_text("utf-8"))
    assert on_disk == manifest and (models_dir(workspace) / manifest["file"]).exists()
    again = save_ranker(workspace, ranker, now=datetime(2025, 7, 1, 9, 30))
    assert (
        again["version"] == "20250701-093000-2"
    )  # same second: a new version, nothing overwritten
    loaded = load_model(workspace, manifest)
    rows = [e.features for e in data[:50]]
    np.testing.assert_allclose(loaded.score(rows), ranker.score(rows))
    assert [m["version"] for m in manifests(workspace)] == ["20250701-093000", "20250701-093000-2"]


def test_load_ranker_follows_the_setting_and_falls_back(tmp_path, fitted, caplog):
    ranker, data = fitted
    baseline_ws = init_workspace(tmp_path / "b")
    save_ranker(baseline_ws, ranker)
    assert isinstance(load_ranker(baseline_ws), BaselineRanker)  # setting says baseline

    workspace = init_workspace(tmp_path / "ws", Settings(ranker="learned"))
    with caplog.at_level(logging.WARNING):
        assert isinstance(load_ranker(workspace), BaselineRanker)
    assert "没有训练好的排序模型" in caplog.text
    save_ranker(workspace, ranker, now=datetime(2025, 7, 1))
    assert isinstance(load_ranker(workspace, min_labels=len(data)), LearnedRanker)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert isinstance(load_ranker(workspace, min_labels=len(data) + 1), BaselineRanker)
    assert "少于" in caplog.text

    newest = save_ranker(workspace, ranker, now=datetime(2025, 8, 1))
    (models_dir(workspace) / newest["file"]).write_bytes(b"not a model")
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert isinstance(load_ranker(workspace, min_labels=1), BaselineRanker)
    assert "无法读取模型文件" in caplog.text


def test_the_setting_comes_from_the_environment(tmp_path, fitted, monkeypatch):
    ranker, _ = fitted
    save_ranker(init_workspace(tmp_path / "ws"), ranker)
    monkeypatch.setenv("MATCHER_RANKER", "learned")
    assert isinstance(load_ranker(open_workspace(tmp_path / "ws"), min_labels=1), LearnedRanker)


def test_a_manifest_that_disagrees_with_its_model_is_refused(tmp_path, fitted):
    ranker, _ = fitted
    workspace = init_workspace(tmp_path / "ws")
    manifest = save_ranker(workspace, ranker)
    with pytest.raises(MatcherError, match="不一致"):
        load_model(workspace, {**manifest, "features": ["relevance"]})
    with pytest.raises(MatcherError, match="格式版本"):
        load_model(workspace, {**manifest, "format": 99})
