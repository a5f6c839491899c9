"""Eligibility rules as data: evaluate `field op value` against a subject, with Chinese reasons."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from matcher.types import RULE_FIELDS, Enterprise, FinanceProduct, Need, Rule, RuleCheck

_UNITS = {
    "employees": "人",
    "revenue": "万元",
    "age_years": "年",
    "amount": "万元",
    "term_months": "个月",
}


def subject_values(enterprise: Enterprise, today: date, need: Need | None = None) -> dict[str, Any]:
    """The values rules may test, for an enterprise and optionally one of its needs."""
    return {
        "tiers": list(enterprise.tiers),
        "chain": enterprise.chain,
        "district": enterprise.district,
        "size": enterprise.size,
        "employees": enterprise.employees,
        "revenue": enterprise.revenue,
        "age_years": round(enterprise.age_years(today), 1),
        "whitelist": enterprise.whitelist,
        "amount": need.amount if need else None,
        "term_months": need.term_months if need else None,
    }


def _show(value: Any, field: str = "") -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(_show(v) for v in value) if value else "无"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value}{_UNITS.get(field, '')}"


def check_rule(rule: Rule, values: dict[str, Any]) -> RuleCheck:
    """Evaluate one rule; a value the subject did not give passes but says it is unchecked."""
    label = RULE_FIELDS[rule.field]
    actual = values.get(rule.field)
    if actual is None:
        return RuleCheck(rule=rule, passed=True, reason=f"{label}：未提供，待核实")
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
    """A product's own rules plus its amount and term ranges as rules (unless already stated)."""
    ranges = [
        Rule(field="amount", op="between", value=[product.amount_min, product.amount_max]),
        Rule(field="term_months", op="between", value=[product.term_min, product.term_max]),
    ]
    stated = {(rule.field, rule.op, str(rule.value)) for rule in product.rules}
    return [*product.rules, *(r for r in ranges if (r.field, r.op, str(r.value)) not in stated)]


def all_passed(checks: Sequence[RuleCheck]) -> bool:
    return all(check.passed for check in checks)
