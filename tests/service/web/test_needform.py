"""The need form's parsing: typed strings → a Need, or Chinese errors by field."""

from __future__ import annotations

from datetime import date

from matcher.types import Need
from service.web.needform import NeedForm


def test_a_complete_form_becomes_a_need():
    form = NeedForm("finance", "  采购冷链设备，需要贷款 ", "80.5", "12", "2027-01-31")
    need = form.to_need("N9", "E2")
    assert need == Need(
        id="N9", enterprise_id="E2", kind="finance", text="采购冷链设备，需要贷款",
        amount=80.5, term_months=12, deadline=date(2027, 1, 31),
    )  # fmt: skip
    assert form.errors == {}


def test_optional_fields_may_stay_empty():
    need = NeedForm("tech", "需要机器视觉检测技术").to_need("N9", "E4")
    assert need is not None
    assert (need.amount, need.term_months, need.deadline) == (None, None, None)


def test_every_bad_field_is_named_in_chinese():
    form = NeedForm("loan", "   ", "-3", "1.5", "31/01/2027")
    assert form.to_need("N9", "E2") is None
    assert form.errors == {
        "kind": "请选择需求类型",
        "text": "请填写需求描述",
        "amount": "融资金额须为大于0的数字（万元）",
        "term_months": "融资期限须为大于0的整数（月）",
        "deadline": "截止日期格式应为 YYYY-MM-DD",
    }


def test_non_numbers_and_overlong_text_are_refused():
    form = NeedForm("tech", "长" * 2001, "abc", "nan", "")
    assert form.to_need("N9", "E1") is None
    assert set(form.errors) == {"text", "amount", "term_months"}
    assert form.errors["text"] == "需求描述不能超过2000字"


def test_an_existing_need_fills_the_form():
    need = Need(id="N2", enterprise_id="E1", kind="finance", text="流动资金", amount=300,
                term_months=12)  # fmt: skip
    form = NeedForm.from_need(need, 4)
    assert (form.kind, form.text, form.amount, form.term_months, form.deadline, form.version) == (
        "finance", "流动资金", "300", "12", "", "4"
    )  # fmt: skip
    assert form.read_version() == 4 and NeedForm(version="x").read_version() == -1
    assert NeedForm(version="").read_version() is None
