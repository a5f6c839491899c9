"""企业: CRUD; an enterprise with needs or offers cannot be deleted; what the bureau
certifies (credit code, tiers, credit whitelist, 高新 status, tax paid and grade, credit flags)
is changed by staff only."""

from __future__ import annotations

from matcher.types import Record
from service.errors import conflict
from service.routers.crud import Resource, crud_router
from service.routers.filters import enterprise_filters
from service.schemas.enterprises import EnterpriseCreate, EnterprisePublic, EnterpriseUpdate
from service.state import ServiceState


def _no_dependants(state: ServiceState, record: Record) -> None:
    counts = {
        label: state.store.page(kind, limit=1, filters={"enterprise_id": record.id})[1]
        for kind, label in (("need", "需求"), ("offer", "供给"))
    }
    if any(counts.values()):
        held = "、".join(f"{n} 条{label}" for label, n in counts.items() if n)
        raise conflict(f"企业「{record.id}」还有{held}，请先删除它们再删除企业")


router = crud_router(
    Resource(
        kind="enterprise",
        path="/enterprises",
        tag="企业",
        id_prefix="E",
        create=EnterpriseCreate,
        update=EnterpriseUpdate,
        public=EnterprisePublic,
        filters=enterprise_filters,
        before_delete=_no_dependants,
        staff_fields=frozenset(
            {
                "credit_code",
                "tiers",
                "whitelist",
                "high_tech",
                "tax_paid",
                "tax_credit",
                "credit_flags",
            }
        ),
    )
)
