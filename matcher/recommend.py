"""Forward recommendations.

A need (or free text) → records of the right kind; an enterprise → the policies it is eligible for.

Flow: retrieve (both channels) → filter (eligibility, self-exclusion) → rank → explain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from matcher.eligibility import (
    any_failed,
    check_rules,
    checks_summary,
    product_checks,
    subject_values,
)
from matcher.explain import keyword_reason
from matcher.pair_features import TEXT_FEATURES, pair_features, rules_feature
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


@dataclass
class Scored:
    """A candidate record with its features, reasons and rule checks, before ranking."""

    record: Record
    features: dict[str, float]
    reasons: list[str]
    checks: list[RuleCheck] = field(default_factory=list)
    matched_id: str | None = None
    confidence: float = 0.0
    match: bool = False
    explain: Callable[[], list[str]] | None = None  # reasons put first, computed only if shown

    def all_reasons(self) -> list[str]:
        return [*self.explain(), *self.reasons] if self.explain else self.reasons


def no_hit(record_id: str) -> Candidate:
    """The hit of a record that retrieval did not find (no text evidence at all)."""
    return Candidate(record_id, 0.0, 0.0, 0.0, 0.0, False)


def text_features(candidate: Candidate) -> dict[str, float]:
    """The text part of the pair features: calibrated confidence and the channel cosines."""
    values = (candidate.confidence, candidate.semantic, candidate.lexical)
    return dict(zip(TEXT_FEATURES, values, strict=True))


def confidence_reason(candidate: Candidate) -> str:
    """「匹配度0.82（匹配）」 or, below the threshold, 「匹配度0.31（弱相关，仅供参考）」."""
    verdict = "匹配" if candidate.match else "弱相关，仅供参考"
    return f"匹配度{candidate.confidence:.2f}（{verdict}）"


def text_reasons(
    query: str, candidate: Candidate, document: str, weight: Callable[[str], float] | None = None
) -> list[str]:
    """The confidence and the informative words query and document share."""
    reasons = [confidence_reason(candidate)]
    keywords = keyword_reason(query, document, weight)
    if keywords:
        reasons.append(keywords)
    return reasons


def scored(
    record: Record,
    candidate: Candidate,
    features: dict[str, float],
    reasons: list[str],
    checks: list[RuleCheck] | None = None,
    matched_id: str | None = None,
    explain: Callable[[], list[str]] | None = None,
) -> Scored:
    """A `Scored` carrying the hit's confidence and match verdict."""
    return Scored(
        record, features, reasons, checks or [], matched_id, candidate.confidence,
        candidate.match, explain,
    )  # fmt: skip


