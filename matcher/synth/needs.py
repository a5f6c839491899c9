# ruff: noqa: E501  (Chinese prose literals: CJK characters count double width)
"""Needs in the enterprise's own words: tech (problem → wanted capability), finance and partner.

Every need carries a latent topic key: tech needs share it with tech results, partner
needs with offers. The text never names the topic the way the supply side does: it tells
a story with numbers, calls the subject by everyday names (`Wording.says`) and passes the
topic's technical terms through the need-side synonym map (`Wording.lay`). A minority of
needs is written by an engineer who keeps most technical terms. Finance needs state
amount, term, collateral and purpose in the text, with Arabic or Chinese numerals; a
share of them leave the amount / term fields empty, as real imports do.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from datetime import date

from matcher.synth.enterprises import Population, enterprise_id
from matcher.synth.finance import PURPOSES, Purpose
from matcher.synth.lexicon import DISTRICT_FULL, PARKS, PROFILES, SURNAMES, located
from matcher.synth.partner_topics import PARTNER_TOPICS
from matcher.synth.partner_wording import PARTNER_WORDING
from matcher.synth.phrases import (
    clean,
    maybe,
    money_text,
    number_text,
    pick,
    random_date,
    round_amount,
    term_text,
    two,
)
from matcher.synth.tech_topics_a import TECH_TOPICS_A
from matcher.synth.tech_topics_b import TECH_TOPICS_B
from matcher.synth.tech_wording import TECH_WORDING
from matcher.synth.topics import PartnerTopic, Synonyms, TechTopic, Wording, synonyms
from matcher.types import CHAINS, DISTRICTS, Need

TECH_TOPICS: tuple[TechTopic, ...] = TECH_TOPICS_A + TECH_TOPICS_B
TECH_BY_CHAIN: dict[str, tuple[int, ...]] = {
    c: tuple(i for i, t in enumerate(TECH_TOPICS) if t.chain == c) for c in CHAINS
}
PARTNER_BY_CHAIN: dict[str, tuple[int, ...]] = {
    c: tuple(i for i, t in enumerate(PARTNER_TOPICS) if t.chain == c) for c in CHAINS
}
assert [t.key for t in TECH_TOPICS] == list(TECH_WORDING), "one Wording per tech topic"
assert [t.key for t in PARTNER_TOPICS] == list(PARTNER_WORDING), "one Wording per partner topic"

NEED_KIND_WEIGHTS = (0.42, 0.33, 0.25)  # tech, finance, partner
ENGINEER_SHARE = {"tech": 0.25, "partner": 0.3}  # needs that keep most technical terms
KEEP_TERM = (0.15, 0.75)  # chance to keep each technical term: lay writer, engineer
EMPTY_MONEY_SHARE = 0.2  # finance needs whose amount / term live only in the text
SIZE_WORDS = ("小微", "小型", "中型", "规模以上")
AMOUNT_RANGES = ((30, 500), (100, 2000), (500, 8000), (2000, 30000))
WANT_VERBS = (
    "希望",
    "急需",
    "计划",
    "拟",
    "想",
    "希望借助外部技术力量",
    "迫切希望",
    "打算",
    "很想",
)
COOPS = ("技术转让、许可或联合开发均可", "可接受技术入股", "希望与高校共建联合实验室", "合作方式面议",
         "优先考虑青岛本地高校团队", "愿意承担中试费用", "可提供试验场地和样品", "怎么合作都好谈",
         "费用可以商量", "能解决问题就行，方式不限")  # fmt: skip
CONSTRAINTS = ("改造需在不停产的前提下进行", "方案要兼容现有设备", "需提供现场调试和人员培训",
               "知识产权归属可协商", "成果需通过第三方检测验证", "优先采用国产化方案",
               "不能停产太久", "现有设备最好还能用上")  # fmt: skip
IMPACTS = ("交期", "产品良率", "生产成本", "客户满意度", "出口订单", "利润率")
ASKS = ("想找相关高校专家聊一聊。", "欢迎有成熟技术的团队联系。", "希望尽快对接技术团队。",
        "请帮忙推荐合适的科研团队。", "有意向的专家可直接到厂里看现场。", "想找人解决。",
        "有没有懂行的老师帮忙看看？", "谁能解决请联系我们。", "求高人指点。")  # fmt: skip
# Everyday rewrites of stock phrases, for every need on top of the topic's own map.
GENERAL_LAY: Synonyms = synonyms(
    "依赖进口=全靠进口/都是买国外的|效率低=干得慢/效率上不去|成本高=花钱多/成本太高|周期长=时间长/耗时长|"
    "降低=减少/压低|国产替代=换成国产|难题=老大难问题"
)
# Everyday words phrased as a question (「能飞多久」「准不准」) fit only a metric's own slot.
QUESTION = re.compile(
    r"多少|多久|多长|多大|多深|多厚|多低|多远|多高|多重|多快|几[天次倍年秒个]|(.)不\1"
)


def _statements(lay: Synonyms) -> Synonyms:
    """`lay` without question-shaped alternatives, for rewriting whole sentences."""
    pairs = []
    for term, alternatives in lay.alternatives.items():
        kept = tuple(a for a in alternatives if not QUESTION.search(a))
        if kept:
            pairs.append((term, kept))
    return Synonyms(pairs)


TECH_LAY: dict[str, Synonyms] = {
    k: _statements(w.lay + GENERAL_LAY) for k, w in TECH_WORDING.items()
}
PARTNER_LAY: dict[str, Synonyms] = {
    k: _statements(w.lay + GENERAL_LAY) for k, w in PARTNER_WORDING.items()
}


def need_id(index: int) -> str:
    """`N0000001` for index 0."""
    return f"N{index + 1:07d}"


def _intro(rng: random.Random, product: str, district: str, size: int) -> str:
    """The enterprise introducing itself in the first person."""
    dfull = DISTRICT_FULL[district]
    return pick(rng, (
        f"我们是一家做{product}的{SIZE_WORDS[size]}企业", f"我们公司主要做{product}", f"我厂专业生产{product}",
        f"本公司是{dfull}的一家{product}企业", f"我们做{product}已经{number_text(rng, rng.randint(3, 25))}年了",
        f"我们是{pick(rng, PARKS[district])}的一家{product}厂", f"我是{rng.choice(SURNAMES)}总，公司做{product}",
        f"我们是{dfull}做{product}的", f"公司有{number_text(rng, rng.randint(20, 600))}来号人，主要做{product}",
    ))  # fmt: skip


def _metric_name(rng: random.Random, words: Wording, name: str, keep: float) -> tuple[str, bool]:
    """A metric's name in the writer's words, and whether it came out as a question."""
    alternatives = words.lay.alternatives.get(name)
    if alternatives is None or rng.random() < keep:
        return name, False
    alternative = alternatives[rng.randrange(len(alternatives))]
    return alternative, QUESTION.search(alternative) is not None


def _target(rng: random.Random, topic: TechTopic, words: Wording, keep: float) -> str:
    metric = pick(rng, topic.metrics)
    value = metric.draw(rng)
    name, question = _metric_name(rng, words, metric.name, keep)
    if question:
        return pick(rng, (f"{name}？希望能到{value}", f"至于{name}，希望能到{value}",
                          f"{name}，心里的目标是{value}"))  # fmt: skip
    return pick(rng, (f"要求{name}达到{value}", f"{name}需达到{value}",
                      f"{name}力争做到{value}", f"关键指标为{name}{value}",
                      f"{name}最好能到{value}"))  # fmt: skip


def tech_text(
    rng: random.Random,
    topic: TechTopic,
    chain: str,
    district: str,
    product: str,
    size: int,
) -> str:
    """A tech need: the topic's symptoms told the way an enterprise tells them."""
    words: Wording = TECH_WORDING[topic.key]
    engineer = rng.random() < ENGINEER_SHARE["tech"]
    keep = KEEP_TERM[engineer]
    profile = PROFILES[chain]
    pain, pain2 = two(rng, topic.pains)
    want = pick(rng, topic.wants)
    say = pick(rng, topic.anchors) if engineer and rng.random() < 0.6 else pick(rng, words.says)
    story = words.story(rng)
    verb = pick(rng, WANT_VERBS)
    customer = pick(rng, profile.customers)
    park = pick(rng, PARKS[district])
    budget = money_text(rng, round_amount(rng.uniform(15, 600)))
    months = number_text(rng, rng.randint(3, 18))
    coop = pick(rng, COOPS)
    impact = pick(rng, (f"严重影响{pick(rng, IMPACTS)}", f"已经影响到{pick(rng, IMPACTS)}",
                        f"对{pick(rng, IMPACTS)}造成较大压力", "老板很着急", "客户意见很大"))  # fmt: skip
    target = _target(rng, topic, words, keep)
    budget_s = maybe(rng, 0.5, f"预算约{budget}。")
    tail = pick(rng, (f"希望{months}个月内解决。", f"联系人：{rng.choice(SURNAMES)}工。", f"企业位于{DISTRICT_FULL[district]}。",
                      f"预算{budget}。", "可到厂面谈。", f"{target}。", f"{coop}。", ""))  # fmt: skip
    ask = pick(rng, ASKS)
    frame = rng.randrange(32)
    texts = (
        lambda: f"{pain}。{verb}{want}，{target}。{budget_s}",
        lambda: f"我公司主营{product}，{pain}。现寻求高校或科研院所合作，{want}。{coop}。",
        lambda: f"技术需求：{say}。现状：{story}。目标：{want}，{target}。合作方式：{coop}。",
        lambda: f"【{say}】{pain}，{verb}{want}，预算{budget}左右。",
        lambda: f"作为{customer}的配套企业，{pain}。客户对质量要求越来越高，{verb}{want}。",
        lambda: f"随着订单增长，{pain}。公司计划{want}，{target}，希望{months}个月内见到成效。",
        lambda: f"求{say}方面的技术支持：{story}。{tail}",
        lambda: (
            f"公司位于{located(district, park)}，{pain}，{impact}。{verb}{want}。{budget_s}{coop}。"
        ),
        lambda: f"近两年{customer}对{product}提出了更高要求，{pain}。{verb}{want}，{target}。",
        lambda: f"我们是一家做{product}的{SIZE_WORDS[size]}企业，{story}。{ask}",
        lambda: f"急需{say}方面的帮助。{story}。{verb}{want}。{tail}",
        lambda: f"寻求{say}相关技术合作：{want}。背景：{pain}。{tail}",
        lambda: f"{product}生产过程中，{pain}。{verb}{want}，{target}。{coop}。",
        lambda: f"目前{story}，{impact}。{verb}{want}。{tail}",
        lambda: f"拟投入{budget}在{say}这块，{want}。现状是{pain}，{target}。",
        lambda: (
            f"{_intro(rng, product, district, size)}，产品销往{customer}等客户。{story}；同时{pain2}。为此{verb}{want}，"
            f"具体要求：{target}；{pick(rng, CONSTRAINTS)}。项目预算约{budget}，周期{months}个月，{coop}。"
        ),
        lambda: f"需求概述：{want}（{say}）。{story}。{tail}",
        lambda: f"有没有懂{say}的专家？{story}，想{want}。{tail}",
        lambda: (
            f"在{DISTRICT_FULL[district]}产业政策支持下，公司想把{say}的事解决掉。{pain}，"
            f"{verb}{want}，{pick(rng, CONSTRAINTS)}。"
        ),
        # first-person stories, short and long
        lambda: f"{_intro(rng, product, district, size)}，{story}，想找人解决。",
        lambda: f"{story}，{impact}。{ask}",
        lambda: f"{story}。{ask}{budget_s}",
        lambda: f"{say}这事谁能帮忙？{story}。",
        lambda: f"问一下，{say}这块有没有成熟的办法？{story}。",
        lambda: f"{story}；另外{pain2}。{verb}{want}。{tail}",
        lambda: (
            f"{_intro(rng, product, district, size)}。最近{story}，{impact}。想找高校或者研究所的老师，"
            f"{want}。{budget_s}{tail}"
        ),
        lambda: f"老板让我找找懂{say}的技术团队：{story}。{tail}",
        lambda: f"关于{say}：{story}。{ask}",
        lambda: f"急！{story}。{ask}",
        lambda: (
            f"{_intro(rng, product, district, size)}，客户主要是{customer}。{story}。试过几家方案都不理想，"
            f"{verb}{want}，{target}。钱的方面，大概能拿出{budget}，{months}个月之内要见效果。{coop}。"
        ),
        lambda: f"{story}，不知道找谁。{tail}",
        lambda: f"想{want}。{story}。{coop}。",
    )
    text = clean(texts[frame]())
    return TECH_LAY[topic.key].apply(rng, text, keep)


