"""Latent topics shared by both sides of a match, and the phrase helpers that compose text.

A tech topic is written twice: in enterprise language (pains, wants) for needs and in
academic language (titles, methods) for tech results; a partner topic is written as what
a buyer seeks and what a supplier offers. Sharing the topic, not the wording, is what
makes sample-data retrieval meaningful.

Each topic also has a `Wording`: what enterprises call the subject in their own words
(`says`), concrete first-person problem stories with numbers, and two synonym maps, one
that turns the topic's technical terms into everyday words on the need side (`lay`) and
one that varies the supply side's technical terms (`tech`). So both sides of a match
overlap only partly, and some right pairs share almost no characters.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from matcher.synth.phrases import cn_int

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


@dataclass(frozen=True)
class Template:
    """Text with `{low~high}` number slots, each drawn anew and written in Arabic or Chinese.

    A slot followed by `%` is written 「35%」 or 「百分之三十五」.
    """

    parts: tuple[str, ...]  # literal, slot, literal, slot, ..., literal
    slots: tuple[tuple[int, int, bool], ...]  # (low, high, percent)

    @classmethod
    def parse(cls, text: str) -> Template:
        pieces = re.split(r"\{(\d+)~(\d+)\}", text)
        parts = [pieces[0]]
        slots = []
        for i in range(1, len(pieces), 3):
            low, high, tail = int(pieces[i]), int(pieces[i + 1]), pieces[i + 2]
            percent = tail.startswith("%")
            slots.append((low, high, percent))
            parts.append(tail[1:] if percent else tail)
        return cls(tuple(parts), tuple(slots))

    def render(self, rng: random.Random, chinese: float = 0.3) -> str:
        out = [self.parts[0]]
        for (low, high, percent), tail in zip(self.slots, self.parts[1:], strict=True):
            n = rng.randint(low, high)
            if rng.random() < chinese:
                out.append(("百分之" if percent else "") + cn_int(n))
            else:
                out.append(f"{n}%" if percent else str(n))
            out.append(tail)
        return "".join(out)


class Synonyms:
    """Term → alternatives, applied in one left-to-right pass (longest term first)."""

    def __init__(self, pairs: Sequence[tuple[str, tuple[str, ...]]]) -> None:
        self.alternatives = dict(pairs)
        terms = sorted(self.alternatives, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, terms))) if terms else None

    def __add__(self, other: Synonyms) -> Synonyms:
        return Synonyms([*self.alternatives.items(), *other.alternatives.items()])

    def apply(self, rng: random.Random, text: str, keep: float) -> str:
        """`text` with each known term kept with probability `keep`, else replaced."""
        if self.pattern is None:
            return text
        alternatives = self.alternatives

        def swap(match: re.Match[str]) -> str:
            if rng.random() < keep:
                return match.group(0)
            options = alternatives[match.group(0)]
            choice = options[rng.randrange(len(options))]
            return choice if _fits(text, match.start(), match.end(), choice) else match.group(0)

        return self.pattern.sub(swap, text)


def _fits(text: str, start: int, end: int, replacement: str) -> bool:
    """False when `replacement` would repeat its neighbours (「印制」+「印制电路板」)."""
    for k in range(2, len(replacement) + 1):
        if start >= k and text[start - k : start] == replacement[:k]:
            return False
        if text[end : end + k] == replacement[-k:]:
            return False
    return True


def synonyms(text: str) -> Synonyms:
    """Parse `term=alt1/alt2|term2=alt...` into a synonym map."""
    pairs = []
    for part in split(text):
        term, alternatives = part.split("=")
        pairs.append((term.strip(), tuple(a.strip() for a in alternatives.split("/"))))
    return Synonyms(pairs)


@dataclass(frozen=True)
class Wording:
    """How each side words a topic beyond the shared phrase lists (see the module doc)."""

    key: str
    says: tuple[str, ...]
    stories: tuple[Template, ...]
    lay: Synonyms
    tech: Synonyms

    def story(self, rng: random.Random) -> str:
        return self.stories[rng.randrange(len(self.stories))].render(rng)


def wording(key: str, says: str, stories: str, lay: str, tech: str) -> Wording:
    """Build a topic's wording from `|`-separated lists (stories may hold `{low~high}`)."""
    return Wording(
        key=key,
        says=split(says),
        stories=tuple(Template.parse(s) for s in split(stories)),
        lay=synonyms(lay),
        tech=synonyms(tech),
    )
