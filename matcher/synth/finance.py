# ruff: noqa: E501  (Chinese prose literals: CJK characters count double width)
"""Finance: borrowing purposes (latent topics of finance needs) and bank products."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from matcher.synth.institutions import BANK_NAMES, BANKS
from matcher.synth.phrases import clean, pick, round_amount, two
from matcher.synth.topics import split
from matcher.types import CHAINS, DISTRICTS, PRODUCT_TYPES, FinanceProduct, Rule


@dataclass(frozen=True)
class Purpose:
    """Why an enterprise borrows, in its own words, and which product types fit."""

    key: str
    reasons: tuple[str, ...]
    uses: tuple[str, ...]
    types: tuple[str, ...]


# fmt: off
PURPOSES: tuple[Purpose, ...] = (
    Purpose("working", split("原材料价格上涨，采购占用资金明显增加|订单量比去年增长三成，流动资金周转紧张|"
                             "旺季备货需要集中付款，账上资金不够"),
            split("补充流动资金|采购原材料|支付供应商货款"), ("信用贷", "担保贷", "首贷")),
    Purpose("equipment", split("计划新上一条自动化生产线|现有设备老化，需要更新换代|准备购置进口检测设备"),
            split("购置生产设备|产线升级改造|设备更新"), ("融资租赁", "抵押贷", "贴息")),
    Purpose("first", split("公司成立以来一直没在银行贷过款|企业规模小、没有抵押物，跑了几家银行都没批|"
                           "初创阶段靠股东借款运转"),
            split("首次获得银行贷款|解决初创期资金缺口|维持日常经营"), ("首贷", "信用贷", "担保贷")),
    Purpose("ip", split("公司有多项发明专利和软件著作权，但缺少厂房土地等抵押物|轻资产研发型企业，固定资产少|"
                        "专利已经在产品中实现转化，想盘活无形资产"),
            split("以知识产权质押获得贷款|支持研发和成果转化|盘活专利资产"), ("知识产权质押", "信用贷")),
    Purpose("receivable", split("下游大客户付款账期长达半年，应收账款压了不少钱|给主机厂配套，回款周期长|"
                                "手里有核心企业的订单和应收账款"),
            split("应收账款融资|订单融资|加快资金回笼"), ("供应链金融",)),
    Purpose("rnd", split("新产品研发投入大，研发周期长|承担了省级科技项目，需要配套资金|研发团队扩张，人员成本上升"),
            split("支持新产品研发|科技项目配套资金|引进研发人才"), ("信用贷", "知识产权质押", "贴息")),
    Purpose("plant", split("现有厂房不够用，计划扩建车间|在园区新购置土地建设厂房|租赁厂房到期，打算自建"),
            split("厂房建设|车间扩建|购置经营场所"), ("抵押贷", "担保贷")),
    Purpose("export", split("接到海外大额订单，需要提前备货|出口业务增长，收汇周期长|开拓东南亚市场需要资金"),
            split("出口订单备货|海外市场开拓|支付出口订单采购款"), ("供应链金融", "信用贷", "担保贷")),
    Purpose("upgrade", split("正在实施智改数转项目，软硬件投入较大|列入技改项目计划，需要中长期资金|"
                             "数字化车间改造需要一次性投入"),
            split("技术改造|数字化转型|智能化改造"), ("贴息", "融资租赁", "抵押贷")),
    Purpose("bridge", split("一笔贷款即将到期，续贷审批需要时间|银行要求先还后贷，中间有资金缺口|"
                            "到期还款与新订单回款时间错开"),
            split("续贷周转|到期贷款过桥|缓解还款压力"), ("担保贷", "信用贷")),
)
# fmt: on

PRODUCT_NAMES: dict[str, tuple[str, ...]] = {
    "信用贷": split(
        "科创e贷|税易贷|信易贷|专精特新贷|小微快贷|瞪羚贷|人才贷|科技成长贷|白名单信用贷|研发贷"
    ),
    "抵押贷": split("厂房按揭贷|房抵经营贷|设备抵押贷|园区贷|易抵贷"),
    "知识产权质押": split("知识产权质押贷|专利贷|知产贷|商标质押贷|科技知识产权融"),
    "供应链金融": split("链捷贷|订单贷|应收账款融资|e信通|采购贷|票据快贴|出口订单融"),
    "首贷": split("首贷通|首贷易|初创首贷|首贷培植贷|开门贷"),
    "贴息": split("技改贴息贷|政采贷|智改数转贷|稳岗贴息贷|惠企贴息贷"),
    "担保贷": split("政银担|青担快贷|科担贷|鲁担惠企贷|转贷通|过桥续贷"),
    "融资租赁": split("设备直租|售后回租|厂房设备租赁|科技设备租|绿色租赁"),
}
assert tuple(PRODUCT_NAMES) == PRODUCT_TYPES

TYPE_RANGES: dict[str, tuple[tuple[int, int], tuple[int, int], tuple[float, float]]] = {
    # amount_max range (万元), term_max range (months), annual rate range (%)
    "信用贷": ((300, 3000), (12, 36), (3.0, 4.8)),
    "抵押贷": ((1000, 10000), (36, 120), (3.2, 4.5)),
    "知识产权质押": ((300, 3000), (12, 36), (3.3, 4.6)),
    "供应链金融": ((500, 5000), (6, 12), (2.8, 4.2)),
    "首贷": ((100, 1000), (12, 36), (3.0, 4.2)),
    "贴息": ((500, 5000), (12, 60), (2.2, 3.5)),
    "担保贷": ((200, 3000), (12, 36), (3.5, 5.2)),
    "融资租赁": ((500, 20000), (24, 60), (4.0, 7.5)),
}


def product_id(index: int) -> str:
    """`F00001` for index 0."""
    return f"F{index + 1:05d}"


def _rules(
    rng: random.Random, kind: str, amount_min: float, amount_max: float, term_max: int
) -> list[Rule]:
    rules = [Rule(field="amount", op="between", value=[amount_min, amount_max])]
    if rng.random() < 0.7:
        rules.append(Rule(field="term_months", op="le", value=term_max))
    if kind in ("信用贷", "首贷") and rng.random() < 0.6:
        rules.append(Rule(field="whitelist", op="eq", value=True))
    if kind == "信用贷" and rng.random() < 0.5:
        tiers = pick(rng, (["专精特新", "小巨人"], ["创新型中小企业", "专精特新", "小巨人"],
                           ["瞪羚", "隐形独角兽", "独角兽"], ["雏鹰", "瞪羚"]))  # fmt: skip
        rules.append(Rule(field="tiers", op="in", value=tiers))
    if kind in ("首贷", "担保贷") or rng.random() < 0.3:
        rules.append(Rule(field="employees", op="le", value=pick(rng, (100, 300, 500))))
    if rng.random() < 0.5:
        rules.append(Rule(field="age_years", op="ge", value=pick(rng, (1, 2, 3))))
    if rng.random() < 0.25:
        rules.append(
            Rule(field="district", op="in", value=sorted(rng.sample(DISTRICTS, rng.randint(1, 4))))
        )
    if rng.random() < 0.2:
        rules.append(
            Rule(field="chain", op="in", value=sorted(rng.sample(CHAINS, rng.randint(1, 3))))
        )
    if kind == "融资租赁" and rng.random() < 0.6:
        rules.append(Rule(field="revenue", op="ge", value=pick(rng, (500, 1000, 2000))))
    if kind == "首贷" and rng.random() < 0.5:
        rules.append(Rule(field="size", op="in", value=["微型", "小型"]))
    return rules


def _description(
    rng: random.Random, kind: str, amount_max: float, term_max: int, rate: float
) -> str:
    purposes = [p for p in PURPOSES if kind in p.types]
    purpose = pick(rng, purposes)
    use1, use2 = two(rng, purpose.uses)
    reason = pick(rng, purpose.reasons)
    amount = f"{amount_max / 10000:g}亿元" if amount_max >= 10000 else f"{amount_max:g}万元"
    collateral = {
        "信用贷": "纯信用、免抵押",
        "抵押贷": "以厂房、土地或住宅抵押",
        "知识产权质押": "以专利权、商标权质押",
        "供应链金融": "依托核心企业信用和真实交易背景",
        "首贷": "面向首次贷款企业、可纯信用",
        "贴息": "财政贴息、降低综合融资成本",
        "担保贷": "由政府性融资担保机构增信",
        "融资租赁": "以设备为租赁物、首付比例低",
    }[kind]
    frame = rng.randrange(5)
    if frame == 0:
        text = (
            f"面向科技型和成长型中小企业，{collateral}，额度最高{amount}，期限最长{term_max}个月，"
            f"可用于{use1}、{use2}。适合{reason}的企业。"
        )
    elif frame == 1:
        text = (
            f"{collateral}。主要解决企业{use1}需求，单户最高{amount}，年化利率低至{rate:g}%，"
            f"期限{term_max}个月以内，线上申请、最快3个工作日放款。"
        )
    elif frame == 2:
        text = (
            f"针对“{reason}”这一常见难题推出，{collateral}，支持随借随还，"
            f"额度{amount}以内，用途包括{use1}和{use2}。"
        )
    elif frame == 3:
        text = (
            f"用于{use1}。担保方式：{collateral}；最高额度：{amount}；最长期限：{term_max}个月；"
            f"参考利率：{rate:g}%起。"
        )
    else:
        text = (
            f"本产品纳入青岛市政金企对接服务库，{collateral}。信贷白名单企业可享利率优惠和绿色通道，"
            f"额度最高{amount}，期限最长{term_max}个月，重点支持{use1}、{use2}。"
        )
    return clean(text)


def products(seed: int, count: int) -> Iterator[FinanceProduct]:
    """`count` finance products from every bank in turn."""
    rng = random.Random(f"{seed}:finance_product")
    for index in range(count):
        bank = (
            BANK_NAMES[index % len(BANK_NAMES)]
            if index < 2 * len(BANK_NAMES)
            else pick(rng, BANK_NAMES)
        )
        kind = (
            PRODUCT_TYPES[index % len(PRODUCT_TYPES)]
            if index < 2 * len(PRODUCT_TYPES)
            else pick(rng, PRODUCT_TYPES)
        )
        (amax_lo, amax_hi), (term_lo, term_hi), (rate_lo, rate_hi) = TYPE_RANGES[kind]
        amount_max = round_amount(rng.uniform(amax_lo, amax_hi))
        amount_min = round_amount(amount_max * rng.uniform(0.01, 0.1))
        term_max = rng.randrange(term_lo, term_hi + 1, 6) if term_hi - term_lo >= 6 else term_hi
        term_min = min(term_max, pick(rng, (1, 3, 6, 12)))
        rate = round(rng.uniform(rate_lo, rate_hi), 2)
        name = f"{BANKS[bank]}·{pick(rng, PRODUCT_NAMES[kind])}"
        yield FinanceProduct(
            id=product_id(index),
            bank=bank,
            name=name,
            type=kind,
            amount_min=amount_min,
            amount_max=amount_max,
            term_min=term_min,
            term_max=term_max,
            rate=rate,
            rules=_rules(rng, kind, amount_min, amount_max, term_max),
            description=_description(rng, kind, amount_max, term_max, rate),
        )
