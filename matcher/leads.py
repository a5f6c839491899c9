"""Reverse views (lead lists).

A tech result, product or offer → the enterprises whose needs fit it.
"""

from __future__ import annotations

from matcher.eligibility import all_passed, check_rules, product_rules, subject_values
from matcher.recommend import Recommender, Scored, rank, text_features, text_reasons
from matcher.types import Enterprise, FinanceProduct, Need, Offer, Recommendation, TechResult


def _best_per_enterprise(scored: list[Scored]) -> list[Scored]:
    """Keep each enterprise's best-matching need only (candidates arrive best first)."""
    seen: dict[str, Scored] = {}
    for item in scored:
        seen.setdefault(item.record.id, item)
    return list(seen.values())


def _need_candidates(
    recommender: Recommender, text: str, kind: str
) -> list[tuple[Need, Enterprise, object]]:
    """Needs of `kind` matching `text`, best first, with their enterprises (read once)."""
    needs = recommender.store.load("need")
    enterprises = recommender.store.load("enterprise")
    found = recommender.retriever.search("need", text, oversample=5)
    return [
        (needs[c.id], enterprises[needs[c.id].enterprise_id], c)  # type: ignore[attr-defined]
        for c in found
        if needs[c.id].kind == kind  # type: ignore[attr-defined]
    ]


def _lead(need: Need, enterprise: Enterprise, candidate, document: str) -> Scored:
    reasons = [
        f"企业需求（{need.id}）：{need.text[:60]}",
        *text_reasons(need.text, candidate, document),
    ]
    return Scored(enterprise, text_features(candidate), reasons, matched_id=need.id)


def leads_for_tech_result(
    recommender: Recommender, result_id: str, k: int = 10
) -> list[Recommendation]:
    """Enterprises with tech needs that this tech result answers."""
    result: TechResult = recommender.store.get("tech_result", result_id)  # type: ignore[assignment]
    scored = []
    for need, enterprise, candidate in _need_candidates(recommender, result.embed_text(), "tech"):
        item = _lead(need, enterprise, candidate, result.embed_text())
        item.features["chain"] = float(item.record.chain == result.field)  # type: ignore[attr-defined]
        if item.features["chain"]:
            item.reasons.append(f"企业所在产业链与成果领域（{result.field}）一致")
        scored.append(item)
    return rank(_best_per_enterprise(scored), recommender.ranker, "enterprise", k)


def leads_for_product(
    recommender: Recommender, product_id: str, k: int = 10
) -> list[Recommendation]:
    """Enterprises with finance needs that pass every rule of this product."""
    product: FinanceProduct = recommender.store.get("finance_product", product_id)  # type: ignore[assignment]
    rules = product_rules(product)
    scored = []
    for need, enterprise, candidate in _need_candidates(
        recommender, product.embed_text(), "finance"
    ):
        checks = check_rules(rules, subject_values(enterprise, recommender.today, need))
        if not all_passed(checks):
            continue
        item = _lead(need, enterprise, candidate, product.embed_text())
        item.checks = checks
        item.features["rules"] = 1.0
        item.reasons.append(f"满足全部{len(checks)}项准入条件")
        scored.append(item)
    return rank(_best_per_enterprise(scored), recommender.ranker, "enterprise", k)


def leads_for_offer(recommender: Recommender, offer_id: str, k: int = 10) -> list[Recommendation]:
    """Other enterprises whose partner needs this offer supplies."""
    offer: Offer = recommender.store.get("offer", offer_id)  # type: ignore[assignment]
    supplier = recommender.enterprise(offer.enterprise_id)
    scored = []
    for need, enterprise, candidate in _need_candidates(recommender, offer.text, "partner"):
        if need.enterprise_id == supplier.id:
            continue
        item = _lead(need, enterprise, candidate, offer.text)
        item.features["chain"] = float(item.record.chain == supplier.chain)  # type: ignore[attr-defined]
        item.features["district"] = float(item.record.district == supplier.district)  # type: ignore[attr-defined]
        scored.append(item)
    return rank(_best_per_enterprise(scored), recommender.ranker, "enterprise", k)
