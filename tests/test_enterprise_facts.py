"""The facts policies test on an enterprise: validated, importable with Chinese headers,
and never a pass when not known."""

from datetime import date

import pytest
from pydantic import ValidationError

from matcher.eligibility import check_rule, subject_values
from matcher.ingest.columns import convert_cell, header_map
from matcher.types import Rule
from tests.conftest import make_enterprise

TODAY = date(2026, 11, 25)


def test_unknown_facts_are_to_be_verified_never_passed():
    values = subject_values(make_enterprise(), TODAY)
    for rule in (
        Rule(field="high_tech", op="eq", value=True),
        Rule(field="invention_patents", op="ge", value=1),
        Rule(field="rd_share", op="ge", value=3),
        Rule(field="tax_credit", op="in", value=["A", "B"]),
        Rule(field="credit_flags", op="not_in", value=["失信被执行人"]),
    ):
        check = check_rule(rule, values)
        assert check.status == "unknown", rule
        assert "待核实" in check.reason


def test_known_facts_pass_and_fail_with_units():
    enterprise = make_enterprise(
        high_tech=True, invention_patents=2, rd_spend=150, revenue=3000, tax_credit="a级",
        credit_flags=["无"],
    )  # fmt: skip
    assert enterprise.tax_credit == "A" and enterprise.credit_flags == []
    assert enterprise.rd_share() == 5.0
    values = subject_values(enterprise, TODAY)
    share = check_rule(Rule(field="rd_share", op="ge", value=6), values)
    assert share.status == "failed"
    assert share.reason == "研发费用占营业收入比例：5%，不符合（要求不低于6%）"
    clean = check_rule(Rule(field="credit_flags", op="not_in", value=["失信被执行人"]), values)
    assert clean.status == "passed"
    patents = check_rule(Rule(field="invention_patents", op="ge", value=3), values)
    assert patents.status == "failed" and "2件" in patents.reason


def test_flagged_enterprise_fails_the_credit_screen():
    values = subject_values(make_enterprise(credit_flags=["失信被执行人"]), TODAY)
    rule = Rule(field="credit_flags", op="not_in", value=["失信被执行人"])
    check = check_rule(rule, values)
    assert check.status == "failed" and "失信被执行人" in check.reason


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("tax_credit", "AA", "纳税信用等级"), ("credit_flags", ["欠款"], "不良记录"),
     ("invention_patents", -1, "greater than or equal")],
)  # fmt: skip
def test_bad_facts_are_refused_naming_the_field(field, value, message):
    with pytest.raises(ValidationError) as error:
        make_enterprise(**{field: value})
    assert field in str(error.value) and message in str(error.value)


def test_chinese_headers_and_cells():
    headers = header_map("enterprise")
    assert headers["高新技术企业"] == "high_tech"
    assert headers["发明专利"] == "invention_patents"
    assert headers["研发费用"] == "rd_spend"
    assert headers["纳税信用等级"] == "tax_credit"
    assert headers["失信及不良记录"] == "credit_flags"
    assert headers["联系人"] == "contact_name"
    assert convert_cell("enterprise", "high_tech", "是") is True
    assert convert_cell("enterprise", "credit_flags", "经营异常、行政处罚") == [
        "经营异常",
        "行政处罚",
    ]
