"""Reading amount, term, collateral, purpose and patents from free-text finance needs."""

from __future__ import annotations

import json

import pytest

from matcher.need_text import NeedFacts, complete_need, read_need_text
from matcher.types import Need
from tests.conftest import SAMPLE_DIR


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("需要500万元流动资金贷款", 500),
        ("想贷五百万", 500),
        ("计划融资1.5亿元", 15000),
        ("需要3000000元周转", 300),
        ("借两千万", 2000),
        ("希望获得1,200万元融资", 1200),
        ("申请两百万人民币贷款", 200),
        ("资金缺口一点五亿", 15000),
        ("需要1千万元", 1000),
        ("金额：4550万元｜期限：60个月", 4550),
        ("需要300万到500万的贷款", 500),  # a range gives its upper end
        ("贷款300-500万元", 500),
        ("我们年营收5000万元，需要贷款300万", 300),  # revenue is not the need
        ("注册资本1000万元，想申请200万元贷款", 200),
        ("公司去年投资800万建设新厂房，现需要贷款300万", 300),  # the clause asking wins
        ("盘活专利资产需要资金40万元", 40),
    ],
)
def test_amounts(text, amount):
    assert read_need_text(text).amount == amount


@pytest.mark.parametrize(
    "text",
    [
        "我们有3项发明专利，想申请贷款",  # a patent count is not an amount
        "年产10万吨，需要一笔贷款",  # tonnes
        "员工200人，想了解贷款产品",
        "2023年成立，急需资金",
        "单价50元的配件采购需要资金",  # a price, not the financing
        "年营业收入3000万元",
    ],
)
def test_no_amount(text):
    assert read_need_text(text).amount is None


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("需要500万元流动资金贷款，没有抵押，期限一年", 12),
        ("想用专利质押贷款300万元，期限2年", 24),
        ("融资1.5亿元，期限18个月", 18),
        ("贷款期限十八个月", 18),
        ("借两千万，半年", 6),
        ("需要300万，18个月", 18),
        ("贷款一年半", 18),
        ("需要800万元，三年期", 36),
        ("期限：60个月", 60),
        ("期限：12月", 12),
        ("期限1-3年", 36),
        ("资金使用两年", 24),
    ],
)
def test_terms(text, months):
    assert read_need_text(text).term_months == months


@pytest.mark.parametrize(
    "text",
    [
        "公司2023年成立，需要贷款300万",  # a year
        "成立5年，想贷款100万元",  # the enterprise's age
        "公司成立两年了，想申请贷款",
        "近三年营业收入保持增长，需要融资",
        "明年3月需要贷款200万",  # a month of the year
        "希望贷款3个月内放款",  # how soon, not how long
        "下游大客户付款账期长达半年，需要贷款",  # a payment period
        "上半年需要贷款",
        "有十年经验的团队，想融资",
    ],
)
def test_no_term(text):
    assert read_need_text(text).term_months is None


@pytest.mark.parametrize(
    ("text", "collateral"),
    [
        ("需要500万元流动资金贷款，没有抵押，期限一年", "信用"),
        ("无抵押，想贷款", "信用"),
        ("想申请信用贷200万", "信用"),
        ("纯信用方式", "信用"),
        ("缺少厂房土地等抵押物", "信用"),
        ("急需资金，没有抵押物。", "信用"),
        ("可提供房产抵押", "抵押"),
        ("设备可作抵押", "抵押"),
        ("想用专利质押贷款300万元", "知识产权质押"),
        ("有发明专利可以质押", "知识产权质押"),
        ("知识产权质押融资", "知识产权质押"),
        ("商标权质押", "知识产权质押"),
        ("以应收账款质押", "质押"),
        ("可接受担保公司担保", "保证"),
        ("法人代表愿意提供个人连带担保", "保证"),
        ("没有抵押，但可以提供担保", "保证"),  # what is offered wins over what is not
        ("没有抵押，可用专利质押", "知识产权质押"),
    ],
)
def test_collateral(text, collateral):
    assert read_need_text(text).collateral == collateral


