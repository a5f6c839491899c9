"""Reverse views (lead lists).

A tech result, product or offer → the enterprises whose needs fit it.
"""

from __future__ import annotations

from matcher.eligibility import any_failed, checks_summary, product_checks
from matcher.explain import snippet
from matcher.pair_features import pair_features, rules_feature
from matcher.recommend import Recommender, Scored, rank, scored, text_features, text_reasons
from matcher.retrieve import Candidate
from matcher.types import (
    Enterprise,
    FinanceProduct,
    Need,
    Offer,
    Recommendation,
    Record,
    TechResult,
)


def _best_per_enterprise(scored: list[Scored]) -> list[Scored]:
    """Keep each enterprise's best-matching need only (candidates arrive best first)."""
    seen: dict[str, Scored] = {}
    for item in scored:
        seen.setdefault(item.record.id, item)
    return list(seen.values())


def _need_candidates(
    recommender: Recommender, supply_kind: str, supply: Record, kind: str
) -> list[tuple[Need, Enterprise, Candidate]]:
    """Needs of `kind` matching the stored `supply` record, best first, with their
    enterprises (searched with the supply's stored vector; only the hits are read)."""
    text = supply.embed_text()
    vector = recommender.retriever.stored_vector(supply_kind, supply.id)
    found = recommender.retriever.search("need", text, oversample=5, vector=vector)
    needs: dict[str, Need] = recommender.store.get_many("need", [c.id for c in found])  # type: ignore[assignment]
    owners = {need.enterprise_id for need in needs.values()}
    enterprises: dict[str, Enterprise] = recommender.store.get_many("enterprise", owners)  # type: ignore[assignment]
    return [
        (needs[c.id], enterprises[needs[c.id].enterprise_id], c)
        for c in found
        if c.id in needs and needs[c.id].kind == kind and needs[c.id].enterprise_id in enterprises
    ]


def _lead(
    recommender: Recommender,
    need: Need,
    enterprise: Enterprise,
    candidate: Candidate,
    supply: Record,
    supplier: Enterprise | None = None,
) -> Scored:
    """The enterprise as a lead for `supply`, with the pair features of (its need, supply)."""
    document = supply.embed_text()
    reasons = [
        f"企业需求（{need.id}）：{snippet(need.text, 60)}",
        *text_reasons(need.text, candidate, document, recommender.term_weight("need")),
    ]
    features = pair_features(text_features(candidate), supply, enterprise, need, supplier)
    return scored(enterprise, candidate, features, reasons, matched_id=need.id)


def leads_for_tech_result(
    recommender: Recommender, result_id: str, k: int = 10
) -> list[Recommendation]:
    """Enterprises with tech needs that this tech result answers."""
    result: TechResult = recommender.store.get("tech_result", result_id)  # type: ignore[assignment]
    found = []
    for need, enterprise, candidate in _need_candidates(recommender, "tech_result", result, "tech"):
        item = _lead(recommender, need, enterprise, candidate, result)
        if item.features.get("chain"):
            item.reasons.append(f"企业所在产业链与成果领域（{result.field}）一致")
        found.append(item)
    return rank(_best_per_enterprise(found), recommender.ranker, "enterprise", k)


def leads_for_product(
    recommender: Recommender, product_id: str, k: int = 10
) -> list[Recommendation]:
    """Enterprises with finance needs that fail no rule of this product (rules their need
    does not state are shown as to be verified)."""
    product: FinanceProduct = recommender.store.get("finance_product", product_id)  # type: ignore[assignment]
    found = []
    for need, enterprise, candidate in _need_candidates(
        recommender, "finance_product", product, "finance"
    ):
        checks = product_checks(product, enterprise, need, recommender.today)
        if any_failed(checks):
            continue
        item = _lead(recommender, need, enterprise, candidate, product)
        item.checks = checks
        item.features.update(rules_feature(checks))
        item.reasons.append(checks_summary(checks))
        found.append(item)
    return rank(_best_per_enterprise(found), recommender.ranker, "enterprise", k)


def leads_for_offer(recommender: Recommender, offer_id: str, k: int = 10) -> list[Recommendation]:
    """Other enterprises whose partner needs this offer supplies."""
    offer: Offer = recommender.store.get("offer", offer_id)  # type: ignore[assignment]
    supplier = recommender.enterprise(offer.enterprise_id)
    found = []
    for need, enterprise, candidate in _need_candidates(recommender, "offer", offer, "partner"):
        if need.enterprise_id == supplier.id:
            continue
        found.append(_lead(recommender, need, enterprise, candidate, offer, supplier))
    return rank(_best_per_enterprise(found), recommender.ranker, "enterprise", k)
