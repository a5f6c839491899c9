"""The library's index builder and recommender run unchanged on the SQL store."""

from __future__ import annotations

import pytest

from matcher.config import Settings
from matcher.embed.base import Encoder
from matcher.index.builder import build_indexes, update_indexes, workspace_encoder
from matcher.recommend import Recommender
from matcher.retrieve import Retriever
from matcher.types import TechResult
from matcher.workspace import Workspace
from storage.records import SqlRecordStore
from tests import small_world
from tests.small_world import TODAY


@pytest.fixture(scope="module")
def encoder(tmp_path_factory) -> Encoder:
    """The workspace's real encoder, loaded once for both backends."""
    return workspace_encoder(Workspace(tmp_path_factory.mktemp("ws"), Settings(today=TODAY)))


def _recommender(workspace: Workspace, encoder: Encoder) -> Recommender:
    recommender = Recommender(workspace)
    recommender.retriever = Retriever(workspace, encoder)
    return recommender


def test_indexes_and_recommendations_over_sql(engine, tmp_path, encoder):
    store = SqlRecordStore(engine)
    for kind, records in (
        ("enterprise", small_world.ENTERPRISES), ("need", small_world.NEEDS),
        ("tech_result", small_world.TECH_RESULTS), ("finance_product", small_world.PRODUCTS),
        ("policy", small_world.POLICIES), ("offer", small_world.OFFERS),
    ):  # fmt: skip
        store.upsert(kind, records)
    workspace = Workspace(tmp_path / "ws", Settings(today=TODAY), store=store)
    summaries = build_indexes(workspace, progress=False, encoder=encoder)
    assert summaries["tech_result"].count == 3
    assert _recommender(workspace, encoder).for_need("N1")[0].id == "T1"

    # A write through another store (another process) reaches the indexes incrementally.
    result = TechResult(
        id="T4", university="青岛科技大学", team="赵强教授团队",
        title="储能锂电池液冷散热与热失控预警系统",
        abstract="面向储能电池包的液冷板散热与温度传感预警，抑制电池热失控，温升降低50%。",
        field="智能装备", trl=7, transfer_modes=["转让"], price=90,
    )  # fmt: skip
    SqlRecordStore(engine).upsert("tech_result", [result])
    assert update_indexes(workspace, "tech_result", ["T4"], encoder=encoder).count == 4
    ids = [r.id for r in _recommender(workspace, encoder).for_need("N1", k=5)]
    assert set(ids[:2]) == {"T1", "T4"}
    assert build_indexes(workspace, progress=False, encoder=encoder)["tech_result"].mode == (
        "unchanged"
    )
