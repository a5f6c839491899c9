"""Recommendations end to end on a small real world: real encoder, real FAISS indexes."""

from __future__ import annotations

import pytest

from matcher.errors import NotFoundError
from matcher.index.builder import build_indexes
from matcher.leads import leads_for_offer, leads_for_product, leads_for_tech_result
from matcher.recommend import Recommender
from tests.small_world import build_small_world


@pytest.fixture(scope="module")
def recommender(tmp_path_factory) -> Recommender:
    workspace = build_small_world(tmp_path_factory.mktemp("world"))
    build_indexes(workspace, progress=False)
    return Recommender(workspace)


def test_tech_need_gets_the_matching_tech_result_first(recommender):
    results = recommender.for_need("N1", k=3)
    assert [r.kind for r in results] == ["tech_result"] * len(results)
    assert results[0].id == "T1"
    top = results[0]
    assert set(top.parts) >= {"semantic", "lexical", "chain"}
    assert top.parts["chain"] == 1.0  # E1 is in 智能装备, as is T1
    assert any(reason.startswith("共同关键词") and "散热" in reason for reason in top.reasons)
    assert any("TRL 6" in reason for reason in top.reasons)
    assert results == sorted(results, key=lambda r: -r.score)


def test_machine_vision_need_finds_the_vision_result(recommender):
    assert recommender.for_need("N5", k=1)[0].id == "T2"


def test_finance_need_only_gets_products_the_enterprise_qualifies_for(recommender):
    # E1: 专精特新, whitelisted, 小型, needs 300万 for 12 months.
    ids = {r.id for r in recommender.for_need("N2", k=10)}
    assert ids == {"F1", "F3"}  # F2 caps at 200万
    # E2: no tier, not whitelisted, 小型, needs 80万 for 12 months.
    results = recommender.for_need("N3", k=10)
    assert [r.id for r in results] == ["F2"]
    assert results[0].checks and all(check.passed for check in results[0].checks)
    assert any("融资金额：80万元，符合" in check.reason for check in results[0].checks)


def test_partner_need_never_returns_the_enterprise_itself(recommender):
    results = recommender.for_need("N4", k=10)
    assert results[0].id == "O1"
    suppliers = {r.matched_id for r in results}
    assert "E3" not in suppliers


def test_free_text_without_enterprise_context(recommender):
    results = recommender.for_text("高油酸花生品种和压榨工艺", kind="tech", k=2)
    assert results[0].id == "T3"
    assert "chain" not in results[0].parts


def test_policies_exclude_expired_and_ineligible(recommender):
    results = recommender.policies("E1")
    ids = [r.id for r in results]
    assert "P2" not in ids  # expired on 2025-12-31
    assert "P3" not in ids  # only for 莱西 green-food enterprises
    assert set(ids) == {"P1", "P4"}
    p1 = next(r for r in results if r.id == "P1")
    assert any("免申即享" in reason for reason in p1.reasons)
    assert all(check.passed for r in results for check in r.checks)


def test_policies_with_ineligible_show_failed_rules(recommender):
    results = recommender.policies("E2", include_ineligible=True)
    by_id = {r.id: r for r in results}
    assert "P2" not in by_id
    assert all(c.passed for c in by_id["P3"].checks)  # E2 is in 莱西, 绿色健康食品
    failed = [c.reason for c in by_id["P4"].checks if not c.passed]
    assert failed == ["成立年限：1.7年，不符合（要求不低于3年）"]
    assert [r.id for r in results].index("P3") < [r.id for r in results].index("P4")


def test_reverse_views(recommender):
    leads = leads_for_tech_result(recommender, "T1", k=5)
    assert leads[0].id == "E1" and leads[0].matched_id == "N1"
    assert leads[0].kind == "enterprise"
    product_leads = leads_for_product(recommender, "F2", k=5)
    assert [lead.id for lead in product_leads] == ["E2"]  # E1's 300万 exceeds F2's cap
    offer_leads = leads_for_offer(recommender, "O1", k=5)
    assert offer_leads and offer_leads[0].id == "E3"
    assert all(lead.id != "E4" for lead in offer_leads)


def test_unknown_ids_are_clear_errors(recommender):
    with pytest.raises(NotFoundError, match="找不到需求「N404」"):
        recommender.for_need("N404")
    with pytest.raises(NotFoundError, match="找不到企业「E404」"):
        recommender.policies("E404")


def test_query_before_any_index_exists(tmp_path):
    recommender = Recommender(build_small_world(tmp_path))
    with pytest.raises(NotFoundError, match="尚未建立索引"):
        recommender.for_need("N1")
