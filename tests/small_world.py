"""A small, hand-written world of records (real Chinese text) for recommendation tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from matcher.config import Settings
from matcher.types import FinanceProduct, Need, Offer, Policy, Rule, TechResult
from matcher.workspace import Workspace, init_workspace
from tests.conftest import make_enterprise

TODAY = date(2026, 11, 25)

# A tech result none of the world's needs asks for, and the query that finds it first.
DESALINATION = {
    "university": "中国海洋大学",
    "team": "海水资源利用团队",
    "title": "海水淡化反渗透膜抗污染改性技术",
    "abstract": "对反渗透膜表面进行亲水改性，海水淡化膜污染速率降低一半，清洗周期延长。",
    "field": "海洋经济",
    "trl": 6,
    "transfer_modes": ["转让"],
}
DESALINATION_QUERY = {"text": "需要海水淡化反渗透膜的抗污染技术", "kind": "tech", "k": 5}

ENTERPRISES = [
    make_enterprise("E1", name="青岛海鑫新能源科技有限公司", chain="智能装备", district="黄岛",
                    tiers=["专精特新"], whitelist=True, employees=120,
                    description="生产储能电池包与电池管理系统，客户包括整车厂和储能电站"),
    make_enterprise("E2", name="青岛蓝湾食品有限公司", chain="绿色健康食品", district="莱西",
                    tiers=[], size="小型", employees=60, founded=date(2025, 3, 1),
                    description="花生油与即食海产品加工，产品销往华东商超"),
    make_enterprise("E3", name="青岛瑞视智能科技有限公司", chain="人工智能", district="崂山",
                    tiers=["专精特新", "瞪羚"], employees=90,
                    description="工业视觉检测算法与智能质检设备"),
    make_enterprise("E4", name="青岛海工精密机械有限公司", chain="智能装备", district="黄岛",
                    tiers=["创新型中小企业"], employees=200,
                    description="数控机床关键零部件与精密铸件加工"),
]  # fmt: skip

NEEDS = [
    Need(id="N1", enterprise_id="E1", kind="tech",
         text="电池包在高温环境下温升过快，需要锂电池热管理和散热技术，降低热失控风险"),
    Need(id="N2", enterprise_id="E1", kind="finance",
         text="扩大储能电池产线，需要流动资金贷款", amount=300, term_months=12),
    Need(id="N3", enterprise_id="E2", kind="finance",
         text="采购冷链设备，需要一笔贷款", amount=80, term_months=12),
    Need(id="N4", enterprise_id="E3", kind="partner",
         text="寻找精密机械加工合作伙伴，为视觉检测设备加工铝合金结构件"),
    Need(id="N5", enterprise_id="E4", kind="tech",
         text="数控机床加工零件表面缺陷多，想引入机器视觉自动检测"),
]  # fmt: skip

TECH_RESULTS = [
    TechResult(id="T1", university="中国石油大学（华东）", team="王立新教授团队",
               title="基于相变材料的动力锂电池热管理系统",
               abstract="提出相变材料与液冷耦合的电池散热结构，电池包最高温升降低40%，有效抑制热失控蔓延。",
               field="智能装备", trl=6, transfer_modes=["许可", "合作开发"], price=120),
    TechResult(id="T2", university="青岛大学", team="刘敏教授团队",
               title="深度学习表面缺陷视觉检测方法",
               abstract="利用卷积神经网络识别金属零件表面划痕、凹坑等缺陷，检测准确率达到98%。",
               field="人工智能", trl=7, transfer_modes=["转让"], price=80),
    TechResult(id="T3", university="青岛农业大学", team="陈华研究员团队",
               title="花生高油酸品种选育与加工技术",
               abstract="选育高油酸花生新品种，配套低温压榨工艺，提高花生油品质与货架期。",
               field="绿色健康食品", trl=8, transfer_modes=["许可"], price=50),
]  # fmt: skip

PRODUCTS = [
    FinanceProduct(id="F1", bank="青岛银行", name="专精特新贷", type="信用贷",
                   amount_min=100, amount_max=1000, term_min=6, term_max=36, rate=3.6,
                   description="面向专精特新企业的纯信用流动资金贷款，无需抵押",
                   rules=[Rule(field="tiers", op="in", value=["专精特新", "小巨人"])]),
    FinanceProduct(id="F2", bank="青岛农商银行", name="首贷通", type="首贷",
                   amount_min=10, amount_max=200, term_min=3, term_max=24, rate=3.9,
                   description="为首次贷款的小微企业提供流动资金贷款，支持设备采购",
                   rules=[Rule(field="size", op="in", value=["微型", "小型"])]),
    FinanceProduct(id="F3", bank="齐鲁银行", name="白名单快贷", type="信用贷",
                   amount_min=50, amount_max=500, term_min=6, term_max=12, rate=3.5,
                   description="信贷白名单企业流动资金贷款，线上审批",
                   rules=[Rule(field="whitelist", op="eq", value=True)]),
]  # fmt: skip

POLICIES = [
    Policy(id="P1", issuer="青岛市民营经济局", title="专精特新中小企业奖励",
           text="对新认定的专精特新中小企业给予一次性奖励，支持企业提升创新能力。",
           rules=[Rule(field="tiers", op="in", value=["专精特新"])],
           benefit="一次性奖励30万元", amount=30, valid_from=date(2025, 1, 1),
           valid_to=date(2027, 12, 31), auto_grant=True),
    Policy(id="P2", issuer="青岛市工业和信息化局", title="智能化改造补助（已过期）",
           text="对实施智能化改造的企业按设备投资给予补助。",
           rules=[], benefit="按设备投资额10%补助", amount=200,
           valid_from=date(2023, 1, 1), valid_to=date(2025, 12, 31)),
    Policy(id="P3", issuer="莱西市人民政府", title="绿色健康食品产业扶持",
           text="支持莱西绿色健康食品企业技术改造与品牌建设。",
           rules=[Rule(field="district", op="in", value=["莱西"]),
                  Rule(field="chain", op="in", value=["绿色健康食品"])],
           benefit="最高补助50万元", amount=50, valid_from=date(2025, 6, 1)),
    Policy(id="P4", issuer="青岛市科技局", title="科技型企业研发费用补助",
           text="对成立三年以上、研发投入较大的科技型中小企业给予研发费用补助。",
           rules=[Rule(field="age_years", op="ge", value=3),
                  Rule(field="employees", op="le", value=150)],
           benefit="按研发费用增量的10%补助", valid_from=date(2025, 1, 1),
           valid_to=date(2028, 6, 30)),
]  # fmt: skip

OFFERS = [
    Offer(
        id="O1",
        enterprise_id="E4",
        text="承接数控精密机械加工，铝合金、不锈钢结构件加工，精度0.01毫米",
    ),
    Offer(id="O2", enterprise_id="E3", text="提供精密机械加工件的视觉检测设备与方案"),
    Offer(id="O3", enterprise_id="E2", text="供应花生油、即食海产品，可定制企业团购"),
]


def build_small_world(root: Path) -> Workspace:
    """A workspace holding the records above (indexes not built)."""
    workspace = init_workspace(root, Settings(today=TODAY))
    store = workspace.store
    for kind, records in (
        ("enterprise", ENTERPRISES), ("need", NEEDS), ("tech_result", TECH_RESULTS),
        ("finance_product", PRODUCTS), ("policy", POLICIES), ("offer", OFFERS),
    ):  # fmt: skip
        store.upsert(kind, records)
    return workspace
