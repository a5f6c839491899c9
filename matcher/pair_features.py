"""Features of one (demand, supply) pair: the one definition for every ranker.

The baseline ranker (recommendations, lead lists), the learned ranker's training (event
meetings with outcomes) and its serving all build their feature dicts here, so a feature
means the same thing on every path:

- `relevance`: the calibrated text confidence of the pair (0–1, `matcher.search`);
  `semantic` / `lexical`: the channels' raw cosines;
- `chain`: 1 when the supply serves the demand enterprise's industry chain (a tech
  result's field mapped to the chains it serves; an offering enterprise's own chain);
- `district`, `distance_km`: the same district, and the distance between the two sides'
  districts (enterprise suppliers only);
- tiers, sizes, `supply_university`, `supply_bank`; `amount_fit`, `term_fit` for products,
  and `rules` (`rules_feature`: the share of its eligibility checks that passed).

A feature that does not apply to a pair is left out of its dict.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from matcher.need_text import complete_need
from matcher.types import Enterprise, FinanceProduct, Need, Offer, Record, RuleCheck, TechResult

TIER_LEVEL = {"创新型中小企业": 1, "专精特新": 2, "小巨人": 3}
SIZE_LEVEL = {"微型": 0, "小型": 1, "中型": 2, "大型": 3}
# Approximate centres (latitude, longitude) of the districts of Qingdao.
DISTRICT_COORDS: dict[str, tuple[float, float]] = {
    "市南": (36.067, 120.383), "市北": (36.087, 120.375), "李沧": (36.145, 120.433),
    "崂山": (36.107, 120.469), "黄岛": (35.960, 120.198), "城阳": (36.307, 120.396),
    "即墨": (36.389, 120.447), "胶州": (36.264, 120.033), "平度": (36.777, 119.960),
    "莱西": (36.887, 120.518),
}  # fmt: skip
# Which industry chains a tech result's field serves.
FIELD_CHAINS: dict[str, frozenset[str]] = {
    field: frozenset(chains.split())
    for field, chains in {
        "人工智能": "人工智能 新一代信息技术 智能装备 智能家电",
        "电子信息": "新一代信息技术 人工智能 智能家电",
        "量子信息": "未来产业 新一代信息技术",
        "智能制造": "智能装备 智能家电 美妆 新材料",
        "新能源": "未来产业 智能装备",
        "航空航天": "未来产业",
        "新材料": "新材料 未来产业 美妆",
        "生物医药": "生命健康 美妆",
        "医疗器械": "生命健康",
        "食品科学": "绿色健康食品",
        "海洋科学": "海洋经济 未来产业",
        "船舶与海洋工程": "海洋经济 智能装备",
        "轨道交通": "智能装备",
        "交通运输": "智能装备",
        "节能环保": "新材料 智能装备",
    }.items()
}
TEXT_FEATURES = ("relevance", "semantic", "lexical")


def tier_level(enterprise: Enterprise) -> int:
    """0 none, 1 创新型中小企业, 2 专精特新, 3 小巨人 (the highest rung held)."""
    return max((TIER_LEVEL.get(t, 0) for t in enterprise.tiers), default=0)


def district_km(first: str, second: str) -> float:
    """Great-circle distance between two district centres, in km (0 for the same district)."""
    (lat1, lon1), (lat2, lon2) = DISTRICT_COORDS[first], DISTRICT_COORDS[second]
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def range_fit(value: float, low: float, high: float) -> float:
    """1 inside [low, high], falling with the relative distance outside it."""
    if low <= value <= high:
        return 1.0
    gap = (low - value) / max(low, 1e-9) if value < low else (value - high) / max(high, 1e-9)
    return 1.0 / (1.0 + gap)


def serves_chain(supply: Record, demand: Enterprise, supplier: Enterprise | None = None) -> bool:
    """Whether the supply record serves the demand enterprise's industry chain."""
    if isinstance(supply, TechResult):
        return demand.chain in FIELD_CHAINS.get(supply.field, frozenset({supply.field}))
    if supplier is not None:
        return supplier.chain == demand.chain
    return False


def rules_feature(checks: Sequence[RuleCheck]) -> dict[str, float]:
    """`rules`: the share of a product's eligibility checks that passed (none when no rules)."""
    return {"rules": sum(c.passed for c in checks) / len(checks)} if checks else {}


def pair_features(
    text: Mapping[str, float],
    supply: Record,
    demand: Enterprise | None = None,
    need: Need | None = None,
    supplier: Enterprise | None = None,
) -> dict[str, float]:
    """Every feature of the pair that applies (see the module docstring).

    `text` holds the pair's text scores (`relevance`, `semantic`, `lexical`, and for event
    meetings `demand_side` / `supply_side`); `supplier` is the enterprise behind an offer.
    """
    features = {name: float(value) for name, value in text.items()}
    features["supply_university"] = float(isinstance(supply, TechResult))
    features["supply_bank"] = float(isinstance(supply, FinanceProduct))
    if isinstance(supply, FinanceProduct) and need is not None:
        need = complete_need(need)  # amount and term written only in the text count too
        if need.amount is not None:
            features["amount_fit"] = range_fit(need.amount, supply.amount_min, supply.amount_max)
        if need.term_months is not None:
            features["term_fit"] = range_fit(need.term_months, supply.term_min, supply.term_max)
    if demand is None:
        return features
    features["demand_tier"] = float(tier_level(demand))
    features["demand_size"] = float(SIZE_LEVEL.get(demand.size, 1))
    if not isinstance(supply, FinanceProduct):
        features["chain"] = float(serves_chain(supply, demand, supplier))
    if isinstance(supply, Offer | Enterprise) and supplier is not None:
        features["district"] = float(supplier.district == demand.district)
        features["distance_km"] = district_km(demand.district, supplier.district)
        features["supply_tier"] = float(tier_level(supplier))
        features["supply_size"] = float(SIZE_LEVEL.get(supplier.size, 1))
    return features
