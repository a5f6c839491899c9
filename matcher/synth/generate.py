"""Write a seeded, deterministic sample data set: one JSONL per record kind plus eval sets.

Records are streamed to disk kind by kind; only a few bytes per enterprise stay in memory
(so needs and offers can point at existing enterprises). Same seed and scale give
byte-identical files.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from matcher.atomic import atomic_path
from matcher.errors import MatcherError
from matcher.synth.enterprises import EnterpriseMaker
from matcher.synth.finance import products
from matcher.synth.needs import TECH_TOPICS, needs
from matcher.synth.policies import policies
from matcher.synth.supply import offers, tech_results
from matcher.types import KIND_LABELS, Record

DEFAULT_SEED = 20251125
DEFAULT_ENTERPRISES = 2000
EVAL_MAX_ENTERPRISES = 20_000
EVAL_SETS = ("tech-need", "partner-need")
# The province-wide data set (`--scale 1`); smaller scales take a fraction of every kind.
PROVINCE_SCALE: dict[str, int] = {
    "enterprise": 1_000_000,
    "need": 1_000_000,
    "tech_result": 100_000,
    "finance_product": 10_000,
    "policy": 10_000,
    "offer": 1_000_000,
}
MAX_SCALE = 9.0  # ids have seven digits: at most 9,999,999 enterprises, needs and offers


def scale(enterprises: int) -> dict[str, int]:
    """How many records of each kind `enterprises` enterprises come with."""
    return {
        "enterprise": enterprises,
        "need": enterprises * 3 // 2,
        "tech_result": min(100_000, max(len(TECH_TOPICS), enterprises // 2)),
        "finance_product": max(120, min(10_000, enterprises // 20)),
        "policy": max(300, min(10_000, enterprises // 6)),
        "offer": enterprises // 2 + enterprises // 20,
    }


def province_scale(fraction: float) -> dict[str, int]:
    """Counts per kind for `fraction` of the province-wide data set (at least one of each)."""
    if not 0 < fraction <= MAX_SCALE:
        raise MatcherError(f"规模比例应大于 0 且不超过 {MAX_SCALE:g}，实际为 {fraction:g}")
    return {kind: max(1, round(count * fraction)) for kind, count in PROVINCE_SCALE.items()}


def record_line(record: Record) -> str:
    """One JSONL line (without newline) for a record."""
    return json.dumps(record.model_dump(mode="json"), ensure_ascii=False)


class _Labelled:
    """Collects (id, text, topic) triples for an eval set, or nothing when disabled."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.rows: list[tuple[str, str, str]] = []

    def add(self, record_id: str, text: str, topic: str) -> None:
        if self.enabled:
            self.rows.append((record_id, text, topic))


@contextlib.contextmanager
def _text_file(target: Path) -> Iterator[TextIO]:
    """A UTF-8 text handle whose content replaces `target` atomically (mode 0644) on success."""
    with atomic_path(target) as tmp:
        with tmp.open("w", encoding="utf-8", newline="\n") as handle:
            yield handle
        tmp.chmod(0o644)


def _write_jsonl(handle: TextIO, rows: Iterable[tuple[str, str, str]]) -> None:
    for record_id, text, _ in rows:
        handle.write(json.dumps({"id": record_id, "text": text}, ensure_ascii=False) + "\n")


def write_eval_set(folder: Path, queries: _Labelled, corpus: _Labelled) -> int:
    """queries.jsonl, corpus.jsonl and qrels.tsv (all docs sharing the query's topic)."""
    by_topic: dict[str, list[str]] = {}
    for doc_id, _, topic in corpus.rows:
        by_topic.setdefault(topic, []).append(doc_id)
    judged = [row for row in queries.rows if row[2] in by_topic]
    with _text_file(folder / "queries.jsonl") as fh:
        _write_jsonl(fh, judged)
    with _text_file(folder / "corpus.jsonl") as fh:
        _write_jsonl(fh, corpus.rows)
    with _text_file(folder / "qrels.tsv") as fh:
        for query_id, _, topic in judged:
            for doc_id in by_topic[topic]:
                fh.write(f"{query_id}\t{doc_id}\t1\n")
    return len(judged)


def _write_kind(out_dir: Path, kind: str, records: Iterator[Record], bar: tqdm) -> int:
    bar.set_description(KIND_LABELS[kind])
    count = 0
    with _text_file(out_dir / f"{kind}.jsonl") as fh:
        for record in records:
            fh.write(record_line(record) + "\n")
            count += 1
            bar.update(1)
    return count


def generate(
    out_dir: Path,
    enterprises: int = DEFAULT_ENTERPRISES,
    seed: int = DEFAULT_SEED,
    progress: bool = True,
    sizes: dict[str, int] | None = None,
) -> dict[str, int]:
    """Write the six record files (and eval sets up to 20,000 enterprises); counts per kind.

    `sizes` (e.g. `province_scale(0.01)`) sets every kind's count instead of deriving them
    from `enterprises`.
    """
    counts = scale(enterprises) if sizes is None else {kind: sizes[kind] for kind in KIND_LABELS}
    if counts["enterprise"] < 1:
        raise MatcherError(f"企业数量必须为正整数，实际为 {counts['enterprise']}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with_eval = counts["enterprise"] <= EVAL_MAX_ENTERPRISES
    tech_q, tech_c, partner_q, partner_c = (_Labelled(with_eval) for _ in range(4))

    def tagged_needs(maker: EnterpriseMaker) -> Iterator[Record]:
        for need, topic in needs(seed, counts["need"], maker.population):
            if need.kind == "tech":
                tech_q.add(need.id, need.text, topic)
            elif need.kind == "partner":
                partner_q.add(need.id, need.text, topic)
            yield need

    def tagged_results() -> Iterator[Record]:
        for result, topic in tech_results(seed, counts["tech_result"]):
            tech_c.add(result.id, result.embed_text(), topic)
            yield result

    def tagged_offers(maker: EnterpriseMaker) -> Iterator[Record]:
        for offer, topic in offers(seed, counts["offer"], maker.population):
            partner_c.add(offer.id, offer.text, topic)
            yield offer

    maker = EnterpriseMaker(seed)
    streams: dict[str, Iterator[Record]] = {
        "enterprise": maker.stream(counts["enterprise"]),
        "need": tagged_needs(maker),
        "tech_result": tagged_results(),
        "finance_product": products(seed, counts["finance_product"]),
        "policy": policies(seed, counts["policy"]),
        "offer": tagged_offers(maker),
    }
    written: dict[str, int] = {}
    with tqdm(total=sum(counts.values()), unit="条", disable=not progress, leave=False) as bar:
        for kind, stream in streams.items():
            written[kind] = _write_kind(out_dir, kind, stream, bar)
    eval_dir = out_dir / "eval"
    if with_eval:
        write_eval_set(eval_dir / "tech-need", tech_q, tech_c)
        write_eval_set(eval_dir / "partner-need", partner_q, partner_c)
    else:
        for name in EVAL_SETS:
            shutil.rmtree(eval_dir / name, ignore_errors=True)
    return written
