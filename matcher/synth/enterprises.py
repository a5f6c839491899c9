"""Enterprises: unique names, real-check-digit credit codes, tiers and descriptions.

`Population` keeps only a few bytes per enterprise (chain, district, size, main product)
so that needs and offers generated later can point at existing enterprises and stay
consistent with them, even at a million enterprises.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from matcher.credit_code import make_credit_code
from matcher.synth.lexicon import (
    DISTRICT_FULL,
    DIVISION_CODES,
    NAME_CHARS,
    ORG_FORMS,
    PARKS,
    PROFILES,
    SURNAMES,
    located,
)
from matcher.synth.phrases import clean, pick, random_date, two
from matcher.types import CHAINS, CREDIT_FLAGS, DISTRICTS, SIZES, TAX_CREDIT_GRADES, Enterprise

TODAY = date(2026, 11, 25)
SIZE_WEIGHTS = (0.34, 0.41, 0.2, 0.05)
EMPLOYEE_RANGES = ((3, 19), (20, 99), (100, 999), (1000, 8000))
ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


@dataclass
class Population:
    """Compact per-enterprise attributes, indexed by enterprise number (0-based)."""

    chain: bytearray = field(default_factory=bytearray)
    district: bytearray = field(default_factory=bytearray)
    size: bytearray = field(default_factory=bytearray)
    product: bytearray = field(default_factory=bytearray)

    def __len__(self) -> int:
        return len(self.chain)

    def add(self, chain: int, district: int, size: int, product: int) -> None:
        self.chain.append(chain)
        self.district.append(district)
        self.size.append(size)
        self.product.append(product)


def enterprise_id(index: int) -> str:
    """`E0000001` for index 0."""
    return f"E{index + 1:07d}"


def org_code(index: int, seed: int) -> str:
    """A unique 9-character organisation code (GB 11714 check digit) for `index`."""
    body_value = (index * 48_271 + seed * 7_919 + 10_000_019) % 100_000_000
    body = f"{body_value:08d}"
    total = sum(ORG_ALPHABET.index(ch) * w for ch, w in zip(body, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def credit_code(index: int, seed: int, district: str) -> str:
    """统一社会信用代码: 9 (工商) 1 (企业) + division + organisation code + check."""
    return make_credit_code("91" + DIVISION_CODES[district] + org_code(index, seed))


def _tiers(rng: random.Random, size: int, age: float, revenue: float) -> list[str]:
    tiers: list[str] = []
    if rng.random() < (0.15, 0.36, 0.55, 0.4)[size] and age >= 1:
        tiers.append("创新型中小企业")
        if rng.random() < 0.45 and age >= 2 and size >= 1:
            tiers.append("专精特新")
            if rng.random() < 0.25 and age >= 3:
                tiers.append("小巨人")
    draw = rng.random()
    if size >= 2 and age <= 12 and revenue >= 20_000 and draw < 0.05:
        tiers.append("独角兽")
    elif age <= 10 and revenue >= 5_000 and draw < 0.12:
        tiers.append("隐形独角兽")
    elif 3 <= age <= 12 and revenue >= 1_000 and draw < 0.2:
        tiers.append("瞪羚")
    elif age <= 5 and draw < 0.18:
        tiers.append("雏鹰")
    return tiers


def _facts(seed: int, index: int, size: int, tiers: list[str], revenue: float) -> dict:
    """The facts policies test (高新, patents, R&D, tax, credit, contact), from a generator of
    their own so that adding them leaves every other generated value as it was. About one
    enterprise in eight has not reported its R&D and tax figures, and one in ten has not been
    screened for credit flags: rules on those are to be verified."""
    rng = random.Random(f"{seed}-facts-{index}")
    innovative = bool(tiers)
    high_tech = rng.random() < (0.08, 0.18, 0.35, 0.45)[size] + 0.35 * innovative
    facts: dict = {"high_tech": None if rng.random() < 0.06 else high_tech}
    facts["invention_patents"] = int(rng.expovariate(1 / (6 if high_tech else 0.6)))
    facts["utility_patents"] = int(rng.expovariate(1 / (15 if high_tech else 3)))
    if rng.random() >= 0.12:
        share = rng.uniform(3.0, 9.0) if high_tech else rng.uniform(0.2, 4.0)
        facts["rd_spend"] = round(revenue * share / 100, 1)
        facts["tax_paid"] = round(revenue * rng.uniform(0.02, 0.08), 1)
        facts["tax_credit"] = rng.choices(TAX_CREDIT_GRADES, (0.42, 0.43, 0.08, 0.05, 0.02))[0]
    if rng.random() >= 0.1:
        facts["credit_flags"] = [pick(rng, CREDIT_FLAGS)] if rng.random() < 0.06 else []
    surname = rng.choice(SURNAMES)
    facts["contact_name"] = f"{surname}{pick(rng, ('经理', '总', '女士', '先生', '主任'))}"
    facts["contact_phone"] = f"0532-8{rng.randrange(10**6, 10**7)}"
    facts["contact_email"] = f"contact{index + 1}@qd-enterprise.example.cn"
    return facts


TIER_PHRASES: dict[str, tuple[str, ...]] = {
    "创新型中小企业": ("山东省创新型中小企业", "省级创新型中小企业"),
    "专精特新": ("山东省专精特新中小企业", "青岛市专精特新中小企业", "省级“专精特新”企业"),
    "小巨人": ("国家级专精特新“小巨人”企业", "工信部专精特新“小巨人”企业"),
    "雏鹰": ("青岛市雏鹰企业",),
    "瞪羚": ("山东省瞪羚企业", "省级瞪羚企业"),
    "隐形独角兽": ("青岛市隐形独角兽企业", "山东省隐形独角兽企业"),
    "独角兽": ("独角兽企业", "青岛市独角兽企业"),
}


def _honours(rng: random.Random, tiers: list[str]) -> str:
    """The highest honours as a phrase consistent with `tiers`, or ''."""
    shown = [t for t in tiers if t not in ("创新型中小企业", "专精特新") or len(tiers) == 1]
    if "专精特新" in tiers and "小巨人" not in tiers:
        shown.insert(0, "专精特新")
    if not shown:
        return ""
    return "、".join(pick(rng, TIER_PHRASES[t]) for t in shown)


class EnterpriseMaker:
    """Makes enterprise number `i` in order and records it in the population."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"{seed}:enterprise")
        self.seed = seed
        self.population = Population()
        self._names: set[bytes] = set()
        self._chain_weights = [PROFILES[c].weight for c in CHAINS]

    def _name(self, chain: str) -> tuple[str, str]:
        rng = self.rng
        words = PROFILES[chain].name_words
        forms, form_weights = zip(*ORG_FORMS, strict=True)
        while True:
            size = 3 if rng.random() < 0.12 else 2
            brand = "".join(rng.sample(NAME_CHARS, size))
            word = pick(rng, words)
            form = rng.choices(forms, weights=form_weights, k=1)[0]
            style = rng.random()
            if style < 0.82:
                name = f"青岛{brand}{word}{form}"
            elif style < 0.92:
                name = f"山东{brand}{word}{form}"
            else:
                name = f"{brand}{word}（青岛）{form}"
            key = hashlib.blake2b(name.encode(), digest_size=8).digest()
            if key not in self._names:
                self._names.add(key)
                return name, brand + word[:2]

    def make(self, index: int) -> Enterprise:
        rng = self.rng
        chain_i = rng.choices(range(len(CHAINS)), weights=self._chain_weights, k=1)[0]
        chain = CHAINS[chain_i]
        profile = PROFILES[chain]
        district_i = rng.choices(range(len(DISTRICTS)), weights=profile.district_weights, k=1)[0]
        district = DISTRICTS[district_i]
        size_i = rng.choices(range(len(SIZES)), weights=SIZE_WEIGHTS, k=1)[0]
        low, high = EMPLOYEE_RANGES[size_i]
        employees = int(math.exp(rng.uniform(math.log(low), math.log(high + 1))))
        revenue = round(employees * rng.uniform(18, 130), 1)
        if revenue >= 1000:
            revenue = float(round(revenue, -1))
        founded = random_date(rng, date(1993, 1, 1), date(2025, 9, 30))
        age = (TODAY - founded).days / 365.25
        tiers = _tiers(rng, size_i, age, revenue)
        whitelist = rng.random() < 0.06 + 0.12 * bool(tiers) + 0.06 * (size_i >= 2)
        product_i = rng.randrange(len(profile.products))
        name, short = self._name(chain)
        self.population.add(chain_i, district_i, size_i, product_i)
        description = self._description(
            short, chain, district, product_i, employees, revenue, founded, tiers
        )
        return Enterprise(
            id=enterprise_id(index),
            name=name,
            credit_code=credit_code(index, self.seed, district),
            district=district,
            chain=chain,
            tiers=tiers,
            size=SIZES[size_i],
            employees=employees,
            revenue=revenue,
            founded=founded,
            description=description,
            whitelist=whitelist,
            **_facts(self.seed, index, size_i, tiers, revenue),
        )

    def _description(
        self,
        short: str,
        chain: str,
        district: str,
        product_i: int,
        employees: int,
        revenue: float,
        founded: date,
        tiers: list[str],
    ) -> str:
        rng = self.rng
        profile = PROFILES[chain]
        main = profile.products[product_i]
        other = pick(rng, [p for p in profile.products if p != main])
        c1, c2 = two(rng, profile.customers)
        cert1, cert2 = two(rng, profile.certs)
        honours = _honours(rng, tiers)
        park = pick(rng, PARKS[district])
        years = TODAY.year - founded.year
        patents = rng.randint(2, 12) + (20 if "小巨人" in tiers else 0) + employees // 40
        rd_share = rng.randint(8, 35)
        revenue_text = f"{revenue / 10000:.1f}亿元" if revenue >= 10000 else f"{revenue:g}万元"
        cust = pick(rng, (
            f"产品配套{c1}、{c2}等客户。", f"主要客户包括{c1}和{c2}。",
            f"长期为{c1}提供配套。", f"与{c1}、{c2}建立了稳定合作关系。", "",
        ))  # fmt: skip
        cert = pick(rng, (
            f"已通过{cert1}和{cert2}。", f"通过{cert1}。", f"先后取得{cert1}、{cert2}。",
        ))  # fmt: skip
        tier = (
            pick(rng, (f"公司是{honours}。", f"先后获评{honours}。", f"系{honours}。"))
            if honours
            else ""
        )
        frame = rng.randrange(7)
        if frame == 0:
            text = (
                f"{short}成立于{founded.year}年，位于{located(district, park)}，主要从事{main}、"
                f"{other}的研发、生产和销售。{cust}{cert}{tier}"
            )
        elif frame == 1:
            text = (
                f"公司专注于{main}领域，现有员工{employees}人，其中研发人员占比{rd_share}%，"
                f"拥有授权专利{patents}项。{tier}{cust}"
            )
        elif frame == 2:
            text = (
                f"{tier}{short}深耕{chain}行业{years}年，核心产品为{main}，{cert}"
                f"年营业收入约{revenue_text}。{cust}"
            )
        elif frame == 3:
            text = f"主营{main}及{other}，生产基地设在{park}。{cert}{tier}{cust}"
        elif frame == 4:
            text = (
                f"{short}总部位于{DISTRICT_FULL[district]}，是一家集研发、制造、服务于一体的{chain}"
                f"企业，主导产品{main}在细分市场具有较强竞争力。{tier}{cert}"
            )
        elif frame == 5:
            text = (
                f"{main}研发制造商，地址{located(district, park)}，员工{employees}人。{cert}{tier}"
            )
        else:
            text = (
                f"依托{park}的产业集聚优势，{short}围绕{main}持续投入研发，近三年研发投入占营业收入"
                f"{rng.randint(3, 12)}%，{cust}{tier}"
            )
        return clean(text)

    def stream(self, count: int) -> Iterator[Enterprise]:
        """Enterprises 0..count-1 in order."""
        for index in range(count):
            yield self.make(index)
