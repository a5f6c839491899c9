"""Financing outcomes on an event's follow-up page: one line per meeting of an enterprise
with a bank about one of its products (已推荐 / 已申请 / 已获批 / 未获批, amount, 首贷)."""

from __future__ import annotations

from dataclasses import dataclass

from matcher.events.model import EventPlan
from matcher.outcomes.model import FinanceOutcome, finance_outcome_id
from service.state import ServiceState


@dataclass(frozen=True)
class FinanceLine:
    """An enterprise, the bank product it met about, and the match's outcome so far."""

    enterprise_id: str
    enterprise: str
    bank: str
    product_id: str
    product: str
    outcome: FinanceOutcome | None

    @property
    def dom_id(self) -> str:
        return "fin-" + "".join(ch if ch.isalnum() else "-" for ch in self.outcome_id)

    @property
    def outcome_id(self) -> str:
        return finance_outcome_id(self.enterprise_id, self.product_id)


def finance_lines(state: ServiceState, plan: EventPlan) -> list[FinanceLine]:
    """The event's enterprise–bank meetings that name a product, with their outcomes."""
    kinds = {p.id: p for p in plan.participants}
    products = state.store.load("finance_product")
    wanted = []
    for meeting in plan.meetings:
        sides = [kinds.get(meeting.a), kinds.get(meeting.b)]
        enterprise = next((p for p in sides if p and p.kind == "enterprise"), None)
        bank = next((p for p in sides if p and p.kind == "bank"), None)
        if enterprise and bank and meeting.supply_id in products:
            wanted.append((enterprise, bank, products[meeting.supply_id]))
    outcomes = state.outcomes.finance_outcomes(product_ids={p.id for _, _, p in wanted})
    return [
        FinanceLine(
            enterprise.id,
            enterprise.name,
            bank.name,
            product.id,
            product.name,  # type: ignore[attr-defined]
            outcomes.get(finance_outcome_id(enterprise.id, product.id)),
        )
        for enterprise, bank, product in wanted
    ]
