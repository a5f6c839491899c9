"""Small helpers for composing varied Chinese text from a seeded random generator."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from functools import lru_cache

CLEANUPS: tuple[tuple[str, str], ...] = (
    ("，，", "，"), ("。。", "。"), ("，。", "。"), ("；。", "。"),
    ("；；", "；"), ("。，", "。"), ("：。", "。"), ("  ", " "),
)  # fmt: skip


def pick(rng: random.Random, options: Sequence[str]) -> str:
    """One option, uniformly."""
    return options[rng.randrange(len(options))]


def weighted(rng: random.Random, options: Sequence[str], weights: Sequence[float]) -> str:
    """One option by weight."""
    return rng.choices(options, weights=weights, k=1)[0]


def maybe(rng: random.Random, p: float, text: str) -> str:
    """`text` with probability `p`, else the empty string."""
    return text if rng.random() < p else ""


def two(rng: random.Random, options: Sequence[str]) -> tuple[str, str]:
    """Two different options (or the same one twice when only one exists)."""
    if len(options) < 2:
        return options[0], options[0]
    first, second = rng.sample(range(len(options)), 2)
    return options[first], options[second]


def amount_text(wan: float) -> str:
    """An amount in 万元 written the way a notice writes it (亿元 above 10,000)."""
    if wan >= 10000:
        text = f"{wan / 10000:.2f}".rstrip("0").rstrip(".")
        return f"{text}亿元"
    return f"{wan:g}万元"


def round_amount(value: float) -> float:
    """Round a 万元 figure to a business-like step."""
    step = (
        1
        if value < 20
        else 5
        if value < 200
        else 10
        if value < 1000
        else 50
        if value < 5000
        else 100
    )
    return float(max(step, round(value / step) * step))


def random_date(rng: random.Random, start: date, end: date) -> date:
    """A uniformly drawn date in [start, end]."""
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def person(rng: random.Random, surnames: str, given: str) -> str:
    """A plausible Chinese personal name (one- or two-character given name)."""
    name = rng.choice(surnames) + rng.choice(given)
    return name + rng.choice(given) if rng.random() < 0.7 else name


def clean(text: str) -> str:
    """Tidy punctuation left by optional, empty segments."""
    while True:
        before = text
        for bad, good in CLEANUPS:
            text = text.replace(bad, good)
        if text == before:
            break
    return text.strip("，；、 ")


# Numbers the way people write them: Arabic or Chinese numerals, 万 / 亿, years for terms.

_CN_DIGITS = "零一二三四五六七八九"


def _cn_below_10k(n: int, leading: bool) -> str:
    """Chinese numeral for 0 < n < 10,000 (「两千零五十」); `leading`: no group before it."""
    out = []
    zero = False
    for unit, value in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
        digit, n = divmod(n, value)
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        if unit == "十" and digit == 1 and leading and not out:
            out.append("十")
        elif digit == 2 and unit in ("千", "百") and not out:
            out.append("两" + unit)
        else:
            out.append(_CN_DIGITS[digit] + unit)
    return "".join(out)


@lru_cache(maxsize=65536)
def cn_int(n: int) -> str:
    """An integer below 10^8 in Chinese numerals: 15 → 十五, 1050 → 一千零五十, 2000 → 两千."""
    if n == 0:
        return "零"
    high, low = divmod(n, 10000)
    if not high:
        return _cn_below_10k(low, leading=True)
    text = ("两" if high == 2 else _cn_below_10k(high, leading=True)) + "万"
    if low:
        text += ("零" if low < 1000 else "") + _cn_below_10k(low, leading=False)
    return text


@lru_cache(maxsize=65536)
def money_forms(wan: float) -> tuple[str, ...]:
    """Every way a need may write an amount of `wan` 万元 (see `money_text`)."""
    if wan != int(wan):
        return (amount_text(wan), f"{wan:g}万")
    w = int(wan)
    if w >= 10000:
        yi, rest = divmod(w, 10000)
        arabic = amount_text(wan)
        chinese = ("两" if yi == 2 else cn_int(yi)) + "亿"
        if rest:
            chinese += ("零" if rest < 1000 else "") + cn_int(rest) + "万"
        return (arabic, arabic[:-1], chinese, chinese + "元")
    return (f"{w}万元", f"{w}万", f"{cn_int(w)}万", f"{cn_int(w)}万元", f"{w * 10000}元")


def money_text(rng: random.Random, wan: float) -> str:
    """An amount in 万元 as users write it: 500万元, 500万, 五百万, 五百万元, 5000000元."""
    forms = money_forms(wan)
    if len(forms) == 5:
        return forms[rng.choices(range(5), weights=(40, 22, 20, 14, 4), k=1)[0]]
    return forms[rng.randrange(len(forms))]


_YEARS = {12: ("一年", "1年"), 24: ("两年", "2年"), 36: ("三年", "3年"), 48: ("四年", "4年"),
          60: ("五年", "5年"), 6: ("半年",), 18: ("一年半",), 30: ("两年半",)}  # fmt: skip


def term_forms(months: int) -> tuple[str, ...]:
    """Every way a need may write a term of `months` months (see `term_text`)."""
    return (f"{months}个月", f"{cn_int(months)}个月", *_YEARS.get(months, ()))


def term_text(rng: random.Random, months: int) -> str:
    """A term as users write it: 12个月, 十二个月, 一年, 1年, 半年, 一年半."""
    forms = term_forms(months)
    return forms[rng.randrange(len(forms))]


def number_text(rng: random.Random, n: int, chinese: float = 0.3) -> str:
    """A count in Arabic or (with probability `chinese`) Chinese numerals."""
    return cn_int(n) if rng.random() < chinese else str(n)