COLLATERALS = (
    "可提供厂房抵押", "没有抵押物", "可接受担保公司担保", "有发明专利可以质押", "有核心企业的应收账款",
    "法人代表愿意提供个人连带担保", "设备可作抵押", "没有抵押", "想用专利质押", "房子可以抵押",
    "能找担保公司担保", "最好是纯信用的", "抵押物不多", "老板愿意个人担保", "手里有大客户的应收账款",
    "不想抵押", "可以拿设备抵押",
)  # fmt: skip


def _collateral(rng: random.Random) -> str:
    if rng.random() < 0.12:
        return f"有{number_text(rng, rng.randint(2, 30), 0.5)}项发明专利，想用专利质押"
    return pick(rng, COLLATERALS)


def finance_text(
    rng: random.Random,
    purpose: Purpose,
    product: str,
    district: str,
    size: int,
    amount: float,
    term_months: int,
) -> str:
    """A finance need stating purpose, amount and term (and usually collateral) in words."""
    reason, reason2 = two(rng, purpose.reasons)
    use = pick(rng, purpose.uses) if rng.random() < 0.3 else pick(rng, purpose.wants)
    money = money_text(rng, amount)
    term = term_text(rng, term_months)
    loan = pick(rng, ("贷款", "融资", "授信", "资金", "贷款"))
    collateral = _collateral(rng)
    rate = pick(rng, (f"希望年化利率不超过{rng.choice((3.5, 3.8, 4, 4.5, 5))}%", "对利率比较敏感",
                      "希望审批快一些", "希望可以随借随还", "利息别太高", "越快越好", ""))  # fmt: skip
    urgency = pick(rng, (f"资金需在{rng.randint(1, 12)}月底前到位", "时间比较紧", "", "可分批放款",
                         "比较急", "下个月就要用"))  # fmt: skip
    intro = pick(rng, (f"我司主营{product}", f"公司从事{product}生产", f"本企业是{product}制造商",
                       f"企业主要产品为{product}", f"我们是做{product}的", f"我们厂做{product}"))  # fmt: skip
    revenue = money_text(rng, round_amount(amount * rng.uniform(2, 8)))
    frame = rng.randrange(26)
    texts = (
        lambda: f"{reason}，需融资{money}，期限{term}，用于{use}。{collateral}。",
        lambda: f"融资需求：{money}；期限：{term}；用途：{use}；担保方式：{collateral}。",
        lambda: f"{intro}，{reason}。拟向银行申请{money}{loan}，期限{term}，{rate}。",
        lambda: f"因{reason}，现需{money}资金用于{use}，期限约{term}。",
        lambda: f"申请{money}{loan}，期限{term}，用于{use}。{collateral}，{rate}。",
        lambda: f"{intro}。{reason}，资金缺口约{money}。希望对接合适的金融产品，期限{term}左右。",
        lambda: f"资金需求{money}（期限{term}），主要用于{use}。{reason}。",
        lambda: f"寻求{money}左右的{loan}支持：{reason}，{collateral}。",
        lambda: f"企业经营稳定、纳税信用良好，{reason}，希望获得{money}{loan}，期限{term}。",
        lambda: f"{use}需要资金{money}，计划期限{term}。{collateral}。{urgency}。",
        lambda: f"今年{reason}。想了解有没有适合我们的{loan}产品，金额{money}，期限{term}。",
        lambda: f"{reason}；{collateral}。融资金额{money}，期限{term}，{rate}。",
        lambda: f"为{use}，我司拟融资{money}，期限{term}。{reason}。{urgency}。",
        lambda: f"急需{money}用于{use}。{reason}，{collateral}。",
        lambda: f"金额：{money}｜期限：{term}｜用途：{use}｜{collateral}",
        lambda: (
            f"{intro}，近三年营业收入保持增长。{reason}；此外{reason2}。为此计划融资{money}，期限{term}，"
            f"用于{use}。{collateral}，{rate}。"
        ),
        # first person, colloquial
        lambda: f"{intro}，{reason}，想贷{money}，期限{term}，{collateral}。",
        lambda: f"我们想借{money}，借{term}，主要是{use}。{collateral}，{rate}。",
        lambda: f"{reason}。缺口大概{money}，{collateral}，有没有合适的银行产品？",
        lambda: f"老板让我问问：{money}的{loan}，期限{term}，{collateral}，能不能批下来？",
        lambda: f"{intro}，去年营收{revenue}。{reason}，需要{money}{loan}{use}，期限{term}。",
        lambda: f"想贷{money}，期限{term}，{collateral}。",
        lambda: (
            f"{_intro(rng, product, district, size)}。{reason}，{reason2}。算下来需要{money}左右，"
            f"期限最好{term}，{collateral}。{urgency}。"
        ),
        lambda: f"求{money}{loan}，{use}，期限{term}。{collateral}。{rate}。",
        lambda: f"{reason}，手头紧。想找银行贷{money}{use}，期限{term}。{collateral}。",
        lambda: f"需要{money}，期限{term}，{use}。{collateral}，{urgency}。",
    )
    return clean(texts[frame]())


