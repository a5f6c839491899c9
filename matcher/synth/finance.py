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
    """Why an enterprise borrows and which product types fit, worded by each side.

    `reasons` and `wants` are the enterprise's own words (needs); `uses` and `scenes` are
    the bank's (product descriptions); needs borrow a bank-style `use` only now and then.
    """

    key: str
    reasons: tuple[str, ...]
    uses: tuple[str, ...]
    types: tuple[str, ...]
    wants: tuple[str, ...]
    scenes: tuple[str, ...]


def _purpose(
    key: str, reasons: str, uses: str, types: tuple[str, ...], wants: str, scenes: str
) -> Purpose:
    return Purpose(key, split(reasons), split(uses), types, split(wants), split(scenes))


# fmt: off
PURPOSES: tuple[Purpose, ...] = (
    _purpose("working", "原材料价格上涨，采购占用资金明显增加|订单量比去年增长三成，流动资金周转紧张|"
                        "旺季备货需要集中付款，账上资金不够|钢材、塑料粒子又涨价了，进货钱不够|客户订单多了，垫的钱也多了",
             "补充流动资金|采购原材料|支付供应商货款", ("信用贷", "担保贷", "首贷"),
             "周转一下|买原料|进货|付供应商的货款|发工资和进原料|补充流动资金",
             "原材料集中采购、旺季备货等短期周转|经营规模扩大形成的营运资金缺口|日常生产经营周转"),
    _purpose("equipment", "计划新上一条自动化生产线|现有设备老化，需要更新换代|准备购置进口检测设备|"
                          "机器用了十几年，老出毛病|客户要求上自动化设备才给订单",
             "购置生产设备|产线升级改造|设备更新", ("融资租赁", "抵押贷", "贴息"),
             "买设备|换新机器|上一条新线|买几台数控机床|更新设备",
             "生产设备购置与更新|自动化产线建设|以设备为标的的中长期融资"),
    _purpose("first", "公司成立以来一直没在银行贷过款|企业规模小、没有抵押物，跑了几家银行都没批|"
                      "初创阶段靠股东借款运转|以前都是找亲戚朋友借钱，没跟银行打过交道|去银行问过，说我们没有流水",
             "首次获得银行贷款|解决初创期资金缺口|维持日常经营", ("首贷", "信用贷", "担保贷"),
             "第一次贷款|先撑过这一阵|维持日常运转|付房租和工资",
             "首次申请银行贷款的小微企业|无信贷记录企业的首笔融资|初创期经营资金"),
    _purpose("ip", "公司有多项发明专利和软件著作权，但缺少厂房土地等抵押物|轻资产研发型企业，固定资产少|"
                   "专利已经在产品中实现转化，想盘活无形资产|我们是搞研发的，厂房是租的，就专利值钱",
             "以知识产权质押获得贷款|支持研发和成果转化|盘活专利资产", ("知识产权质押", "信用贷"),
             "用专利换点钱|研发投入|把专利用起来",
             "以专利权、商标权等知识产权价值为基础的融资|科技成果转化资金|轻资产科技企业融资"),
    _purpose("receivable", "下游大客户付款账期长达半年，应收账款压了不少钱|给主机厂配套，回款周期长|"
                           "手里有核心企业的订单和应收账款|货早就发了，钱要半年以后才回来",
             "应收账款融资|订单融资|加快资金回笼", ("供应链金融",),
             "把应收款先变成钱|等回款这段时间周转|接了大单要先垫钱",
             "核心企业上游供应商的应收账款融资|基于真实贸易背景的订单融资|账期错配形成的资金缺口"),
    _purpose("rnd", "新产品研发投入大，研发周期长|承担了省级科技项目，需要配套资金|研发团队扩张，人员成本上升|"
                    "新品开发花了不少钱，还没开始卖",
             "支持新产品研发|科技项目配套资金|引进研发人才", ("信用贷", "知识产权质押", "贴息"),
             "搞新产品|给研发团队发工资|项目配套的钱",
             "科技型企业研发投入|科技项目配套资金|研发人员及试验费用"),
    _purpose("plant", "现有厂房不够用，计划扩建车间|在园区新购置土地建设厂房|租赁厂房到期，打算自建|"
                      "订单多了车间放不下",
             "厂房建设|车间扩建|购置经营场所", ("抵押贷", "担保贷"),
             "盖厂房|扩车间|买块地建新厂",
             "厂房建设及购置|经营场所扩建|以不动产为抵押的中长期融资"),
    _purpose("export", "接到海外大额订单，需要提前备货|出口业务增长，收汇周期长|开拓东南亚市场需要资金|"
                       "国外客户的单子量大，要先买料生产",
             "出口订单备货|海外市场开拓|支付出口订单采购款", ("供应链金融", "信用贷", "担保贷"),
             "给国外订单备货|做外贸的周转|去东南亚开市场",
             "出口订单生产备货|外贸企业收汇周期内的资金周转|境外市场开拓"),
    _purpose("upgrade", "正在实施智改数转项目，软硬件投入较大|列入技改项目计划，需要中长期资金|"
                        "数字化车间改造需要一次性投入|车间要上信息化系统，一下子要花很多钱",
             "技术改造|数字化转型|智能化改造", ("贴息", "融资租赁", "抵押贷"),
             "车间改造|上系统|搞自动化和信息化",
             "智能化改造和数字化转型项目|列入技改计划的项目融资|技术改造中长期资金"),
    _purpose("bridge", "一笔贷款即将到期，续贷审批需要时间|银行要求先还后贷，中间有资金缺口|"
                       "到期还款与新订单回款时间错开|下个月有笔贷款到期，手上钱不够还",
             "续贷周转|到期贷款过桥|缓解还款压力", ("担保贷", "信用贷"),
             "还到期的贷款|过个桥|接上续贷",
             "存量贷款到期续贷周转|还旧借新的过桥资金|到期还款压力缓释"),
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


# How a bank states each product type's security (several phrasings per type).
PRODUCT_SECURITY: dict[str, tuple[str, ...]] = {
    "信用贷": split("纯信用、免抵押|无需抵押担保，依据企业纳税和经营数据核定额度|信用方式发放"),
    "抵押贷": split(
        "以厂房、土地或住宅抵押|以自有不动产抵押，抵押率最高可达七成|接受工业厂房、商业用房抵押"
    ),
    "知识产权质押": split(
        "以专利权、商标权质押|以发明专利、实用新型专利等知识产权出质|知识产权评估后质押增信"
    ),
    "供应链金融": split(
        "依托核心企业信用和真实交易背景|以应收账款转让或质押为还款保障|基于核心企业确权的应收账款"
    ),
    "首贷": split(
        "面向首次贷款企业、可纯信用|首次与银行建立信贷关系的企业可享信用方式|首贷户专属、免抵押"
    ),
    "贴息": split("财政贴息、降低综合融资成本|享受政府贴息政策，实际融资成本更低|纳入财政贴息范围"),
    "担保贷": split("由政府性融资担保机构增信|政府性担保公司提供担保、担保费率优惠|银担合作分险"),
    "融资租赁": split(
        "以设备为租赁物、首付比例低|直租或售后回租方式|租赁物所有权作为保障、无需额外抵押"
    ),
}
AUDIENCES = split("科技型和成长型中小企业|小微企业及个体工商户|专精特新中小企业|"
                  "制造业中小企业|青岛市信贷白名单企业|园区入驻企业")  # fmt: skip
SERVICES = split("线上申请、最快3个工作日放款|手机银行一键申请、额度随借随还|专属客户经理上门服务|"
                 "资料齐全后5个工作日内审批|可循环使用、按日计息")  # fmt: skip


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
    scene, scene2 = two(rng, purpose.scenes)
    amount = f"{amount_max / 10000:g}亿元" if amount_max >= 10000 else f"{amount_max:g}万元"
    collateral = pick(rng, PRODUCT_SECURITY[kind])
    term_y = f"{term_max // 12}年" if term_max % 12 == 0 else f"{term_max}个月"
    audience = pick(rng, AUDIENCES)
    service = pick(rng, SERVICES)
    frame = rng.randrange(9)
    if frame == 0:
        text = (
            f"面向{audience}，{collateral}，额度最高{amount}，期限最长{term_max}个月，"
            f"可用于{use1}、{use2}。适用于{scene}。"
        )
    elif frame == 1:
        text = (
            f"{collateral}。主要解决企业{use1}需求，单户最高{amount}，年化利率低至{rate:g}%，"
            f"期限{term_max}个月以内，{service}。"
        )
    elif frame == 2:
        text = (
            f"专为{scene}设计，{collateral}，支持随借随还，"
            f"额度{amount}以内，用途包括{use1}和{use2}。"
        )
    elif frame == 3:
        text = (
            f"用于{use1}。担保方式：{collateral}；最高额度：{amount}；最长期限：{term_max}个月；"
            f"参考利率：{rate:g}%起。"
        )
    elif frame == 4:
        text = (
            f"本产品纳入青岛市政金企对接服务库，{collateral}。信贷白名单企业可享利率优惠和绿色通道，"
            f"额度最高{amount}，期限最长{term_max}个月，重点支持{use1}、{use2}。"
        )
    elif frame == 5:
        text = (
            f"【产品要素】授信额度：最高{amount}；授信期限：{term_y}；担保方式：{collateral}；"
            f"资金用途：{use1}。【适用场景】{scene}、{scene2}。"
        )
    elif frame == 6:
        text = (
            f"服务对象为{audience}。贷款资金专项用于{use1}，单户授信不超过{amount}，"
            f"期限不超过{term_y}，执行年利率{rate:g}%起，{collateral}。"
        )
    elif frame == 7:
        text = (
            f"围绕{scene}提供融资支持，{collateral}。额度{amount}以内、期限{term_max}个月以内，"
            f"{service}。"
        )
    else:
        text = (
            f"{audience}可申请。{collateral}，可用于{use1}或{use2}，最高{amount}，"
            f"最长{term_y}，利率{rate:g}%起，{service}。"
        )
    return clean(text)


def products(seed: int, count: int) -> Iterator[FinanceProduct]:
    """`count` finance products from every bank in turn."""
    rng = random.Random(f"{seed}:finance_product")
    words = random.Random(f"{seed}:finance_product:text")  # wording apart from the terms
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
            description=_description(words, kind, amount_max, term_max, rate),
        )
