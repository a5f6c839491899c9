from datetime import date

import pytest

from matcher.eligibility import (
    any_failed,
    check_rule,
    checks_summary,
    product_checks,
    product_rules,
    subject_values,
)
from matcher.types import FinanceProduct, Need, Rule, RuleCheck
from tests.conftest import make_enterprise

TODAY = date(2026, 11, 25)


def values(**overrides):
    return subject_values(make_enterprise(**overrides), TODAY)


@pytest.mark.parametrize(
    ("rule", "subject", "passed"),
    [
        (Rule(field="tiers", op="in", value=["专精特新", "小巨人"]), {}, True),
        (Rule(field="tiers", op="in", value=["小巨人"]), {}, False),
        (Rule(field="tiers", op="in", value=["小巨人"]), {"tiers": []}, False),
        (Rule(field="tiers", op="not_in", value=["独角兽"]), {}, True),
        (Rule(field="district", op="in", value=["崂山", "市南"]), {}, True),
        (Rule(field="district", op="not_in", value=["崂山"]), {}, False),
        (Rule(field="employees", op="le", value=300), {"employees": 300}, True),
        (Rule(field="employees", op="le", value=300), {"employees": 301}, False),
        (Rule(field="revenue", op="ge", value=5000), {"revenue": 4999.5}, False),
        (Rule(field="age_years", op="ge", value=2), {"founded": date(2025, 1, 1)}, False),
        (Rule(field="age_years", op="ge", value=2), {"founded": date(2020, 1, 1)}, True),
        (Rule(field="whitelist", op="eq", value=True), {"whitelist": True}, True),
        (Rule(field="whitelist", op="eq", value=True), {}, False),
        (Rule(field="size", op="in", value=["微型", "小型"]), {}, True),
    ],
)
def test_rule_outcomes(rule, subject, passed):
    check = check_rule(rule, values(**subject))
    assert check.passed is passed
    assert check.status == ("passed" if passed else "failed")
    assert ("不符合" in check.reason) is (not passed)


def test_reasons_are_chinese_and_show_both_sides():
    check = check_rule(Rule(field="employees", op="ge", value=50), values(employees=30))
    assert check.reason == "从业人数：30人，不符合（要求不低于50人）"
    check = check_rule(Rule(field="whitelist", op="eq", value=True), values())
    assert check.reason == "信贷白名单：否，不符合（要求为是）"


def product(**overrides) -> FinanceProduct:
    fields = dict(
        id="F1", bank="青岛银行", name="科创贷", type="信用贷", amount_min=50, amount_max=500,
        term_min=6, term_max=36, rate=3.9, description="面向科技型中小企业的信用贷款",
        rules=[Rule(field="tiers", op="in", value=["专精特新", "小巨人"])],
    )  # fmt: skip
    return FinanceProduct(**(fields | overrides))


def need(text: str = "流动资金", **fields) -> Need:
    return Need(id="N1", enterprise_id="E1", kind="finance", text=text, **fields)


def test_need_amount_and_term_are_checked_against_product_ranges():
    enterprise = make_enterprise()
    fits = need(amount=300, term_months=12)
    checks = product_checks(product(), enterprise, fits, TODAY)
    assert [c.status for c in checks] == ["passed"] * 3
    checks = product_checks(product(), enterprise, fits.model_copy(update={"amount": 800}), TODAY)
    failed = [c for c in checks if c.status == "failed"]
    assert len(failed) == 1 and "融资金额：800万元" in failed[0].reason
    assert any_failed(checks)


def test_missing_values_are_unknown_never_passed():
    check = check_rule(Rule(field="amount", op="between", value=[1, 10]), values())
    assert check.status == "unknown" and check.passed is False
    assert check.reason == "融资金额：未提供，待核实"
    checks = product_checks(product(), make_enterprise(), need(), TODAY)
    assert [c.status for c in checks] == ["passed", "unknown", "unknown"]
    assert not any_failed(checks)


def test_without_an_enterprise_its_rules_are_unknown():
    checks = product_checks(product(), None, need(amount=100, term_months=12), TODAY)
    assert [c.status for c in checks] == ["unknown", "passed", "passed"]
    assert checks[0].reason == "企业梯度：未提供，待核实"


def test_a_text_only_need_is_read_before_checking():
    text = "需要500万元流动资金贷款，没有抵押，期限一年"
    checks = product_checks(product(amount_max=460), make_enterprise(), need(text), TODAY)
    by_field = {c.rule.field: c for c in checks}
    assert by_field["amount"].status == "failed"
    assert by_field["amount"].reason == "融资金额：500万元，不符合（要求在50至460万元之间）"
    assert by_field["term_months"].status == "passed"
    stated = need(text, amount=400)  # a stated field wins over the text
    checks = product_checks(product(amount_max=460), make_enterprise(), stated, TODAY)
    assert not any_failed(checks)


@pytest.mark.parametrize(
    ("kind", "collateral", "status"),
    [
        ("抵押贷", "抵押", "passed"),
        ("抵押贷", "信用", "failed"),
        ("抵押贷", None, "unknown"),
        ("知识产权质押", "知识产权质押", "passed"),
        ("知识产权质押", "抵押", "failed"),
        ("担保贷", "保证", "passed"),
        ("担保贷", "抵押", "passed"),
        ("担保贷", "信用", "failed"),
    ],
)
def test_collateral_rule_follows_the_product_type(kind, collateral, status):
    checks = product_checks(
        product(type=kind, rules=[]), None, need("贷款", collateral=collateral), TODAY
    )
    (check,) = [c for c in checks if c.rule.field == "collateral"]
    assert check.status == status
    assert check.reason.startswith("担保方式：")


def test_unsecured_product_types_ask_no_collateral():
    for kind in ("信用贷", "首贷", "贴息", "供应链金融", "融资租赁"):
        assert all(r.field != "collateral" for r in product_rules(product(type=kind)))


def test_a_stated_collateral_rule_replaces_the_derived_one():
    own = Rule(field="collateral", op="in", value=["抵押", "质押"])
    rules = product_rules(product(type="抵押贷", rules=[own]))
    assert [r for r in rules if r.field == "collateral"] == [own]


def test_rule_check_keeps_passed_and_status_consistent():
    rule = Rule(field="amount", op="ge", value=1)
    assert RuleCheck(rule=rule, passed=True, reason="x").status == "passed"
    assert RuleCheck(rule=rule, passed=False, reason="x").status == "failed"
    assert RuleCheck(rule=rule, status="unknown", reason="x").passed is False
    with pytest.raises(ValueError, match="不一致"):
        RuleCheck(rule=rule, status="unknown", passed=True, reason="x")


def test_summary_counts_only_passed_checks_as_met():
    enterprise = make_enterprise()
    all_met = product_checks(product(), enterprise, need(amount=300, term_months=12), TODAY)
    assert checks_summary(all_met) == "满足全部3项准入条件"
    pending = product_checks(product(), enterprise, need(), TODAY)
    assert checks_summary(pending) == "满足1项准入条件，2项待核实：融资金额、融资期限"
    unknown_only = product_checks(product(rules=[]), None, need(), TODAY)
    assert checks_summary(unknown_only) == "2项准入条件待核实：融资金额、融资期限"
    failing = product_checks(product(), make_enterprise(tiers=[]), need(amount=800), TODAY)
    assert checks_summary(failing) == "有2项准入条件不满足：企业梯度、融资金额；1项待核实：融资期限"
    assert checks_summary([], "申报条件") == "无特定申报条件"