def partner_text(
    rng: random.Random, topic: PartnerTopic, chain: str, district: str, product: str, size: int
) -> str:
    """A partner need: which supplier or partner the enterprise is looking for, in its words."""
    words: Wording = PARTNER_WORDING[topic.key]
    engineer = rng.random() < ENGINEER_SHARE["partner"]
    keep = KEEP_TERM[engineer]
    seek = pick(rng, topic.seeks)
    item, item2 = two(rng, topic.items)
    if not engineer or rng.random() < 0.4:
        item = pick(rng, words.says)
    say = pick(rng, words.says)
    story = words.story(rng)
    metric = pick(rng, topic.metrics)
    name, question = _metric_name(rng, words, metric.name, keep)
    value = metric.draw(rng)
    customer = pick(rng, PROFILES[chain].customers)
    req = pick(rng, (f"{name}？大概{value}" if question else f"要求{name}不低于{value}",
                     "交付稳定、质量可控", "响应速度快、能驻厂服务",
                     f"{name}，{value}左右" if question else f"{name}在{value}左右",
                     "有同行业配套经验", "价格有竞争力", "价格要实在", "最好离我们近一点", "能长期稳定合作"))  # fmt: skip
    why = pick(rng, ("目前依赖外地供应商，运输成本高", "订单量持续增长，现有合作方产能不足", "公司正在拓展新业务",
                     "响应融链固链行动，希望在本地找到配套", "原合作方经营调整，需要替换",
                     "老供应商跑路了", "现在这家老是拖货"))  # fmt: skip
    form = pick(rng, ("长期供货", "联合开发", "委托加工", "渠道合作", "战略合作"))
    dfull = DISTRICT_FULL[district]
    volume = pick(rng, topic.metrics)
    volume_name, volume_question = _metric_name(rng, words, volume.name, keep)
    volume_s = (
        f"{volume_name}？约{volume.draw(rng)}。"
        if volume_question
        else f"{volume_name}需求约{volume.draw(rng)}。"
    )
    tail = pick(rng, (f"联系人：{rng.choice(SURNAMES)}经理。", f"优先考虑{dfull}及周边企业。", volume_s,
                      f"合作期限{number_text(rng, rng.randint(1, 5))}年。", f"希望{number_text(rng, rng.randint(1, 6))}个月内确定合作方。", ""))  # fmt: skip
    frame = rng.randrange(24)
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
        # first person, colloquial
        lambda: f"{_intro(rng, product, district, size)}，{story}，想找{say}方面的合作方。",
        lambda: f"{story}，求推荐靠谱的{say}。{tail}",
        lambda: f"找{say}！{story}。{tail}",
        lambda: f"有没有做{say}的？{story}。",
        lambda: f"{say}有需要，{req}。{story}。",
        lambda: (
            f"{_intro(rng, product, district, size)}。{story}。{why}，想找一家{seek}，{req}，"
            f"{form}也行。{tail}"
        ),
        lambda: f"{story}。{why}，{say}这块想换个合作方。",
        lambda: f"问问大家，{say}哪家好？{story}。{req}。",
    )
    text = clean(texts[frame]())
    return PARTNER_LAY[topic.key].apply(rng, text, keep)