@pytest.mark.parametrize("text", ["纳税信用良好，需要贷款", "需要一笔贷款", "信用评级AA"])
def test_no_collateral(text):
    assert read_need_text(text).collateral is None


@pytest.mark.parametrize(
    ("text", "purpose"),
    [
        ("需要500万元流动资金贷款", "流动资金"),
        ("续贷周转需要资金330万元", "流动资金"),
        ("旺季备货需要集中付款", "流动资金"),
        ("采购冷链设备，需要一笔贷款", "设备购置"),
        ("准备购置进口检测设备", "设备购置"),
        ("计划扩建车间", "厂房建设"),
        ("新建厂房需要资金", "厂房建设"),
        ("数字化车间改造需要一次性投入", "技术改造"),
        ("新产品研发投入大", "研发"),
        ("想开拓市场", "市场拓展"),
        ("研发的产品卖得好，资金用于采购原材料", "流动资金"),  # after 「用于」 wins
    ],
)
def test_purpose(text, purpose):
    assert read_need_text(text).purpose == purpose


def test_no_purpose_from_collateral_words():
    assert read_need_text("设备可作抵押，厂房抵押也可以").purpose is None


@pytest.mark.parametrize(
    ("text", "patents"),
    [
        ("我们有3项发明专利，想用专利质押贷款300万元", 3),
        ("拥有两项专利", 2),
        ("拥有12件授权发明专利", 12),
        ("发明专利5项、实用新型专利12件", 17),
        ("3项发明专利和5项实用新型专利", 8),
        ("有多项发明专利", None),
        ("想用专利质押贷款300万元", None),
        ("2023年获得专利授权", None),
    ],
)
def test_patents(text, patents):
    assert read_need_text(text).patents == patents


def test_the_two_reported_needs():
    assert read_need_text("需要500万元流动资金贷款，没有抵押，期限一年") == NeedFacts(
        amount=500, term_months=12, collateral="信用", purpose="流动资金"
    )
    assert read_need_text("我们有3项发明专利，想用专利质押贷款300万元，期限2年") == NeedFacts(
        amount=300, term_months=24, collateral="知识产权质押", patents=3
    )


def test_complete_need_fills_only_empty_fields():
    need = Need(
        id="N1",
        enterprise_id="E1",
        kind="finance",
        text="需要500万元流动资金贷款，可提供房产抵押，期限一年",
        amount=450,
    )
    done = complete_need(need)
    assert (done.amount, done.term_months, done.collateral) == (450, 12, "抵押")
    assert done.purpose == "流动资金" and done.patents is None
    assert need.term_months is None  # the original is left as it was
    nothing = Need(id="N2", enterprise_id="E1", kind="finance", text="想了解贷款产品")
    assert complete_need(nothing) == nothing


def secured(collateral: str) -> Need:
    return Need(id="N1", enterprise_id="E1", kind="finance", text="贷款", collateral=collateral)


def test_need_collateral_is_validated_and_aliases_are_canonical():
    assert secured("担保").collateral == "保证"
    assert secured("无抵押").collateral == "信用"
    with pytest.raises(ValueError, match="未知的担保方式「房子」"):
        secured("房子")


@pytest.mark.skipif(not (SAMPLE_DIR / "need.jsonl").exists(), reason="no sample data")
def test_sample_needs_read_back_their_stated_amount_and_term():
    """Every amount / term read from a sample text agrees with the record's own field."""
    read = wrong = 0
    for line in (SAMPLE_DIR / "need.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["kind"] != "finance":
            continue
        facts = read_need_text(record["text"])
        read += facts.amount is not None
        # a share of sample needs leave amount / term empty (only in the text): nothing to compare
        if record["amount"] is not None:
            wrong += facts.amount is not None and facts.amount != record["amount"]
        if record["term_months"] is not None:
            wrong += facts.term_months is not None and facts.term_months != record["term_months"]
    assert read > 900 and wrong == 0
