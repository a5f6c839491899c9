# ruff: noqa: E501  (Chinese prose literals: CJK characters count double width)
"""Needs in enterprise language: tech (problem → wanted capability), finance and partner.

Every need carries a latent topic key: tech needs share it with tech results, partner
needs with offers. The text never names the topic; it describes the symptom.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date

from matcher.synth.enterprises import Population, enterprise_id
from matcher.synth.finance import PURPOSES, Purpose
from matcher.synth.lexicon import DISTRICT_FULL, PARKS, PROFILES, SURNAMES, located
from matcher.synth.partner_topics import PARTNER_TOPICS
from matcher.synth.phrases import amount_text, clean, maybe, pick, random_date, round_amount, two
from matcher.synth.tech_topics_a import TECH_TOPICS_A
from matcher.synth.tech_topics_b import TECH_TOPICS_B
from matcher.synth.topics import PartnerTopic, TechTopic
from matcher.types import CHAINS, DISTRICTS, Need

TECH_TOPICS: tuple[TechTopic, ...] = TECH_TOPICS_A + TECH_TOPICS_B
TECH_BY_CHAIN: dict[str, tuple[int, ...]] = {
    c: tuple(i for i, t in enumerate(TECH_TOPICS) if t.chain == c) for c in CHAINS
}
PARTNER_BY_CHAIN: dict[str, tuple[int, ...]] = {
    c: tuple(i for i, t in enumerate(PARTNER_TOPICS) if t.chain == c) for c in CHAINS
}
NEED_KIND_WEIGHTS = (0.42, 0.33, 0.25)  # tech, finance, partner
SIZE_WORDS = ("小微", "小型", "中型", "规模以上")
AMOUNT_RANGES = ((30, 500), (100, 2000), (500, 8000), (2000, 30000))
WANT_VERBS = ("希望", "急需", "计划", "拟", "想", "希望借助外部技术力量", "迫切希望")
COOPS = ("技术转让、许可或联合开发均可", "可接受技术入股", "希望与高校共建联合实验室", "合作方式面议",
         "优先考虑青岛本地高校团队", "愿意承担中试费用", "可提供试验场地和样品")  # fmt: skip
CONSTRAINTS = ("改造需在不停产的前提下进行", "方案要兼容现有设备", "需提供现场调试和人员培训",
               "知识产权归属可协商", "成果需通过第三方检测验证", "优先采用国产化方案")  # fmt: skip
IMPACTS = ("交期", "产品良率", "生产成本", "客户满意度", "出口订单", "利润率")
ASKS = ("想找相关高校专家聊一聊。", "欢迎有成熟技术的团队联系。", "希望尽快对接技术团队。",
        "请帮忙推荐合适的科研团队。", "有意向的专家可直接到厂里看现场。")  # fmt: skip


def need_id(index: int) -> str:
    """`N0000001` for index 0."""
    return f"N{index + 1:07d}"


def _target(rng: random.Random, topic: TechTopic) -> str:
    metric = pick(rng, topic.metrics)
    value = metric.draw(rng)
    return pick(rng, (f"要求{metric.name}达到{value}", f"{metric.name}需达到{value}",
                      f"{metric.name}力争做到{value}", f"关键指标为{metric.name}{value}"))  # fmt: skip


def tech_text(
    rng: random.Random, topic: TechTopic, chain: str, district: str, product: str, size: int
) -> str:
    """A tech need describing the topic's symptoms in one of many registers."""
    profile = PROFILES[chain]
    pain, pain2 = two(rng, topic.pains)
    want = pick(rng, topic.wants)
    anchor = pick(rng, topic.anchors)
    verb = pick(rng, WANT_VERBS)
    customer = pick(rng, profile.customers)
    park = pick(rng, PARKS[district])
    budget = amount_text(round_amount(rng.uniform(15, 600)))
    months = rng.randint(3, 18)
    coop = pick(rng, COOPS)
    impact = pick(rng, (f"严重影响{pick(rng, IMPACTS)}", f"已经影响到{pick(rng, IMPACTS)}",
                        f"对{pick(rng, IMPACTS)}造成较大压力"))  # fmt: skip
    target = _target(rng, topic)
    budget_s = maybe(rng, 0.5, f"预算约{budget}。")
    tail = pick(rng, (f"希望{months}个月内解决。", f"联系人：{rng.choice(SURNAMES)}工。", f"企业位于{DISTRICT_FULL[district]}。",
                      f"预算{budget}。", "可到厂面谈。", f"{target}。", f"{coop}。", ""))  # fmt: skip
    frame = rng.randrange(19)
    texts = (
        lambda: f"{pain}。{verb}{want}，{target}。{budget_s}",
        lambda: f"我公司主营{product}，{pain}。现寻求高校或科研院所合作，{want}。{coop}。",
        lambda: f"技术需求：{anchor}。现状：{pain}。目标：{want}，{target}。合作方式：{coop}。",
        lambda: f"【{anchor}】{pain}，{verb}{want}，预算{budget}左右。",
        lambda: f"作为{customer}的配套企业，{pain}。客户对质量要求越来越高，{verb}{want}。",
        lambda: f"随着订单增长，{pain}。公司计划{want}，{target}，希望{months}个月内见到成效。",
        lambda: f"求{anchor}方面的技术支持：{pain}。{tail}",
        lambda: (
            f"公司位于{located(district, park)}，{pain}，{impact}。{verb}{want}。{budget_s}{coop}。"
        ),
        lambda: f"近两年{customer}对{product}提出了更高要求，{pain}。{verb}{want}，{target}。",
        lambda: f"我们是一家做{product}的{SIZE_WORDS[size]}企业，{pain}。{pick(rng, ASKS)}",
        lambda: f"急需解决{anchor}难题。{pain}。{verb}{want}。{tail}",
        lambda: f"寻求{anchor}相关技术合作：{want}。背景：{pain}。{tail}",
        lambda: f"{product}生产过程中，{pain}。{verb}{want}，{target}。{coop}。",
        lambda: f"目前{pain}，{impact}。{verb}{want}。{tail}",
        lambda: f"拟投入{budget}开展{anchor}升级项目，{want}。现状是{pain}，{target}。",
        lambda: (
            f"公司主要生产{product}，产品销往{customer}等客户。{pain}；同时{pain2}。为此，公司{verb}{want}，"
            f"具体要求：{target}；{pick(rng, CONSTRAINTS)}。项目预算约{budget}，周期{months}个月，{coop}。"
        ),
        lambda: f"需求概述：{want}（{anchor}）。{pain}。{tail}",
        lambda: f"有没有做{anchor}的专家？{pain}，想{want}。{tail}",
        lambda: (
            f"在{DISTRICT_FULL[district]}产业政策支持下，公司启动{anchor}改造。{pain}，"
            f"{verb}{want}，{pick(rng, CONSTRAINTS)}。"
        ),
    )
    return clean(texts[frame]())


