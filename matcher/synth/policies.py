"""Policies: notices with eligibility rules, benefit, amount and validity window."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from matcher.synth.institutions import CITY_ISSUERS, district_issuer, district_place
from matcher.synth.lexicon import DISTRICT_FULL
from matcher.synth.phrases import amount_text, clean, pick, random_date, round_amount
from matcher.synth.policy_themes import LAWS, THEMES, PolicyTheme
from matcher.types import DISTRICTS, Policy, Rule

CLUSTERS: tuple[tuple[str, str, str], ...] = (
    ("莱西", "绿色健康食品", "绿色健康食品"),
    ("胶州", "智能家电", "智能家电电路板"),
    ("平度", "美妆", "美妆睫毛"),
)
LATEST = date(2028, 12, 31)


def policy_id(index: int) -> str:
    """`P00001` for index 0."""
    return f"P{index + 1:05d}"


def _validity(rng: random.Random) -> tuple[date, date | None]:
    year = rng.choices((2023, 2024, 2025, 2026), weights=(0.08, 0.2, 0.35, 0.37), k=1)[0]
    start = random_date(
        rng, date(year, 1, 1), date(year, 12, 31) if year < 2026 else date(2026, 11, 20)
    )
    if rng.random() < 0.08:
        return start, None
    years = rng.choices((1, 2, 3, 5), weights=(0.3, 0.3, 0.3, 0.1), k=1)[0]
    end = min(date(start.year + years, start.month, 1) - timedelta(days=1), LATEST)
    return start, max(end, start)


def _text(rng: random.Random, theme: PolicyTheme, issuer: str, standard: str, auto: bool,
          valid_to: date | None) -> str:  # fmt: skip
    law = pick(rng, LAWS)
    doc = pick(rng, ("本细则", "本办法", "本措施", "本通知"))
    apply = (
        "符合条件的企业无需申报，由主管部门依据认定名单和数据比对直接兑付（免申即享）"
        if auto
        else pick(
            rng,
            (
                "企业通过“青岛政策通”平台在线申报，经区（市）初审、市级复核后拨付资金",
                "由各区（市）主管部门组织推荐，市级部门审核后公示",
                "企业登录“鲁惠通”或“青岛政策通”提交申报材料，逾期不予受理",
            ),
        )
    )
    until = f"{valid_to.year}年{valid_to.month}月{valid_to.day}日" if valid_to else "另行通知"
    frame = rng.randrange(4)
    if frame == 0:
        text = (
            f"为{theme.purpose}，根据{law}等文件精神，{issuer}制定{doc}。一、支持对象：{theme.target}。"
            f"二、支持标准：{standard}。三、申报方式：{apply}。四、{doc}有效期至{until}。"
        )
    elif frame == 1:
        text = (
            f"各有关单位：为深入贯彻{law}，{theme.purpose}，现将有关事项通知如下。"
            f"（一）{theme.target}可按规定享受支持；（二）{standard}；（三）{apply}。"
        )
    elif frame == 2:
        text = (
            f"{theme.target}，{standard}。{apply}。政策目的：{theme.purpose}。执行期限至{until}。"
        )
    else:
        text = (
            f"支持对象为{theme.target}。{standard}。申报流程：{apply}。"
            f"同一企业同一事项不重复享受市级同类政策。"
        )
    return clean(text)


def policies(seed: int, count: int) -> Iterator[Policy]:
    """`count` policies, every theme at least once, city and district issuers mixed."""
    rng = random.Random(f"{seed}:policy")
    for index in range(count):
        theme = THEMES[index % len(THEMES)] if index < 2 * len(THEMES) else pick(rng, THEMES)
        rules = [Rule(field=f, op=o, value=v) for f, o, v in theme.rules]
        for f, o, v in theme.optional:
            if rng.random() < 0.5:
                rules.append(Rule(field=f, op=o, value=v))
        if theme.key == "cluster":
            district, chain, cluster = pick(rng, CLUSTERS)
            rules += [
                Rule(field="chain", op="in", value=[chain]),
                Rule(field="district", op="in", value=[district]),
            ]
            place = f"{DISTRICT_FULL[district]}{cluster}"
            issuer = district_issuer(rng, district)
        elif rng.random() < 0.4:
            district = pick(rng, DISTRICTS)
            rules.append(Rule(field="district", op="in", value=[district]))
            place = district_place(district)
            issuer = district_issuer(rng, district)
        else:
            issuer = pick(rng, CITY_ISSUERS[theme.issuer])
            place = "山东省" if issuer.startswith("山东省") else "青岛市"
        valid_from, valid_to = _validity(rng)
        amount = round_amount(rng.uniform(*theme.amount)) if theme.amount else None
        money = amount_text(amount) if amount is not None else ""
        auto = rng.random() < theme.auto_share
        title = pick(rng, theme.titles).format(place=place, year=valid_from.year)
        standard = theme.standard.format(amount=money)
        yield Policy(
            id=policy_id(index),
            issuer=issuer,
            title=title,
            text=_text(rng, theme, issuer, standard, auto, valid_to),
            rules=rules,
            benefit=theme.benefit.format(amount=money),
            amount=amount,
            valid_from=valid_from,
            valid_to=valid_to,
            auto_grant=auto,
        )