def rank(scored: list[Scored], ranker: Ranker, kind: str, k: int) -> list[Recommendation]:
    """Score with the ranker; matches first, then the weak ones; keep the top k.

    Nothing is dropped for a weak text match: when no candidate is a match the closest
    ones come back with `match` false, so callers can say 「暂无合适匹配」 honestly.
    """
    if not scored:
        return []
    scores = ranker.score([s.features for s in scored])
    order = sorted(
        range(len(scored)), key=lambda i: (not scored[i].match, -scores[i], scored[i].record.id)
    )[:k]
    return [
        Recommendation(
            kind=kind,  # type: ignore[arg-type]
            id=scored[i].record.id,
            title=scored[i].record.display_title(),
            score=round(float(scores[i]), 4),
            parts={name: round(float(v), 4) for name, v in scored[i].features.items()},
            reasons=scored[i].all_reasons(),
            checks=scored[i].checks,
            matched_id=scored[i].matched_id,
            confidence=round(scored[i].confidence, 4),
            match=scored[i].match,
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

    @classmethod
    def open(cls, root: str, ranker: Ranker | None = None) -> Recommender:
        return cls(open_workspace(root), ranker)

    def invalidate(self, kind: str) -> None:
        """Forget the loaded indexes of `kind` after it changed."""
        self.retriever.invalidate(kind)

    def enterprise(self, enterprise_id: str) -> Enterprise:
        return self.store.get("enterprise", enterprise_id)  # type: ignore[return-value]

    # forward -----------------------------------------------------------------------------
    def for_need(self, need_id: str, k: int = 10) -> list[Recommendation]:
        """Top-k records for a stored need, of the kind its `kind` routes to."""
        need: Need = self.store.get("need", need_id)  # type: ignore[assignment]
        enterprise = self.enterprise(need.enterprise_id)
        vector = self.retriever.stored_vector("need", need_id)  # no re-encoding when exact
        return self._for(need.text, need.kind, enterprise, need, k, vector)

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
        self,
        text: str,
        kind: str,
        enterprise: Enterprise | None,
        need: Need,
        k: int,
        vector: np.ndarray | None = None,
    ) -> list[Recommendation]:
        target = TARGET_KIND[kind]
        hits = self.retriever.search(target, text, vector=vector)
        records = self.store.get_many(target, [hit.id for hit in hits])
        suppliers = (
            self.store.get_many("enterprise", {r.enterprise_id for r in records.values()})  # type: ignore[attr-defined]
            if target == "offer"
            else {}
        )
        builders: dict[str, Callable[[Record, Candidate], Scored | None]] = {
            "tech_result": lambda r, c: self._tech(text, r, c, enterprise),  # type: ignore[arg-type]
            "finance_product": lambda r, c: self._product(text, r, c, enterprise, need),  # type: ignore[arg-type]
            "offer": lambda r, c: self._offer(text, r, c, enterprise, suppliers),  # type: ignore[arg-type]
        }
        found = []
        for candidate in hits:
            record = records.get(candidate.id)  # None: deleted since the snapshot was made
            item = None if record is None else builders[target](record, candidate)
            if item is not None:
                found.append(item)
        return rank(found, self.ranker, target, k)

    def term_weight(self, kind: str) -> Callable[[str], float]:
        """How informative a word is in the corpus of `kind` (its lexical index's idf)."""
        return self.retriever.engine(kind).lexical.encoder.term_weight

    def _tech(
        self, text: str, result: TechResult, candidate: Candidate, enterprise: Enterprise | None
    ) -> Scored:
        features = pair_features(text_features(candidate), result, enterprise)
        weight = self.term_weight("tech_result")
        explain = partial(text_reasons, text, candidate, result.embed_text(), weight)
        reasons: list[str] = []
        if features.get("chain"):
            reasons.append(f"成果领域（{result.field}）服务企业所在{enterprise.chain}产业链")  # type: ignore[union-attr]
        modes = "、".join(result.transfer_modes) or "面议"
        price = f"，参考价格{result.price:g}万元" if result.price else ""
        reasons.append(f"技术成熟度TRL {result.trl}，转化方式：{modes}{price}")
        reasons.append(f"团队：{result.team}（{result.university}）")
        return scored(result, candidate, features, reasons, explain=explain)

    def _product(
        self,
        text: str,
        product: FinanceProduct,
        candidate: Candidate,
        enterprise: Enterprise | None,
        need: Need,
    ) -> Scored | None:
        features = pair_features(text_features(candidate), product, enterprise, need)
        weight = self.term_weight("finance_product")
        explain = partial(text_reasons, text, candidate, product.embed_text(), weight)
        reasons = [
            f"额度{product.amount_min:g}–{product.amount_max:g}万元，期限{product.term_min}–"
            f"{product.term_max}个月，年化利率{product.rate:g}%"
        ]
        checks = product_checks(product, enterprise, need, self.today)
        if any_failed(checks):
            return None
        features.update(rules_feature(checks))
        reasons.append(checks_summary(checks))
        return scored(product, candidate, features, reasons, checks, explain=explain)

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
        supplier: Enterprise | None = suppliers.get(offer.enterprise_id)  # type: ignore[assignment]
        if supplier is None:
            return None
        features = pair_features(text_features(candidate), offer, enterprise, supplier=supplier)
        explain = partial(text_reasons, text, candidate, offer.text, self.term_weight("offer"))
        reasons = [f"供给方：{supplier.name}（{supplier.district}，{supplier.chain}）"]
        if features.get("chain"):
            reasons.append(f"同属{supplier.chain}产业链")
        if features.get("district"):
            reasons.append(f"同在{supplier.district}，便于对接")
        return scored(offer, candidate, features, reasons, matched_id=supplier.id, explain=explain)

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
            candidate = candidates.get(policy.id, no_hit(policy.id))
            reasons = self._policy_reasons(policy, checks)
            passed = all(c.passed for c in checks)
            item = Scored(policy, text_features(candidate), reasons, checks,
                          confidence=candidate.confidence, match=passed)  # fmt: skip
            if any_failed(checks):
                ineligible.append(item)
            elif passed:
                eligible.append(item)
            else:
                unverified.append(item)
        results = rank(eligible, self.ranker, "policy", k)
        results += rank(unverified, self.ranker, "policy", k - len(results))
        if include_ineligible:
            rest = max(0, k - len(results))
            results += rank(ineligible, self.ranker, "policy", rest)
        return results

    def needs_of(self, enterprise_id: str) -> list[Need]:
        """The enterprise's needs, in id order."""
        return self.store.of_enterprise("need", enterprise_id)  # type: ignore[return-value]

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