def needs(seed: int, count: int, population: Population) -> Iterator[tuple[Need, str]]:
    """`count` needs of mixed kinds, each with its latent topic key.

    Who needs what (enterprise, kind, topic, amount, term, deadline) is drawn from one
    random stream and the wording from another, so rewording never reshuffles the world.
    """
    rng = random.Random(f"{seed}:need")
    words = random.Random(f"{seed}:need:text")
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
            text = tech_text(words, topic, chain, district, product, size_i)
            key = topic.key
        elif kind == "finance":
            purpose = pick(rng, PURPOSES)
            low, high = AMOUNT_RANGES[size_i]
            amount = round_amount(rng.uniform(low, high))
            term = pick(rng, (6, 12, 12, 12, 18, 24, 24, 36, 36, 60))
            text = finance_text(words, purpose, product, district, size_i, amount, term)
            key = purpose.key
            if rng.random() < EMPTY_MONEY_SHARE:
                amount = term = None
        else:
            pool = PARTNER_BY_CHAIN[chain] if rng.random() < 0.8 else range(len(PARTNER_TOPICS))
            ptopic = PARTNER_TOPICS[pick(rng, pool)]
            text = partner_text(words, ptopic, chain, district, product, size_i)
            key = ptopic.key
        deadline = (
            random_date(rng, date(2026, 10, 1), date(2027, 12, 31)) if rng.random() < 0.35 else None
        )
        need = Need(id=need_id(index), enterprise_id=enterprise_id(firm), kind=kind, text=text,
                    amount=amount, term_months=term, deadline=deadline)  # fmt: skip
        yield need, key