def finance_text(
    rng: random.Random, purpose: Purpose, product: str, amount: float, term: int
) -> str:
    """A finance need stating purpose, amount (万元) and term (months)."""
    reason, reason2 = two(rng, purpose.reasons)
    use = pick(rng, purpose.uses)
    money = amount_text(amount)
    loan = pick(rng, ("贷款", "融资", "授信", "资金"))
    collateral = pick(rng, ("可提供厂房抵押", "没有抵押物", "可接受担保公司担保", "有发明专利可以质押",
                            "有核心企业的应收账款", "法人代表愿意提供个人连带担保", "设备可作抵押"))  # fmt: skip
    rate = pick(rng, (f"希望年化利率不超过{rng.choice((3.5, 3.8, 4, 4.5, 5))}%", "对利率比较敏感",
                      "希望审批快一些", "希望可以随借随还", ""))  # fmt: skip
    urgency = pick(rng, (f"资金需在{rng.randint(1, 12)}月底前到位", "时间比较紧", "", "可分批放款"))
    intro = pick(rng, (f"我司主营{product}", f"公司从事{product}生产", f"本企业是{product}制造商",
                       f"企业主要产品为{product}"))  # fmt: skip
    frame = rng.randrange(16)
    texts = (
        lambda: f"{reason}，需融资{money}，期限{term}个月，用于{use}。{collateral}。",
        lambda: f"融资需求：{money}；期限：{term}个月；用途：{use}；担保方式：{collateral}。",
        lambda: f"{intro}，{reason}。拟向银行申请{money}{loan}，期限{term}个月，{rate}。",
        lambda: f"因{reason}，现需{money}资金用于{use}，期限约{term}个月。",
        lambda: f"申请{money}{loan}，{term}个月，用于{use}。{collateral}，{rate}。",
        lambda: (
            f"{intro}。{reason}，资金缺口约{money}。希望对接合适的金融产品，期限{term}个月左右。"
        ),
        lambda: f"资金需求{money}（{term}个月），主要用于{use}。{reason}。",
        lambda: f"寻求{money}左右的{loan}支持：{reason}，{collateral}。",
        lambda: f"企业经营稳定、纳税信用良好，{reason}，希望获得{money}{loan}，期限{term}个月。",
        lambda: f"{use}需要资金{money}，计划期限{term}个月。{collateral}。{urgency}。",
        lambda: f"今年{reason}。想了解有没有适合我们的{loan}产品，金额{money}，期限{term}个月。",
        lambda: f"{reason}；{collateral}。融资金额{money}，期限{term}个月，{rate}。",
        lambda: f"为{use}，我司拟融资{money}，期限{term}个月。{reason}。{urgency}。",
        lambda: f"急需{money}用于{use}。{reason}，{collateral}。",
        lambda: f"金额：{money}｜期限：{term}个月｜用途：{use}｜{collateral}",
        lambda: (
            f"{intro}，近三年营业收入保持增长。{reason}；此外{reason2}。为此计划融资{money}，期限{term}个月，"
            f"用于{use}。{collateral}，{rate}。"
        ),
    )
    return clean(texts[frame]())


