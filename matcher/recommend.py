"""Forward recommendations.

A need (or free text) → records of the right kind; an enterprise → the policies it is eligible for.

Flow: retrieve (both channels) → filter (eligibility, self-exclusion) → rank → explain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from matcher.eligibility import (
    any_failed,
    check_rules,
    checks_summary,
    product_checks,
    subject_values,
)
from matcher.explain import keyword_reason, similarity_reason
from matcher.rank import BaselineRanker, Ranker
from matcher.retrieve import Candidate, Retriever
from matcher.types import (
    Enterprise,
    FinanceProduct,
    Need,
    NeedKind,
    Offer,
    Policy,
    Recommendation,
    Record,
    RuleCheck,
    TechResult,
)
from matcher.workspace import Workspace, open_workspace

TARGET_KIND: dict[str, str] = {
    "tech": "tech_result",
    "finance": "finance_product",
    "partner": "offer",
}
MIN_TEXT_MATCH = 0.1  # (semantic + lexical) / 2 below this is noise, not a recommendation


@dataclass
class Scored:
    """A candidate record with its features, reasons and rule checks, before ranking."""

    record: Record
    features: dict[str, float]
    reasons: list[str]
    checks: list[RuleCheck] = field(default_factory=list)
    matched_id: str | None = None


def text_features(candidate: Candidate) -> dict[str, float]:
    return {
        "relevance": candidate.relevance,
        "semantic": candidate.semantic,
        "lexical": candidate.lexical,
    }


def text_reasons(query: str, candidate: Candidate, document: str) -> list[str]:
    reasons = [similarity_reason(candidate.semantic)]
    keywords = keyword_reason(query, document)
    if keywords:
        reasons.append(keywords)
    return reasons


def _text_match(features: dict[str, float]) -> float:
    return (features.get("semantic", 1.0) + features.get("lexical", 1.0)) / 2


def rank(
    scored: list[Scored], ranker: Ranker, kind: str, k: int, min_text_match: float = MIN_TEXT_MATCH
) -> list[Recommendation]:
    """Score with the ranker, drop text noise, sort, keep the top k, and turn into results."""
    if not scored:
        return []
    scores = ranker.score([s.features for s in scored])
    kept = [i for i, s in enumerate(scored) if _text_match(s.features) >= min_text_match]
    order = sorted(kept, key=lambda i: (-scores[i], scored[i].record.id))[:k]
    return [
        Recommendation(
            kind=kind,  # type: ignore[arg-type]
            id=scored[i].record.id,
            title=scored[i].record.display_title(),
            score=round(float(scores[i]), 4),
            parts={name: round(float(v), 4) for name, v in scored[i].features.items()},
            reasons=scored[i].reasons,
            checks=scored[i].checks,
            matched_id=scored[i].matched_id,
        )
        for i in order
    ]


class Recommender:
    """Recommendations over one workspace; indexes and the encoder load on first use."""

    def __init__(self, workspace: Workspace, ranker: Ranker | None = None) -> None:
        self.workspace = workspace
        self.store = workspace.store
        self.retriever = Retriever(workspace)
        self.ranker = ranker or BaselineRanker()
        self.today = workspace.settings.reference_date()
        self._needs_by_enterprise: dict[str, list[Need]] | None = None

    @classmethod
    def open(cls, root: str, ranker: Ranker | None = None) -> Recommender:
        return cls(open_workspace(root), ranker)

    def invalidate(self, kind: str) -> None:
        """Forget what was cached about `kind` (loaded indexes, the needs map) after it changed."""
        self.retriever.invalidate(kind)
        if kind == "need":
            self._needs_by_enterprise = None

    def enterprise(self, enterprise_id: str) -> Enterprise:
        return self.store.get("enterprise", enterprise_id)  # type: ignore[return-value]

    # forward -----------------------------------------------------------------------------
    def for_need(self, need_id: str, k: int = 10) -> list[Recommendation]:
        """Top-k records for a stored need, of the kind its `kind` routes to."""
        need: Need = self.store.get("need", need_id)  # type: ignore[assignment]
        return self._for(need.text, need.kind, self.enterprise(need.enterprise_id), need, k)

    def for_text(
        self,
        text: str,
        kind: NeedKind,
        k: int = 10,
        enterprise_id: str | None = None,
        amount: float | None = None,
        term_months: int | None = None,
    ) -> list[Recommendation]:
        """Top-k records for free text, optionally in the context of an enterprise.

        `amount` (万元) and `term_months` override what the text says.
        """
        need = Need(
            id="free-text",
            enterprise_id=enterprise_id or "-",
            kind=kind,
            text=text,
            amount=amount,
            term_months=term_months,
        )
        enterprise = self.enterprise(enterprise_id) if enterprise_id else None
        return self._for(need.text, kind, enterprise, need, k)

    def _for(
        self, text: str, kind: str, enterprise: Enterprise | None, need: Need, k: int
    ) -> list[Recommendation]:
        target = TARGET_KIND[kind]
        suppliers = self.store.load("enterprise") if target == "offer" else {}
        builders: dict[str, Callable[[Record, Candidate], Scored | None]] = {
            "tech_result": lambda r, c: self._tech(text, r, c, enterprise),  # type: ignore[arg-type]
            "finance_product": lambda r, c: self._product(text, r, c, enterprise, need),  # type: ignore[arg-type]
            "offer": lambda r, c: self._offer(text, r, c, enterprise, suppliers),  # type: ignore[arg-type]
        }
        records = self.store.load(target)
        scored = []
        for candidate in self.retriever.search(target, text):
            item = builders[target](records[candidate.id], candidate)
            if item is not None:
                scored.append(item)
        return rank(scored, self.ranker, target, k)

    def _tech(
        self, text: str, result: TechResult, candidate: Candidate, enterprise: Enterprise | None
    ) -> Scored:
        features = text_features(candidate)
        reasons = text_reasons(text, candidate, result.embed_text())
        if enterprise is not None:
            features["chain"] = float(result.field == enterprise.chain)
            if features["chain"]:
                reasons.append(f"成果领域与企业所在{enterprise.chain}产业链一致")
        modes = "、".join(result.transfer_modes) or "面议"
        price = f"，参考价格{result.price:g}万元" if result.price else ""
        reasons.append(f"技术成熟度TRL {result.trl}，转化方式：{modes}{price}")
        reasons.append(f"团队：{result.team}（{result.university}）")
        return Scored(result, features, reasons)

    def _product(
        self,
        text: str,
        product: FinanceProduct,
        candidate: Candidate,
        enterprise: Enterprise | None,
        need: Need,
    ) -> Scored | None:
        features = text_features(candidate)
        reasons = text_reasons(text, candidate, product.embed_text())
        reasons.append(
            f"额度{product.amount_min:g}–{product.amount_max:g}万元，期限{product.term_min}–"
            f"{product.term_max}个月，年化利率{product.rate:g}%"
        )
        checks = product_checks(product, enterprise, need, self.today)
        if any_failed(checks):
            return None
        if checks:
            features["rules"] = sum(c.passed for c in checks) / len(checks)
        reasons.append(checks_summary(checks))
        return Scored(product, features, reasons, checks)

    def _offer(
        self,
        text: str,
        offer: Offer,
        candidate: Candidate,
        enterprise: Enterprise | None,
        suppliers: dict[str, Record],
    ) -> Scored | None:
        if enterprise is not None and offer.enterprise_id == enterprise.id:
            return None
        supplier: Enterprise = suppliers[offer.enterprise_id]  # type: ignore[assignment]
        features = text_features(candidate)
        reasons = text_reasons(text, candidate, offer.text)
        reasons.append(f"供给方：{supplier.name}（{supplier.district}，{supplier.chain}）")
        if enterprise is not None:
            features["chain"] = float(supplier.chain == enterprise.chain)
            features["district"] = float(supplier.district == enterprise.district)
            if features["chain"]:
                reasons.append(f"同属{supplier.chain}产业链")
            if features["district"]:
                reasons.append(f"同在{supplier.district}，便于对接")
        return Scored(offer, features, reasons, matched_id=supplier.id)

    # policies ----------------------------------------------------------------------------
    def policies(
        self, enterprise_id: str, k: int = 20, include_ineligible: bool = False
    ) -> list[Recommendation]:
        """Policies in force that the enterprise is eligible for, most relevant first.

        Policies with rules it cannot be checked against yet (none failed) follow, with those
        rules named as to be verified; with `include_ineligible`, the policies it fails come
        last, with the failed rules shown.
        """
        enterprise = self.enterprise(enterprise_id)
        values = subject_values(enterprise, self.today)
        profile = self._profile_text(enterprise)
        policies: dict[str, Policy] = self.store.load("policy")  # type: ignore[assignment]
        candidates = {c.id: c for c in self.retriever.search("policy", profile, everything=True)}
        eligible, unverified, ineligible = [], [], []
        for policy in policies.values():
            if not policy.is_valid_on(self.today):
                continue
            checks = check_rules(policy.rules, values)
            candidate = candidates.get(policy.id, Candidate(policy.id, 0.0, 0.0, 0.0))
            reasons = self._policy_reasons(policy, checks)
            scored = Scored(policy, text_features(candidate), reasons, checks)
            if any_failed(checks):
                ineligible.append(scored)
            elif all(c.passed for c in checks):
                eligible.append(scored)
            else:
                unverified.append(scored)
        results = rank(eligible, self.ranker, "policy", k, min_text_match=0.0)
        results += rank(unverified, self.ranker, "policy", k - len(results), min_text_match=0.0)
        if include_ineligible:
            rest = max(0, k - len(results))
            results += rank(ineligible, self.ranker, "policy", rest, min_text_match=0.0)
        return results

    def needs_of(self, enterprise_id: str) -> list[Need]:
        """The enterprise's needs (an id → needs map is built once per recommender)."""
        if self._needs_by_enterprise is None:
            self._needs_by_enterprise = {}
            for need in self.store.load("need").values():
                self._needs_by_enterprise.setdefault(need.enterprise_id, []).append(need)  # type: ignore[attr-defined]
        return self._needs_by_enterprise.get(enterprise_id, [])

    def _profile_text(self, enterprise: Enterprise) -> str:
        needs = [need.text for need in self.needs_of(enterprise.id)[:5]]
        return "；".join([enterprise.embed_text(), *needs])

    def _policy_reasons(self, policy: Policy, checks: list[RuleCheck]) -> list[str]:
        reasons = [checks_summary(checks, "申报条件")]
        if policy.auto_grant:
            reasons.append("免申即享：符合条件即可直接兑现，无需申报")
        reasons.append(f"支持内容：{policy.benefit}")
        until = f"有效期至{policy.valid_to.isoformat()}" if policy.valid_to else "长期有效"
        reasons.append(f"发布单位：{policy.issuer}；{until}")
        return reasons
