"""STS evaluation: Spearman correlation between pair similarity and the gold score."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from matcher.embed.cache import DEFAULT_CACHE_DIR
from matcher.embed.hybrid import DEFAULT_WEIGHT, combine
from matcher.embed.lexical import DEFAULT_ANALYZER, DEFAULT_WEIGHTING, LexicalEncoder
from matcher.evaluate.channels import DEFAULT_ENCODERS, DenseVectors, parse_channel
from matcher.evaluate.data import load_sts
from matcher.evaluate.metrics import spearman


def evaluate_sts(
    path: Path,
    encoders: Sequence[str] = DEFAULT_ENCODERS,
    cache_dir: Path = DEFAULT_CACHE_DIR,
    progress: bool = True,
    hybrid_weight: float = DEFAULT_WEIGHT,
) -> list[dict]:
    """One row per encoder: {"encoder", "n", "spearman"}.

    Lexical similarity is the cosine of sparse vectors fitted on the file's sentences;
    hybrid similarity is `combine(dense cosine, lexical cosine, hybrid_weight)`.
    """
    pairs = load_sts(path)
    dense = DenseVectors(cache_dir, progress)
    lexical_scores = None
    rows = []
    for name in encoders:
        channel = parse_channel(name)
        if channel.lexical and lexical_scores is None:
            lexical = LexicalEncoder(DEFAULT_ANALYZER, DEFAULT_WEIGHTING).fit(
                pairs.first + pairs.second
            )
            product = lexical.encode(pairs.first).multiply(lexical.encode(pairs.second))
            lexical_scores = np.asarray(product.sum(axis=1)).ravel()
        if channel.dense is not None:
            first = dense.encode(channel.dense, pairs.first)
            second = dense.encode(channel.dense, pairs.second)
            dense_scores = np.einsum("ij,ij->i", first, second)
        if channel.dense is None:
            predicted = lexical_scores
        elif channel.lexical:
            predicted = combine(dense_scores, lexical_scores, hybrid_weight)
        else:
            predicted = dense_scores
        rows.append(
            {"encoder": name, "n": len(pairs.scores), "spearman": spearman(predicted, pairs.scores)}
        )
    return rows
