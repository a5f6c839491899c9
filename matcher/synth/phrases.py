"""Small helpers for composing varied Chinese text from a seeded random generator."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

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