def partner_text(
    rng: random.Random, topic: PartnerTopic, chain: str, district: str, product: str
) -> str:
    """A partner need: which supplier or partner the enterprise is looking for."""
    seek = pick(rng, topic.seeks)
    item, item2 = two(rng, topic.items)
    metric = pick(rng, topic.metrics)
    customer = pick(rng, PROFILES[chain].customers)
    req = pick(rng, (f"要求{metric.name}不低于{metric.draw(rng)}", "交付稳定、质量可控", "响应速度快、能驻厂服务",
                     f"{metric.name}在{metric.draw(rng)}左右", "有同行业配套经验", "价格有竞争力"))  # fmt: skip
    why = pick(rng, ("目前依赖外地供应商，运输成本高", "订单量持续增长，现有合作方产能不足", "公司正在拓展新业务",
                     "响应融链固链行动，希望在本地找到配套", "原合作方经营调整，需要替换"))  # fmt: skip
    form = pick(rng, ("长期供货", "联合开发", "委托加工", "渠道合作", "战略合作"))
    dfull = DISTRICT_FULL[district]
    volume = pick(rng, topic.metrics)
    tail = pick(rng, (f"联系人：{rng.choice(SURNAMES)}经理。", f"优先考虑{dfull}及周边企业。", f"{volume.name}需求约{volume.draw(rng)}。",
                      f"合作期限{rng.randint(1, 5)}年。", f"希望{rng.randint(1, 6)}个月内确定合作方。", ""))  # fmt: skip
    frame = rng.randrange(16)
    texts = (
        lambda: f"寻找{seek}，{req}。{tail}",
        lambda: f"诚招{item}合作伙伴：{req}，{why}。",
        lambda: f"因业务扩张，需要{seek}，{req}。{tail}",
        lambda: f"我司为{customer}配套{product}，现需{seek}，长期合作。",
        lambda: f"合作需求：{item}。要求：{req}。地点：{dfull}及周边优先。",
        lambda: f"公司新产品即将量产，{item}环节需要外部配套，寻求{seek}。{tail}",
        lambda: f"求推荐{seek}，{req}。{tail}",
        lambda: f"{dfull}一家{product}企业寻{item}合作方，{req}，可{form}。",
        lambda: f"希望对接{seek}。{why}，{req}。",
        lambda: f"现有{item}供应商产能跟不上，想再找一家{seek}作为第二供应商。{tail}",
        lambda: f"征集{item}、{item2}方面的合作伙伴，{req}，合作形式可为{form}。{tail}",
        lambda: f"我们想和{seek}建立合作，{why}。{tail}",
        lambda: f"{item}外协需求：{req}，合作形式为{form}。{tail}",
        lambda: f"招募{seek}。{why}。{req}。{tail}",
        lambda: f"拟与{seek}开展{form}，{req}。",
        lambda: f"产业链协同需求：{why}，需要{item}方面的合作伙伴，{req}。",
    )
    return clean(texts[frame]())


def needs(seed: int, count: int, population: Population) -> Iterator[tuple[Need, str]]:
    """`count` needs of mixed kinds, each with its latent topic key."""
    rng = random.Random(f"{seed}:need")
    size = len(population)
    for index in range(count):
        firm = rng.randrange(size)
        chain = CHAINS[population.chain[firm]]
        district = DISTRICTS[population.district[firm]]
        size_i = population.size[firm]
        product = PROFILES[chain].products[population.product[firm]]
        kind = rng.choices(("tech", "finance", "partner"), weights=NEED_KIND_WEIGHTS, k=1)[0]
        amount: float | None = None
        term: int | None = None
        if kind == "tech":
            pool = TECH_BY_CHAIN[chain] if rng.random() < 0.85 else range(len(TECH_TOPICS))
            topic = TECH_TOPICS[pick(rng, pool)]
            text = tech_text(rng, topic, chain, district, product, size_i)
            key = topic.key
        elif kind == "finance":
            purpose = pick(rng, PURPOSES)
            low, high = AMOUNT_RANGES[size_i]
            amount = round_amount(rng.uniform(low, high))
            term = pick(rng, (6, 12, 12, 12, 18, 24, 24, 36, 36, 60))
            text = finance_text(rng, purpose, product, amount, term)
            key = purpose.key
        else:
            pool = PARTNER_BY_CHAIN[chain] if rng.random() < 0.8 else range(len(PARTNER_TOPICS))
            ptopic = PARTNER_TOPICS[pick(rng, pool)]
            text = partner_text(rng, ptopic, chain, district, product)
            key = ptopic.key
        deadline = (
            random_date(rng, date(2026, 10, 1), date(2027, 12, 31)) if rng.random() < 0.35 else None
        )
        need = Need(id=need_id(index), enterprise_id=enterprise_id(firm), kind=kind, text=text,
                    amount=amount, term_months=term, deadline=deadline)  # fmt: skip
        yield need, key
