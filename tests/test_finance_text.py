"""Free-text finance needs through the library: what the text says is checked, and a rule
that cannot be checked is 「待核实」, never counted as passed."""

from __future__ import annotations

from datetime import date

import pytest

from matcher.index.builder import build_indexes
from matcher.leads import leads_for_product
from matcher.recommend import Recommender
from matcher.types import FinanceProduct, Policy, Recommendation, Rule
from tests.small_world import build_small_world

CASH_NEED = "需要500万元流动资金贷款，没有抵押，期限一年"
PATENT_NEED = "我们有3项发明专利，想用专利质押贷款300万元，期限2年"

EXTRA_PRODUCTS = [
    FinanceProduct(id="F4", bank="青岛银行", name="流动资金信用贷", type="信用贷",
                   amount_min=50, amount_max=460, term_min=6, term_max=24, rate=3.8,
                   description="中小企业流动资金贷款，纯信用，无需抵押"),
    FinanceProduct(id="F5", bank="齐鲁银行", name="专利快贷", type="知识产权质押",
                   amount_min=100, amount_max=1000, term_min=3, term_max=12, rate=4.4,
                   description="以发明专利质押的知识产权质押贷款，短期周转"),
    FinanceProduct(id="F6", bank="青岛农商银行", name="知识产权融资贷", type="知识产权质押",
                   amount_min=100, amount_max=1000, term_min=6, term_max=36, rate=4.2,
                   description="以专利、商标质押的知识产权质押贷款，支持科技企业研发"),
    FinanceProduct(id="F7", bank="青岛银行", name="厂房抵押经营贷", type="抵押贷",
                   amount_min=100, amount_max=2000, term_min=12, term_max=60, rate=3.4,
                   description="以厂房、土地抵押的经营贷款，用于扩大生产和流动资金"),
]  # fmt: skip
LOAN_SUBSIDY = Policy(
    id="P5", issuer="青岛市地方金融监督管理局", title="中小企业贷款贴息",
    text="对获得银行贷款的中小企业按贷款金额给予贴息。",
    rules=[Rule(field="amount", op="le", value=1000)],
    benefit="按贷款利息的50%贴息", valid_from=date(2025, 1, 1),
)  # fmt: skip


@pytest.fixture(scope="module")
def recommender(tmp_path_factory) -> Recommender:
    workspace = build_small_world(tmp_path_factory.mktemp("finance-world"))
    workspace.store.upsert("finance_product", EXTRA_PRODUCTS)
    workspace.store.upsert("policy", [LOAN_SUBSIDY])
    build_indexes(workspace, progress=False)
    return Recommender(workspace)


def check_of(result: Recommendation, field: str):
    (check,) = [c for c in result.checks if c.rule.field == field]
    return check


def assert_honest(results: list[Recommendation]) -> None:
    """No failed check is shown, unknown is never passed, 「满足全部」 only when all passed."""
    for result in results:
        assert all(c.status != "failed" for c in result.checks), result.id
        assert all(c.passed == (c.status == "passed") for c in result.checks)
        all_met = [r for r in result.reasons if r.startswith("满足全部")]
        assert bool(all_met) == all(c.passed for c in result.checks), (result.id, result.reasons)


def test_a_500_wan_need_never_passes_a_smaller_product(recommender):
    results = recommender.for_text(CASH_NEED, "finance", k=10)
    assert_honest(results)
    ids = {r.id for r in results}
    assert not ids & {"F2", "F4"}  # their ceilings are 200万 and 460万
    assert "F7" not in ids  # a mortgage loan, and the need has no collateral
    assert ids & {"F1", "F3"}
    for result in results:
        amount = check_of(result, "amount")
        assert amount.status == "passed" and amount.reason.startswith("融资金额：500万元，符合")
        assert "未提供" not in amount.reason


def test_unknown_enterprise_rules_are_to_be_verified(recommender):
    results = {r.id: r for r in recommender.for_text(CASH_NEED, "finance", k=10)}
    f1 = results["F1"]  # 专精特新 only, and no enterprise was given
    assert check_of(f1, "tiers").status == "unknown"
    assert check_of(f1, "tiers").reason == "企业梯度：未提供，待核实"
    assert "满足2项准入条件，1项待核实：企业梯度" in f1.reasons
    assert f1.parts["rules"] == round(2 / 3, 4)


def test_the_enterprise_context_decides_its_rules(recommender):
    as_e1 = {r.id: r for r in recommender.for_text(CASH_NEED, "finance", enterprise_id="E1")}
    assert check_of(as_e1["F1"], "tiers").status == "passed"  # E1 is 专精特新 and whitelisted
    assert "满足全部3项准入条件" in as_e1["F1"].reasons
    as_e2 = {r.id for r in recommender.for_text(CASH_NEED, "finance", enterprise_id="E2")}
    assert not as_e2 & {"F1", "F3"}  # E2 has no tier and is not whitelisted


def test_a_two_year_patent_loan_is_not_offered_a_12_month_product(recommender):
    results = recommender.for_text(PATENT_NEED, "finance", k=10)
    assert_honest(results)
    by_id = {r.id: r for r in results}
    assert "F5" not in by_id  # 3–12 months; the need asks for 24
    assert "F7" not in by_id  # a patent pledge is not a mortgage
    f6 = by_id["F6"]
    assert [c.status for c in f6.checks] == ["passed", "passed", "passed"]
    assert (
        check_of(f6, "collateral").reason == "担保方式：知识产权质押，符合（要求属于知识产权质押）"
    )
    assert "满足全部3项准入条件" in f6.reasons


def test_amount_and_term_arguments_override_the_text(recommender):
    vague = recommender.for_text("需要一笔流动资金贷款", "finance", k=10)
    assert_honest(vague)
    f4 = next(r for r in vague if r.id == "F4")
    assert check_of(f4, "amount").status == "unknown"
    assert any("待核实" in reason for reason in f4.reasons)
    given = recommender.for_text("需要一笔流动资金贷款", "finance", amount=500, term_months=12)
    assert "F4" not in {r.id for r in given}
    overridden = recommender.for_text(CASH_NEED, "finance", amount=300, term_months=6)
    assert "F4" in {r.id for r in overridden}
    f4 = next(r for r in overridden if r.id == "F4")
    assert check_of(f4, "amount").reason.startswith("融资金额：300万元，符合")
    assert check_of(f4, "term_months").reason.startswith("融资期限：6个月，符合")


def test_leads_show_unstated_collateral_as_to_be_verified(recommender):
    leads = leads_for_product(recommender, "F7", k=5)  # 抵押贷, 100–2000万, 12–60 months
    assert [lead.id for lead in leads] == ["E1"]  # E2's 80万 is below the floor
    assert check_of(leads[0], "collateral").status == "unknown"
    assert "满足2项准入条件，1项待核实：担保方式" in leads[0].reasons


def test_policies_with_unverified_rules_follow_the_eligible_ones(recommender):
    results = recommender.policies("E1")
    ids = [r.id for r in results]
    assert set(ids) == {"P1", "P4", "P5"}
    assert ids[-1] == "P5"  # its amount rule cannot be checked without a need
    p5 = results[-1]
    assert check_of(p5, "amount").status == "unknown"
    assert p5.reasons[0] == "1项申报条件待核实：融资金额"
    assert all(c.passed for r in results[:-1] for c in r.checks)
