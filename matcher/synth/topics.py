"""Latent topics shared by both sides of a match, and the phrase helpers that compose text.

A tech topic is written twice: in enterprise language (pains, wants) for needs and in
academic language (titles, methods) for tech results; a partner topic is written as what
a buyer seeks and what a supplier offers. Sharing the topic, not the wording, is what
makes sample-data retrieval meaningful.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

# fmt: off
COUNT_UNITS = frozenset((
    "天", "个", "人", "台", "家", "条", "项", "次", "种", "张",
    "辆", "艘", "架次", "台套", "周", "月", "年", "工作日", "倍", "级",
))
# fmt: on


@dataclass(frozen=True)
class Metric:
    """A measurable figure of merit with a plausible range."""

    name: str
    unit: str
    low: float
    high: float

    def draw(self, rng: random.Random) -> str:
        """A value within the range, formatted like a spec sheet would write it."""
        value = rng.uniform(self.low, self.high)
        span = self.high - self.low
        if span >= 10 or self.unit in COUNT_UNITS:
            number = round(value)
            if number >= 1000:
                number = round(number, 2 - len(str(number)))
            text = str(number)
        else:
            digits = max(1, min(3, 1 - math.floor(math.log10(span))))
            text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
        return f"{text}{self.unit}"


@dataclass(frozen=True)
class TechTopic:
    """A fine-grained technical problem: enterprise wording and academic wording."""

    key: str
    chain: str
    field: str
    anchors: tuple[str, ...]
    pains: tuple[str, ...]
    wants: tuple[str, ...]
    titles: tuple[str, ...]
    methods: tuple[str, ...]
    metrics: tuple[Metric, ...]
    apps: tuple[str, ...]


@dataclass(frozen=True)
class PartnerTopic:
    """A supply capability inside a chain: what buyers seek and suppliers offer."""

    key: str
    chain: str
    items: tuple[str, ...]
    seeks: tuple[str, ...]
    supplies: tuple[str, ...]
    metrics: tuple[Metric, ...]


def split(text: str) -> tuple[str, ...]:
    """Split a `|`-separated phrase list."""
    return tuple(part.strip() for part in text.split("|") if part.strip())


def metrics(text: str) -> tuple[Metric, ...]:
    """Parse `name:unit:low:high|...` into metrics."""
    out = []
    for part in split(text):
        name, unit, low, high = part.split(":")
        out.append(Metric(name, unit, float(low), float(high)))
    return tuple(out)


def tech(
    key: str,
    chain: str,
    field: str,
    anchors: str,
    pains: str,
    wants: str,
    titles: str,
    methods: str,
    metric_spec: str,
    apps: str,
) -> TechTopic:
    """Build a tech topic from `|`-separated phrase lists."""
    return TechTopic(
        key=key,
        chain=chain,
        field=field,
        anchors=split(anchors),
        pains=split(pains),
        wants=split(wants),
        titles=split(titles),
        methods=split(methods),
        metrics=metrics(metric_spec),
        apps=split(apps),
    )


def partner(
    key: str, chain: str, items: str, seeks: str, supplies: str, metric_spec: str
) -> PartnerTopic:
    """Build a partner topic from `|`-separated phrase lists."""
    return PartnerTopic(
        key=key,
        chain=chain,
        items=split(items),
        seeks=split(seeks),
        supplies=split(supplies),
        metrics=metrics(metric_spec),
    )
