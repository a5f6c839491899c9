"""Eligibility rules as data: evaluate `field op value` against a subject, with Chinese reasons.

A check is passed, failed or unknown: a value the subject did not give is never a pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from matcher.need_text import complete_need
from matcher.types import RULE_FIELDS, Enterprise, FinanceProduct, Need, Rule, RuleCheck

# The security each product type asks of the borrower; types not listed need none (信用贷,
# 首贷, 贴息…), so any collateral fits them. Guarantee companies take a mortgage as
# counter-guarantee, so a mortgage fits 担保贷 too.
COLLATERAL_BY_TYPE: dict[str, list[str]] = {
    "抵押贷": ["抵押"],
    "知识产权质押": ["知识产权质押"],
    "担保贷": ["保证", "抵押"],
}

_UNITS = {
    "employees": "人",
    "revenue": "万元",
    "age_years": "年",
    "amount": "万元",
    "term_months": "个月",
    "invention_patents": "件",
    "utility_patents": "件",
    "rd_spend": "万元",
    "rd_share": "%",
    "tax_paid": "万元",
}


def subject_values(
    enterprise: Enterprise | None, today: date, need: Need | None = None
) -> dict[str, Any]:
    """The values rules may test, for an enterprise and / or a need (None where not known)."""
    values: dict[str, Any] = {
        "amount": need.amount if need else None,
        "term_months": need.term_months if need else None,
        "collateral": need.collateral if need else None,
    }
    if enterprise is not None:
        values |= {
            "tiers": list(enterprise.tiers),
            "chain": enterprise.chain,
            "district": enterprise.district,
            "size": enterprise.size,
            "employees": enterprise.employees,
            "revenue": enterprise.revenue,
            "age_years": round(enterprise.age_years(today), 1),
            "whitelist": enterprise.whitelist,
            "high_tech": enterprise.high_tech,
            "invention_patents": enterprise.invention_patents,
            "utility_patents": enterprise.utility_patents,
            "rd_spend": enterprise.rd_spend,
            "rd_share": enterprise.rd_share(),
            "tax_paid": enterprise.tax_paid,
            "tax_credit": enterprise.tax_credit,
            "credit_flags": enterprise.credit_flags,
        }
    return values


def _show(value: Any, field: str = "") -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(_show(v) for v in value) if value else "无"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value}{_UNITS.get(field, '')}"


def check_rule(rule: Rule, values: dict[str, Any]) -> RuleCheck:
    """Evaluate one rule; a value the subject did not give is unknown (to be verified)."""
    label = RULE_FIELDS[rule.field]
    actual = values.get(rule.field)
    if actual is None:
        return RuleCheck(rule=rule, status="unknown", reason=f"{label}：未提供，待核实")
    passed, wanted = _evaluate(rule, actual)
    verdict = "符合" if passed else "不符合"
    return RuleCheck(
        rule=rule,
        passed=passed,
        reason=f"{label}：{_show(actual, rule.field)}，{verdict}（要求{wanted}）",
    )


def _evaluate(rule: Rule, actual: Any) -> tuple[bool, str]:
    value, field = rule.value, rule.field
    actual_set = set(actual) if isinstance(actual, list) else {actual}
    if rule.op == "in":
        return bool(actual_set & set(value)), f"属于{_show(value)}"
    if rule.op == "not_in":
        return not (actual_set & set(value)), f"不属于{_show(value)}"
    if rule.op == "eq":
        return actual == value, f"为{_show(value, field)}"
    if rule.op == "ge":
        return actual >= value, f"不低于{_show(value, field)}"
    if rule.op == "le":
        return actual <= value, f"不超过{_show(value, field)}"
    low, high = value
    return low <= actual <= high, f"在{_show(low)}至{_show(high, field)}之间"


def check_rules(rules: Sequence[Rule], values: dict[str, Any]) -> list[RuleCheck]:
    """Every rule's check, in the rules' order."""
    return [check_rule(rule, values) for rule in rules]


def product_rules(product: FinanceProduct) -> list[Rule]:
    """A product's own rules plus its amount and term ranges and the collateral its type
    asks for, as rules (each unless the product already states it)."""
    derived = [
        Rule(field="amount", op="between", value=[product.amount_min, product.amount_max]),
        Rule(field="term_months", op="between", value=[product.term_min, product.term_max]),
    ]
    if product.type in COLLATERAL_BY_TYPE:
        derived.append(Rule(field="collateral", op="in", value=COLLATERAL_BY_TYPE[product.type]))
    return [*product.rules, *(rule for rule in derived if not _stated(rule, product.rules))]


def _stated(rule: Rule, own: Sequence[Rule]) -> bool:
    """Whether the product's own rules already cover `rule` (any collateral rule does)."""
    if rule.field == "collateral":
        return any(r.field == "collateral" for r in own)
    return any((r.field, r.op, r.value) == (rule.field, rule.op, rule.value) for r in own)


def product_checks(
    product: FinanceProduct, enterprise: Enterprise | None, need: Need | None, today: date
) -> list[RuleCheck]:
    """Every rule of a product checked against an enterprise and a need (read from its text
    where its fields are empty); what neither gives is unknown."""
    completed = complete_need(need) if need is not None else None
    return check_rules(product_rules(product), subject_values(enterprise, today, completed))


def any_failed(checks: Sequence[RuleCheck]) -> bool:
    return any(check.status == "failed" for check in checks)


def _labels(checks: Sequence[RuleCheck]) -> str:
    return "、".join(dict.fromkeys(RULE_FIELDS[check.rule.field] for check in checks))


def checks_summary(checks: Sequence[RuleCheck], what: str = "准入条件") -> str:
    """One Chinese line: all passed, how many are to be verified, or which ones fail."""
    if not checks:
        return f"无特定{what}"
    failed = [c for c in checks if c.status == "failed"]
    unknown = [c for c in checks if c.status == "unknown"]
    passed = len(checks) - len(failed) - len(unknown)
    pending = f"{len(unknown)}项待核实：{_labels(unknown)}" if unknown else ""
    if failed:
        line = f"有{len(failed)}项{what}不满足：{_labels(failed)}"
        return f"{line}；{pending}" if pending else line
    if unknown:
        if not passed:
            return f"{len(unknown)}项{what}待核实：{_labels(unknown)}"
        return f"满足{passed}项{what}，{pending}"
    return f"满足全部{len(checks)}项{what}"
