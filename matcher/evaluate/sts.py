"""STS evaluation: Spearman correlation between pair similarity and the gold score.

A pair is scored as the product scores a search text against a document: the first
sentence on the query side of the dense encoder, the second on the document side, the
lexical channel fitted on the file's sentences, and hybrid systems fused and calibrated by
the product's own `Fusion`. On files with 0/1 labels, hybrid rows also report how well the
confidence is calibrated (Brier score, expected calibration error).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from matcher.embed.cache import DEFAULT_CACHE_DIR
from matcher.embed.lexical import LexicalEncoder
from matcher.evaluate.channels import DEFAULT_ENCODERS, DenseVectors, parse_channel
from matcher.evaluate.data import StsSet, load_sts
from matcher.evaluate.metrics import brier, expected_calibration_error, spearman
from matcher.evaluate.retrieval import system_fusion


def sample_pairs(pairs: StsSet, max_pairs: int | None, seed: int = 0) -> StsSet:
    """At most `max_pairs` pairs, drawn without replacement with a fixed seed."""
    if max_pairs is None or len(pairs.scores) <= max_pairs:
        return pairs
    keep = random.Random(seed).sample(range(len(pairs.scores)), max_pairs)
    return StsSet(
        [pairs.first[i] for i in keep],
        [pairs.second[i] for i in keep],
        [pairs.scores[i] for i in keep],
    )


def pair_scores(pairs: StsSet, dense: DenseVectors, name: str | None) -> np.ndarray:
    """Cosine of each pair by dense encoder `name` (query side, document side)."""
    assert name is not None
    first = dense.encode(name, pairs.first, queries=True)
    second = dense.encode(name, pairs.second)
    return np.einsum("ij,ij->i", first, second)


def lexical_pair_scores(pairs: StsSet) -> np.ndarray:
    """Cosine of each pair's lexical vectors, fitted on all the file's sentences."""
    lexical = LexicalEncoder().fit(pairs.first + pairs.second)
    product = lexical.encode(pairs.first).multiply(lexical.encode(pairs.second))
    return np.asarray(product.sum(axis=1)).ravel()


def evaluate_sts(
    path: Path,
    encoders: Sequence[str] = DEFAULT_ENCODERS,
    cache_dir: Path = DEFAULT_CACHE_DIR,
    progress: bool = True,
    hybrid_weight: float | None = None,
    max_pairs: int | None = None,
) -> list[dict]:
    """One row per system: {"encoder", "n", "spearman", "default", "brier", "ece"}.

    `brier` and `ece` are None for single channels and for files whose labels are not 0/1.
    """
    pairs = sample_pairs(load_sts(path), max_pairs)
    labels = np.asarray(pairs.scores, dtype=np.float64)
    binary = bool(np.isin(labels, (0.0, 1.0)).all())
    dense = DenseVectors(cache_dir, progress)
    lexical_scores = None
    rows = []
    for name in encoders:
        channel = parse_channel(name)
        calibration: dict = {"brier": None, "ece": None}
        if channel.lexical and lexical_scores is None:
            lexical_scores = lexical_pair_scores(pairs)
        if channel.dense is None:
            predicted = lexical_scores
        elif channel.lexical:
            fusion = system_fusion(dense, channel, hybrid_weight)
            predicted = fusion.relevance(pair_scores(pairs, dense, channel.dense), lexical_scores)
            if binary:
                confidence = fusion.confidence(predicted)
                calibration = {
                    "brier": brier(confidence, labels),
                    "ece": expected_calibration_error(confidence, labels),
                }
        else:
            predicted = pair_scores(pairs, dense, channel.dense)
        rows.append(
            {
                "encoder": name,
                "n": len(pairs.scores),
                "spearman": spearman(predicted, pairs.scores),
                "default": channel.is_default,
                **calibration,
            }
        )
    return rows
