"""The served ranking equals the evaluated ranking: one engine behind both.

A workspace holds exactly the corpus of a labelled folder as offers; what `Retriever`
(recommendations) and `Recommender.for_text` serve for each query must be what
`matcher evaluate` ranks for it, id for id and score for score.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matcher.config import Settings
from matcher.evaluate.channels import DenseVectors, parse_channel
from matcher.evaluate.data import load_retrieval_dir
from matcher.evaluate.retrieval import evaluate_retrieval, hybrid_runs
from matcher.index.builder import build_indexes
from matcher.recommend import Recommender
from matcher.retrieve import Retriever
from matcher.types import Offer
from matcher.workspace import init_workspace
from tests.conftest import make_enterprise

SAMPLE_FOLDER = Path(__file__).parents[2] / "data" / "sample" / "eval" / "partner-need"
QUERIES = 60


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A workspace whose offers are the folder's corpus, indexed like `matcher index`."""
    root = tmp_path_factory.mktemp("served")
    workspace = init_workspace(root / "ws", Settings())
    data = load_retrieval_dir(SAMPLE_FOLDER)
    owners = {f"E{i:07d}" for i in range(1, 3)}
    workspace.store.upsert("enterprise", [make_enterprise(e) for e in sorted(owners)])
    offers = [
        Offer(id=doc_id, enterprise_id=sorted(owners)[i % 2], text=text)
        for i, (doc_id, text) in enumerate(data.corpus.items())
    ]
    workspace.store.upsert("offer", offers)
    build_indexes(workspace, kinds=["offer"], progress=False)
    return workspace, data


def test_served_retrieval_equals_evaluated_ranking(served, tmp_path):
    workspace, data = served
    query_ids = [q for q in data.qrels if data.qrels[q]][:QUERIES]
    dense = DenseVectors(workspace.cache_dir, progress=False)
    evaluated = hybrid_runs(data, query_ids, dense, parse_channel("hybrid"))
    retriever = Retriever(workspace)
    for query_id, hits in zip(query_ids, evaluated, strict=True):
        served_hits = retriever.search("offer", data.queries[query_id])
        assert [h.id for h in served_hits[:10]] == [h.id for h in hits[:10]]
        assert [h.confidence for h in served_hits[:10]] == pytest.approx(
            [h.confidence for h in hits[:10]], abs=1e-6
        )


def test_served_recommendations_follow_the_evaluated_order(served):
    workspace, data = served
    query_ids = [q for q in data.qrels if data.qrels[q]][:20]
    dense = DenseVectors(workspace.cache_dir, progress=False)
    evaluated = hybrid_runs(data, query_ids, dense, parse_channel("hybrid"))
    recommender = Recommender(workspace)
    for query_id, hits in zip(query_ids, evaluated, strict=True):
        results = recommender.for_text(data.queries[query_id], "partner", k=10)
        assert [r.id for r in results] == [h.id for h in hits[:10]]
        assert [r.match for r in results] == [h.match for h in hits[:10]]


def test_evaluate_marks_the_served_default(served, tmp_path):
    _, data = served
    small = tmp_path / "folder"
    small.mkdir()
    ids = list(data.queries)[:30]
    keep_docs = {d for q in ids for d in data.qrels.get(q, {})} | set(list(data.corpus)[:200])
    lines = {
        "queries.jsonl": [{"id": q, "text": data.queries[q]} for q in ids],
        "corpus.jsonl": [{"id": d, "text": t} for d, t in data.corpus.items() if d in keep_docs],
    }
    for name, rows in lines.items():
        (small / name).write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
        )
    qrels = [f"{q}\t{d}\t{g}" for q in ids for d, g in data.qrels.get(q, {}).items()]
    (small / "qrels.tsv").write_text("\n".join(qrels) + "\n", encoding="utf-8")
    rows = evaluate_retrieval(small, ["usem3", "lexical", "hybrid"], tmp_path / "c", False)
    assert [row["default"] for row in rows] == [False, False, True]
    hybrid = rows[2]
    assert 0 <= hybrid["match_kept"] <= 1 and 0 <= hybrid["no_match_flagged"] <= 1
    assert rows[0]["match_kept"] is None
