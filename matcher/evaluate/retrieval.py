"""Retrieval evaluation: rank the corpus for every judged query, then average the metrics."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from matcher.embed.cache import DEFAULT_CACHE_DIR
from matcher.embed.exact import top_k
from matcher.embed.hybrid import DEFAULT_METHOD, DEFAULT_WEIGHT, HybridRetriever
from matcher.embed.lexical import DEFAULT_ANALYZER, DEFAULT_WEIGHTING, LexicalEncoder
from matcher.evaluate.channels import DEFAULT_ENCODERS, DenseVectors, parse_channel
from matcher.evaluate.data import load_retrieval_dir
from matcher.evaluate.metrics import mean_metrics

DEPTH = 10


def evaluate_retrieval(
    folder: Path,
    encoders: Sequence[str] = DEFAULT_ENCODERS,
    cache_dir: Path = DEFAULT_CACHE_DIR,
    progress: bool = True,
    hybrid_weight: float = DEFAULT_WEIGHT,
    hybrid_method: str = DEFAULT_METHOD,
    candidates: int = 100,
) -> list[dict]:
    """One row per encoder: {"encoder", "n", "recall@1", "recall@10", "mrr@10", "ndcg@10"}."""
    data = load_retrieval_dir(folder)
    query_ids = [q for q in data.qrels if any(g > 0 for g in data.qrels[q].values())]
    query_texts = [data.queries[q] for q in query_ids]
    doc_ids = list(data.corpus)
    doc_texts = list(data.corpus.values())
    dense = DenseVectors(cache_dir, progress)
    lexical_vectors = None
    rows = []
    for name in encoders:
        channel = parse_channel(name)
        if channel.lexical and lexical_vectors is None:
            lexical = LexicalEncoder(DEFAULT_ANALYZER, DEFAULT_WEIGHTING).fit(doc_texts)
            lexical_vectors = (lexical.encode(query_texts), lexical.encode(doc_texts))
        if channel.dense is not None:
            dense_q = dense.encode(channel.dense, query_texts)
            dense_d = dense.encode(channel.dense, doc_texts)
        if channel.dense is not None and lexical_vectors is not None and channel.lexical:
            retriever = HybridRetriever(
                doc_ids, dense_d, lexical_vectors[1], hybrid_weight, hybrid_method, candidates
            )
            hits = retriever.search(dense_q, lexical_vectors[0], DEPTH)
            ranked = [[doc for doc, _, _ in found] for found in hits]
        else:
            queries, docs = (dense_q, dense_d) if channel.dense is not None else lexical_vectors
            _, indexes = top_k(queries, docs, DEPTH)
            ranked = [[doc_ids[i] for i in row] for row in indexes]
        runs = dict(zip(query_ids, ranked, strict=True))
        rows.append({"encoder": name, **mean_metrics(runs, data.qrels)})
    return rows
