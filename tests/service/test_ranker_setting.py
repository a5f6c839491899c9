"""The service's `ranker` setting reaches the library; without a trained model the service
logs why and ranks with the baseline."""

from __future__ import annotations

import logging

from matcher.rank import BaselineRanker
from service.state import ServiceState
from tests.service.conftest import load_world, settings_for


def test_learned_without_a_model_falls_back_to_the_baseline(tmp_path, caplog):
    url = f"sqlite:///{tmp_path / 'matcher.db'}"
    load_world(url, None)
    with caplog.at_level(logging.WARNING):
        state = ServiceState.start(settings_for(url, None, tmp_path / "data", ranker="learned"))
    try:
        assert state.workspace.settings.ranker == "learned"
        assert isinstance(state.recommender.ranker, BaselineRanker)
        assert "没有训练好的排序模型" in caplog.text
        results = state.recommend(lambda recommender: recommender.for_need("N1", k=3))
        assert results[0].id == "T1"
    finally:
        state.close()
