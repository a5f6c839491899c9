# ruff: noqa: E501  (Chinese prose literals: CJK characters count double width)
"""The supply side in its own language: tech results (academic) and offers (supplier).

Titles and abstracts pass through the topic's supply-side synonym map (`Wording.tech`),
so one topic is written with several technical phrasings; none of them is the everyday
wording needs use.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from matcher.synth.enterprises import Population, enterprise_id
from matcher.synth.institutions import team_name, university_for
from matcher.synth.lexicon import DISTRICT_FULL, PARKS, PROFILES, SURNAMES, located
from matcher.synth.needs import PARTNER_BY_CHAIN, TECH_TOPICS
from matcher.synth.partner_topics import PARTNER_TOPICS
from matcher.synth.partner_wording import PARTNER_WORDING
from matcher.synth.phrases import clean, pick, round_amount, two
from matcher.synth.tech_wording import TECH_WORDING
from matcher.synth.topics import TechTopic
from matcher.types import CHAINS, DISTRICTS, TRANSFER_MODES, Offer, TechResult

KEEP_SUPPLY_TERM = 0.6  # chance a technical term stays as the topic list writes it


def tech_result_id(index: int) -> str:
    """`T000001` for index 0."""
    return f"T{index + 1:06d}"


def offer_id(index: int) -> str:
    """`O0000001` for index 0."""
    return f"O{index + 1:07d}"


def _title(rng: random.Random, topic: TechTopic) -> str:
    title = pick(rng, topic.titles)
    method = pick(rng, topic.methods)
    app = pick(rng, topic.apps)
    frames = (
        f"一种基于{method}的{title}方法", f"{title}关键技术及应用", f"{title}关键技术研究与产业化",
        f"面向{app}的{title}系统", f"基于{method}的{title}装置", f"{app}{title}成套技术",
        f"{title}技术", f"{method}在{app}中的应用", f"高性能{title}平台研制", f"{title}工艺及装备",
        f"{title}新方法", f"{method}驱动的{title}", f"{app}用{title}装置", f"基于{method}的{app}{title}",
        f"{title}与示范应用", f"{title}的{method}实现",
    )  # fmt: skip
    return pick(rng, frames)


def _abstract(rng: random.Random, topic: TechTopic, trl: int, modes: list[str]) -> str:
    anchor = pick(rng, topic.anchors)
    method, method2 = two(rng, topic.methods)
    title, title2 = two(rng, topic.titles)
    app, app2 = two(rng, topic.apps)
    m1, m2 = two(rng, topic.metrics)
    problem = pick(rng, (
        f"现有{anchor}技术存在精度不足、稳定性差等问题", f"传统{anchor}方法依赖人工经验、效率低",
        f"{anchor}相关关键技术长期依赖进口", f"{app}领域对{anchor}的需求日益迫切",
        f"{app}对{anchor}提出了更高要求",
    ))  # fmt: skip
    work = pick(rng, (
        f"提出了{method}方法，建立了{title}模型", f"研制了{title}样机", f"突破了{method}、{method2}等关键技术",
        f"开发了具有自主知识产权的{title}工艺包", f"构建了基于{method}的{title}系统",
    ))  # fmt: skip
    results = f"{m1.name}达到{m1.draw(rng)}，{m2.name}达到{m2.draw(rng)}"
    compare = pick(rng, ("整体性能达到国际先进水平", "较传统方法显著提升", "经第三方检测机构验证",
                         "主要指标优于同类进口产品", "综合成本降低约三成"))  # fmt: skip
    if trl <= 2:
        maturity = "目前完成原理验证，处于实验室研究阶段"
    elif trl <= 4:
        maturity = pick(rng, ("已完成实验室小试，关键性能得到验证", "已完成原型样机研制"))
    elif trl <= 6:
        maturity = pick(rng, ("已完成中试验证", "样机已在相关环境中完成测试", "已建成中试线"))
    elif trl == 7:
        maturity = f"已在{rng.randint(1, 5)}家企业开展示范应用"
    else:
        maturity = f"已实现产业化，累计推广应用{rng.randint(5, 80)}台套，新增产值{rng.randint(500, 20000)}万元"
    ip = pick(rng, (
        f"已申请发明专利{rng.randint(3, 15)}项，其中授权{rng.randint(1, 3)}项",
        f"获得授权发明专利{rng.randint(2, 12)}项、软件著作权{rng.randint(1, 6)}项",
        f"成果获{rng.randint(2019, 2025)}年度山东省科技进步{pick(rng, ('一', '二', '三'))}等奖",
        f"发表SCI论文{rng.randint(5, 30)}篇",
    ))  # fmt: skip
    transfer = "、".join(modes)
    frame = rng.randrange(8)
    if frame == 0:
        text = (
            f"针对{problem}，本成果{work}。{results}，{compare}。{maturity}。"
            f"可应用于{app}、{app2}等领域。{ip}。拟以{transfer}方式转化。"
        )
    elif frame == 1:
        text = (
            f"本项目围绕{title2}开展研究，{work}。测试表明，{results}。{maturity}，"
            f"适用于{app}。{ip}。"
        )
    elif frame == 2:
        text = (
            f"{problem}。团队采用{method}、{method2}相结合的技术路线，{work}。"
            f"{results}，{compare}。{maturity}。"
        )
    elif frame == 3:
        text = (
            f"成果简介：{work}。技术指标：{results}。成熟度：{maturity}。应用领域：{app}、{app2}。"
            f"转化方式：{transfer}。"
        )
    elif frame == 4:
        text = (
            f"本技术面向{app}，解决{anchor}难题。{work}，{results}。{ip}。{maturity}，"
            f"欢迎企业以{transfer}等方式合作。"
        )
    elif frame == 5:
        text = (
            f"【技术领域】{topic.field}，{anchor}。【技术方案】以{method}为核心，{work}。"
            f"【技术指标】{results}。【成熟度】{maturity}。【知识产权】{ip}。"
        )
    elif frame == 6:
        text = (
            f"课题组长期从事{title2}研究。{problem}，为此{work}，并结合{method2}完成了系统验证，"
            f"{results}。{maturity}，可在{app}、{app2}推广应用。"
        )
    else:
        text = (
            f"{app}中，{anchor}是制约产品性能的关键环节。本成果{work}，{compare}，{results}。"
            f"{ip}。合作方式：{transfer}。"
        )
    return clean(text)


def tech_results(seed: int, count: int) -> Iterator[tuple[TechResult, str]]:
    """`count` tech results spread over all tech topics, each with its topic key."""
    rng = random.Random(f"{seed}:tech_result")
    words = random.Random(f"{seed}:tech_result:text")  # wording apart from the facts
    for index in range(count):
        topic = (
            TECH_TOPICS[index % len(TECH_TOPICS)]
            if index < len(TECH_TOPICS)
            else pick(rng, TECH_TOPICS)
        )
        trl = rng.choices(range(1, 10), weights=(2, 4, 8, 12, 14, 16, 16, 16, 12), k=1)[0]
        modes = sorted(rng.sample(TRANSFER_MODES, rng.randint(1, 3)), key=TRANSFER_MODES.index)
        price = None if rng.random() < 0.2 else round_amount(rng.uniform(8, 60) * trl)
        tech = TECH_WORDING[topic.key].tech
        title = tech.apply(words, _title(words, topic), KEEP_SUPPLY_TERM)
        abstract = tech.apply(words, _abstract(words, topic, trl, modes), KEEP_SUPPLY_TERM)
        result = TechResult(
            id=tech_result_id(index),
            university=university_for(rng, topic.field),
            team=team_name(rng, topic.field),
            title=title,
            abstract=abstract,
            field=topic.field,
            trl=trl,
            transfer_modes=modes,
            price=price,
        )
        yield result, topic.key


def offer_text(rng: random.Random, topic_i: int, chain: str, district: str) -> str:
    """What a supplier says it can deliver."""
    topic = PARTNER_TOPICS[topic_i]
    supply = pick(rng, topic.supplies)
    item, item2 = two(rng, topic.items)
    metric, metric2 = two(rng, topic.metrics)
    metric_s = pick(rng, (f"{metric.name}{metric.draw(rng)}", f"{metric.name}可达{metric.draw(rng)}",
                          f"{metric.name}{metric.draw(rng)}、{metric2.name}{metric2.draw(rng)}"))  # fmt: skip
    profile = PROFILES[chain]
    customer = pick(rng, profile.customers)
    cert = pick(rng, profile.certs)
    park = pick(rng, PARKS[district])
    dfull = DISTRICT_FULL[district]
    form = pick(
        rng, ("欢迎长期合作", "可签订长期框架协议", "支持定制", "可驻厂服务", "可提供样品试用")
    )
    tail = pick(rng, (f"联系人：{rng.choice(SURNAMES)}经理。", f"{metric_s}。", "可提供样品和报价。",
                      f"成立{rng.randint(3, 25)}年，口碑良好。", "支持小批量试单。", ""))  # fmt: skip
    frame = rng.randrange(16)
    texts = (
        lambda: f"{supply}，{metric_s}，服务范围覆盖{dfull}及全市。",
        lambda: f"【主营】{item}、{item2}【能力】{metric_s}【资质】{cert}【说明】{supply}。",
        lambda: f"我公司{supply}，配备专业技术团队，{metric_s}，{form}。",
        lambda: f"可承接{item}业务：{supply}。{metric_s}，已服务{customer}等{chain}企业。",
        lambda: f"{chain}配套服务商，{supply}，{metric_s}，{form}。{tail}",
        lambda: f"我司{supply}。{metric_s}，可为{chain}企业提供配套。{tail}",
        lambda: f"专业{item}服务商：{supply}，{metric_s}。{tail}",
        lambda: f"位于{located(district, park)}，{supply}，欢迎洽谈合作。{tail}",
        lambda: f"可供：{item}、{item2}。能力：{metric_s}。说明：{supply}。",
        lambda: f"依托{park}的区位优势，{supply}，{metric_s}，响应及时。",
        lambda: f"长期{supply}，与{customer}等企业保持合作，{metric_s}。",
        lambda: f"{item}｜{supply}｜{metric_s}",
        lambda: f"面向{chain}产业链，{supply}。已通过{cert}。{tail}",
        lambda: f"公司在{item}领域深耕多年，{metric_s}，{form}。",
        lambda: f"本企业{supply}，已为{customer}等客户服务多年，{metric_s}。",
        lambda: f"{supply}，交付周期短、价格有竞争力。{metric_s}。",
    )
    return PARTNER_WORDING[topic.key].tech.apply(rng, clean(texts[frame]()), KEEP_SUPPLY_TERM)


def offers(seed: int, count: int, population: Population) -> Iterator[tuple[Offer, str]]:
    """`count` offers by existing enterprises, each on a partner topic of its chain."""
    rng = random.Random(f"{seed}:offer")
    words = random.Random(f"{seed}:offer:text")  # wording apart from who offers what
    size = len(population)
    for index in range(count):
        firm = rng.randrange(size)
        chain = CHAINS[population.chain[firm]]
        topic_i = pick(rng, PARTNER_BY_CHAIN[chain])
        text = offer_text(words, topic_i, chain, DISTRICTS[population.district[firm]])
        yield (
            Offer(id=offer_id(index), enterprise_id=enterprise_id(firm), text=text),
            PARTNER_TOPICS[topic_i].key,
        )
