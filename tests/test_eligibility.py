from datetime import date

import pytest

from matcher.eligibility import all_passed, check_rule, check_rules, product_rules, subject_values
from matcher.types import FinanceProduct, Need, Rule
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
    assert ("不符合" in check.reason) is (not passed)


def test_reasons_are_chinese_and_show_both_sides():
    check = check_rule(Rule(field="employees", op="ge", value=50), values(employees=30))
    assert check.reason == "从业人数：30人，不符合（要求不低于50人）"
    check = check_rule(Rule(field="whitelist", op="eq", value=True), values())
    assert check.reason == "信贷白名单：否，不符合（要求为是）"


def test_need_amount_and_term_are_checked_against_product_ranges():
    product = FinanceProduct(
        id="F1", bank="青岛银行", name="科创贷", type="信用贷", amount_min=50, amount_max=500,
        term_min=6, term_max=36, rate=3.9, description="面向科技型中小企业的信用贷款",
        rules=[Rule(field="tiers", op="in", value=["专精特新", "小巨人"])],
    )  # fmt: skip
    enterprise = make_enterprise()
    fits = Need(
        id="N1", enterprise_id="E1", kind="finance", text="流动资金", amount=300, term_months=12
    )
    too_big = fits.model_copy(update={"amount": 800})
    assert all_passed(check_rules(product_rules(product), subject_values(enterprise, TODAY, fits)))
    checks = check_rules(product_rules(product), subject_values(enterprise, TODAY, too_big))
    failed = [c for c in checks if not c.passed]
    assert len(failed) == 1 and "融资金额：800万元" in failed[0].reason


def test_missing_need_values_pass_but_say_unchecked():
    check = check_rule(Rule(field="amount", op="between", value=[1, 10]), values())
    assert check.passed and "待核实" in check.reason
