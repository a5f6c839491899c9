"""Retrieval evaluation: rank the corpus for every judged query, then average the metrics.

Hybrid systems are searched with the product's own engine (`matcher.search.HybridSearch`
over a `VectorIndex` and a `SparseIndex`, the calibrated fusion of the dense encoder), so
what is measured is what is served. Single channels are ranked exactly over the corpus.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from matcher.embed.cache import DEFAULT_CACHE_DIR
from matcher.embed.exact import top_k
from matcher.embed.lexical import LexicalEncoder
from matcher.evaluate.channels import DEFAULT_ENCODERS, Channel, DenseVectors, parse_channel
from matcher.evaluate.data import RetrievalSet, load_retrieval_dir
from matcher.evaluate.metrics import mean_metrics, no_match_metrics
from matcher.search.engine import Hit, build_search
from matcher.search.fusion import Fusion, fusion_for

DEPTH = 10


def system_fusion(
    dense: DenseVectors,
    channel: Channel,
    hybrid_weight: float | None = None,
    match_threshold: float | None = None,
) -> Fusion:
    """The fusion a hybrid system serves with: its dense encoder's calibration, overridden."""
    assert channel.dense is not None
    name = dense.encoder(channel.dense).name
    return fusion_for(name).with_overrides(hybrid_weight, match_threshold)


def hybrid_runs(
    data: RetrievalSet,
    query_ids: Sequence[str],
    dense: DenseVectors,
    channel: Channel,
    fusion: Fusion | None = None,
    candidates: int = 100,
) -> list[list[Hit]]:
    """Every judged query's hits (the whole candidate union, best first) from the engine.

    `fusion` defaults to the one the system serves with (`system_fusion`).
    """
    assert channel.dense is not None
    doc_ids, doc_texts = list(data.corpus), list(data.corpus.values())
    query_texts = [data.queries[q] for q in query_ids]
    fusion = fusion or system_fusion(dense, channel)
    engine = build_search(
        doc_ids, dense.encode(channel.dense, doc_texts), doc_texts, fusion, candidates
    )
    query_dense = dense.encode(channel.dense, query_texts, queries=True)
    return engine.search(query_dense, engine.lexical.encoder.encode(query_texts))


def evaluate_retrieval(
    folder: Path,
    encoders: Sequence[str] = DEFAULT_ENCODERS,
    cache_dir: Path = DEFAULT_CACHE_DIR,
    progress: bool = True,
    hybrid_weight: float | None = None,
    candidates: int = 100,
    match_threshold: float | None = None,
) -> list[dict]:
    """One row per system: {"encoder", "n", "recall@1", "recall@10", "mrr@10", "ndcg@10",
    "default", "match_kept", "no_match_flagged", "flagged_at_90"}.

    The last three are for hybrid systems (None otherwise): the share of queries whose best
    relevant document is presented as a match, the share whose best document once the
    relevant ones are removed is not, and that share at the threshold keeping 90% of the
    true matches.
    """
    data = load_retrieval_dir(folder)
    query_ids = [q for q in data.qrels if any(g > 0 for g in data.qrels[q].values())]
    query_texts = [data.queries[q] for q in query_ids]
    doc_ids, doc_texts = list(data.corpus), list(data.corpus.values())
    dense = DenseVectors(cache_dir, progress)
    lexical_vectors = None
    rows = []
    for name in encoders:
        channel = parse_channel(name)
        extra: dict = {"match_kept": None, "no_match_flagged": None, "flagged_at_90": None}
        if channel.dense is not None and channel.lexical:
            fusion = system_fusion(dense, channel, hybrid_weight, match_threshold)
            hits = hybrid_runs(data, query_ids, dense, channel, fusion, candidates)
            ranked = [[hit.id for hit in found[:DEPTH]] for found in hits]
            scored = {
                q: [(hit.id, hit.confidence) for hit in found]
                for q, found in zip(query_ids, hits, strict=True)
            }
            extra = no_match_metrics(scored, data.qrels, fusion.threshold)
        else:
            if channel.dense is None:
                if lexical_vectors is None:
                    lexical = LexicalEncoder().fit(doc_texts)
                    lexical_vectors = (lexical.encode(query_texts), lexical.encode(doc_texts))
                queries, docs = lexical_vectors
            else:
                queries = dense.encode(channel.dense, query_texts, queries=True)
                docs = dense.encode(channel.dense, doc_texts)
            _, indexes = top_k(queries, docs, DEPTH)
            ranked = [[doc_ids[i] for i in row] for row in indexes]
        runs = dict(zip(query_ids, ranked, strict=True))
        rows.append(
            {
                "encoder": name,
                **mean_metrics(runs, data.qrels),
                "default": channel.is_default,
                **extra,
            }
        )
    return rows
