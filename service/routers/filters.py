"""Query-string filters of the list endpoints (choices validated and shown as enums in OpenAPI)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query

from matcher.types import CHAINS, DISTRICTS, TIERS

District = Literal[DISTRICTS]  # type: ignore[valid-type]
Chain = Literal[CHAINS]  # type: ignore[valid-type]
Tier = Literal[TIERS]  # type: ignore[valid-type]
NeedKindFilter = Literal["tech", "finance", "partner"]
EnterpriseId = Annotated[str | None, Query(max_length=64, description="所属企业编号")]


def _present(**values: str | None) -> dict[str, str]:
    return {name: value for name, value in values.items() if value}


def enterprise_filters(
    district: Annotated[District | None, Query(description="所在区市")] = None,
    chain: Annotated[Chain | None, Query(description="产业链")] = None,
    tier: Annotated[Tier | None, Query(description="企业梯度")] = None,
) -> dict[str, str]:
    return _present(district=district, chain=chain, tier=tier)


def need_filters(
    enterprise_id: EnterpriseId = None,
    kind: Annotated[NeedKindFilter | None, Query(description="需求类型")] = None,
) -> dict[str, str]:
    return _present(enterprise_id=enterprise_id, kind=kind)


def offer_filters(enterprise_id: EnterpriseId = None) -> dict[str, str]:
    return _present(enterprise_id=enterprise_id)


def tech_result_filters(
    university: Annotated[str | None, Query(max_length=200, description="高校院所")] = None,
) -> dict[str, str]:
    return _present(university=university)


def product_filters(
    bank: Annotated[str | None, Query(max_length=200, description="银行")] = None,
) -> dict[str, str]:
    return _present(bank=bank)
