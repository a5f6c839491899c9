"""The committed sample in data/sample: fresh, big enough, varied and retrievable."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher.synth.generate import generate
from matcher.types import CHAINS, DISTRICTS, MODELS, RECORD_KINDS

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
TODAY = date(2026, 11, 25)


def load(kind: str) -> list:
    model = MODELS[kind]
    with (SAMPLE / f"{kind}.jsonl").open(encoding="utf-8") as handle:
        return [model.model_validate_json(line) for line in handle]


@pytest.fixture(scope="module")
def sample() -> dict[str, list]:
    return {kind: load(kind) for kind in RECORD_KINDS}


def test_committed_sample_equals_a_fresh_default_run(tmp_path: Path) -> None:
    generate(tmp_path, progress=False)
    fresh = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(SAMPLE) for p in SAMPLE.rglob("*") if p.is_file())
    assert fresh == committed
    stale = [
        str(name)
        for name in fresh
        if (tmp_path / name).read_bytes() != (SAMPLE / name).read_bytes()
    ]
    assert not stale, f"data/sample is stale, run `matcher generate --out data/sample`: {stale}"


def test_sample_meets_the_minimums(sample: dict[str, list]) -> None:
    enterprises = sample["enterprise"]
    assert len(enterprises) >= 2000
    assert {e.district for e in enterprises} == set(DISTRICTS)
    assert {e.chain for e in enterprises} == set(CHAINS)
    needs = sample["need"]
    assert len(needs) >= 3000 and {n.kind for n in needs} == {"tech", "finance", "partner"}
    results = sample["tech_result"]
    assert len(results) >= 1000 and len({r.university for r in results}) >= 20
    assert {r.trl for r in results} == set(range(1, 10))
    products = sample["finance_product"]
    assert len(products) >= 100 and len({p.bank for p in products}) >= 15
    policies = sample["policy"]
    assert len(policies) >= 300 and all(p.rules and p.valid_from for p in policies)
    assert len(sample["offer"]) >= 1000
    assert sum((SAMPLE / f"{k}.jsonl").stat().st_size for k in RECORD_KINDS) < 15_000_000


def test_local_clusters_sit_in_their_districts(sample: dict[str, list]) -> None:
    by_chain: dict[str, Counter] = {}
    for e in sample["enterprise"]:
        by_chain.setdefault(e.chain, Counter())[e.district] += 1
    assert by_chain["绿色健康食品"].most_common(1)[0][0] == "莱西"
    assert by_chain["智能家电"].most_common(1)[0][0] == "胶州"
    assert by_chain["美妆"].most_common(1)[0][0] == "平度"
    ai_core = sum(by_chain["人工智能"][d] for d in ("崂山", "市南", "市北"))
    assert ai_core > 0.5 * sum(by_chain["人工智能"].values())


def test_policy_validity_and_auto_grant_shares(sample: dict[str, list]) -> None:
    policies = sample["policy"]
    assert all(date(2023, 1, 1) <= p.valid_from for p in policies)
    assert all(p.valid_to is None or p.valid_to <= date(2028, 12, 31) for p in policies)
    expired = sum(not p.is_valid_on(TODAY) for p in policies) / len(policies)
    assert 0.18 <= expired <= 0.32
    auto = sum(p.auto_grant for p in policies) / len(policies)
    assert 0.1 <= auto <= 0.22


def test_need_texts_are_varied(sample: dict[str, list]) -> None:
    texts = [n.text for n in sample["need"]]
    assert len(set(texts)) / len(texts) >= 0.995
    prefix, top = Counter(t[:6] for t in texts).most_common(1)[0]
    assert top / len(texts) <= 0.05, prefix
    for kind in ("tech", "finance", "partner"):
        of_kind = [n.text for n in sample["need"] if n.kind == kind]
        assert Counter(t[:6] for t in of_kind).most_common(1)[0][1] / len(of_kind) <= 0.1, kind
    bigrams = [t[i : i + 2] for t in texts for i in range(len(t) - 1)]
    assert len(set(bigrams)) >= 8000 and len(set(bigrams)) / len(bigrams) >= 0.05
    lengths = [len(t) for t in texts]
    assert min(lengths) < 35 and max(lengths) > 120


def test_other_texts_are_varied(sample: dict[str, list]) -> None:
    for kind, attr in (
        ("offer", "text"),
        ("tech_result", "abstract"),
        ("enterprise", "description"),
    ):
        texts = [getattr(r, attr) for r in sample[kind]]
        assert len(set(texts)) / len(texts) >= 0.99, kind
    titles = [r.title for r in sample["tech_result"]]
    assert len(set(titles)) / len(titles) >= 0.85


def _mrr_at_10(folder: Path) -> float:
    queries = [json.loads(line) for line in (folder / "queries.jsonl").open(encoding="utf-8")]
    corpus = [json.loads(line) for line in (folder / "corpus.jsonl").open(encoding="utf-8")]
    relevant: dict[str, set[str]] = {}
    for line in (folder / "qrels.tsv").read_text(encoding="utf-8").splitlines():
        query_id, doc_id, _ = line.split("\t")
        relevant.setdefault(query_id, set()).add(doc_id)
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), sublinear_tf=True)
    docs = vectorizer.fit_transform([d["text"] for d in corpus])
    scores = (vectorizer.transform([q["text"] for q in queries]) @ docs.T).toarray()
    top = np.argsort(-scores, axis=1)[:, :10]
    total = 0.0
    for row, query in zip(top, queries, strict=True):
        hits = [rank for rank, j in enumerate(row) if corpus[j]["id"] in relevant[query["id"]]]
        total += 1 / (hits[0] + 1) if hits else 0.0
    return total / len(queries)


@pytest.mark.parametrize("name", ["tech-need", "partner-need"])
def test_needs_can_find_their_topic_with_plain_lexical_retrieval(name: str) -> None:
    # findable, but far from perfect: the two sides only partly share their words
    assert 0.5 <= _mrr_at_10(SAMPLE / "eval" / name) <= 0.85


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


@pytest.mark.parametrize(("name", "share"), [("tech-need", 0.25), ("partner-need", 0.15)])
def test_some_right_pairs_share_almost_no_characters(name: str, share: float) -> None:
    """For a good share of needs even the closest relevant document shares < 10 % of bigrams."""
    folder = SAMPLE / "eval" / name
    queries = [json.loads(line) for line in (folder / "queries.jsonl").open(encoding="utf-8")]
    corpus = {
        d["id"]: _bigrams(d["text"])
        for d in map(json.loads, (folder / "corpus.jsonl").open(encoding="utf-8"))
    }
    relevant: dict[str, list[str]] = {}
    for line in (folder / "qrels.tsv").read_text(encoding="utf-8").splitlines():
        query_id, doc_id, _ = line.split("\t")
        relevant.setdefault(query_id, []).append(doc_id)
    apart = 0
    for query in queries:
        grams = _bigrams(query["text"])
        best = max(len(grams & corpus[d]) / len(grams) for d in relevant[query["id"]])
        apart += best < 0.1
    assert apart / len(queries) >= share
