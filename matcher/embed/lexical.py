"""Lexical channel: Chinese-aware analyzers with TF-IDF or BM25 weights, as sparse unit vectors."""

from __future__ import annotations

import json
import logging
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from matcher.atomic import write_text_atomic
from matcher.errors import MatcherError

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(f"[{_CJK}]+|[a-z0-9]+")
_WORDLIKE = re.compile(r"\w")


def normalise_text(text: str) -> str:
    """NFKC (full-width → half-width) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def char_ngrams(text: str, orders: tuple[int, ...] = (1, 2)) -> list[str]:
    """Character n-grams inside each run of Chinese characters; latin/digit runs as whole words."""
    tokens: list[str] = []
    for run in _RUNS.findall(normalise_text(text)):
        if run[0] < "\u3400":  # a latin/digit run
            tokens.append(run)
            continue
        for n in orders:
            tokens.extend(run[i : i + n] for i in range(len(run) - n + 1))
    return tokens


def jieba_words(text: str) -> list[str]:
    """jieba words (precise mode) that contain a letter, digit or Chinese character."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return [w for w in jieba.lcut(normalise_text(text)) if _WORDLIKE.search(w) and not w.isspace()]


ANALYZERS: dict[str, Callable[[str], list[str]]] = {
    "char1": lambda text: char_ngrams(text, (1,)),
    "char12": char_ngrams,
    "jieba": jieba_words,
    "jieba+char12": lambda text: jieba_words(text) + char_ngrams(text),
}
WEIGHTINGS = ("tfidf", "bm25")
DEFAULT_ANALYZER = "jieba+char12"
DEFAULT_WEIGHTING = "tfidf"


class LexicalEncoder:
    """Sparse encoder: `fit` learns vocabulary and idf; `encode` gives L2-normalised CSR rows.

    tfidf: weight = (1 + ln tf) * idf, idf = ln((1 + N) / (1 + df)) + 1.
    bm25: weight = idf * tf (k1 + 1) / (tf + k1 (1 - b + b len / avglen)),
    idf = ln(1 + (N - df + 0.5) / (df + 0.5)); queries and documents are weighted alike.
    """

    def __init__(
        self,
        analyzer: str = DEFAULT_ANALYZER,
        weighting: str = DEFAULT_WEIGHTING,
        k1: float = 1.2,
        b: float = 0.75,
    ) -> None:
        if analyzer not in ANALYZERS:
            raise MatcherError(f"未知的分词方式 “{analyzer}”，可选：{'、'.join(ANALYZERS)}")
        if weighting not in WEIGHTINGS:
            raise MatcherError(f"未知的权重方式 “{weighting}”，可选：{'、'.join(WEIGHTINGS)}")
        self.analyzer = analyzer
        self.weighting = weighting
        self.k1 = k1
        self.b = b
        self.name = f"lexical-{analyzer}-{weighting}"
        self.vocabulary_: dict[str, int] | None = None
        self.idf_: np.ndarray | None = None
        self.avg_length_: float = 1.0

    @property
    def dim(self) -> int:
        """Vocabulary size (0 before `fit`)."""
        return len(self.vocabulary_ or {})

    def fit(self, corpus: Sequence[str]) -> LexicalEncoder:
        """Learn the vocabulary, document frequencies and mean length from `corpus`."""
        analyze = ANALYZERS[self.analyzer]
        df: Counter[str] = Counter()
        total = 0
        for text in corpus:
            tokens = analyze(text)
            total += len(tokens)
            df.update(set(tokens))
        n = len(corpus)
        terms = sorted(df)
        counts = np.array([df[t] for t in terms], dtype=np.float64)
        if self.weighting == "tfidf":
            idf = np.log((1 + n) / (1 + counts)) + 1
        else:
            idf = np.log1p((n - counts + 0.5) / (counts + 0.5))
        self.vocabulary_ = {t: i for i, t in enumerate(terms)}
        self.idf_ = idf
        self.avg_length_ = max(total / max(n, 1), 1.0)
        return self

    def encode(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """CSR float32 [n, dim]; rows L2-normalised (texts with no known term stay zero)."""
        if self.vocabulary_ is None or self.idf_ is None:
            raise MatcherError("词法编码器尚未训练（请先调用 fit）")
        analyze = ANALYZERS[self.analyzer]
        vocabulary = self.vocabulary_
        indptr = [0]
        indices: list[int] = []
        values: list[float] = []
        for text in texts:
            tokens = analyze(text)
            counts = Counter(t for t in tokens if t in vocabulary)
            if self.weighting == "tfidf":
                weights = [1.0 + math.log(c) for c in counts.values()]
            else:
                norm = self.k1 * (1 - self.b + self.b * len(tokens) / self.avg_length_)
                weights = [c * (self.k1 + 1) / (c + norm) for c in counts.values()]
            indices.extend(vocabulary[t] for t in counts)
            values.extend(weights)
            indptr.append(len(indices))
        index_array = np.asarray(indices, dtype=np.int64)
        data = np.asarray(values, dtype=np.float64) * self.idf_[index_array]
        matrix = sparse.csr_matrix(
            (data, index_array, np.asarray(indptr, dtype=np.int64)), shape=(len(texts), self.dim)
        )
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        matrix = sparse.diags(1.0 / np.maximum(norms, 1e-12)) @ matrix
        matrix = sparse.csr_matrix(matrix, dtype=np.float32)
        matrix.sort_indices()
        return matrix

    def term_weight(self, term: str) -> float:
        """How informative `term` is: its idf scaled from the vocabulary's lowest (0) to top (1).

        A word outside the vocabulary gets the mean idf of its character bigrams; one with no
        known bigram never occurs in the corpus, so it counts as rarest (1.0).
        """
        if self.vocabulary_ is None or self.idf_ is None:
            raise MatcherError("词法编码器尚未训练（请先调用 fit）")
        word = normalise_text(term).strip()
        known = [word] if word in self.vocabulary_ else char_ngrams(word, (2,))
        rows = [self.vocabulary_[t] for t in known if t in self.vocabulary_]
        if not rows:
            return 1.0
        low, high = self._idf_bounds(self.idf_)
        return (float(self.idf_[rows].mean()) - low) / (high - low) if high > low else 1.0

    def _idf_bounds(self, idf: np.ndarray) -> tuple[float, float]:
        """(min, max) of `idf`, cached for as long as `idf_` is that same array."""
        cached = getattr(self, "_bounds_cache", None)
        if cached is None or cached[0] is not idf:
            cached = (idf, float(idf.min()), float(idf.max()))
            self._bounds_cache = cached
        return cached[1], cached[2]

    def to_state(self) -> dict[str, Any]:
        """Everything `from_state` needs to rebuild an identical encoder (JSON-safe)."""
        if self.vocabulary_ is None or self.idf_ is None:
            raise MatcherError("词法编码器尚未训练（请先调用 fit）")
        return {
            "analyzer": self.analyzer,
            "weighting": self.weighting,
            "k1": self.k1,
            "b": self.b,
            "avg_length": self.avg_length_,
            "terms": sorted(self.vocabulary_, key=self.vocabulary_.__getitem__),
            "idf": self.idf_.tolist(),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> LexicalEncoder:
        """The encoder saved by `to_state`."""
        encoder = cls(state["analyzer"], state["weighting"], state["k1"], state["b"])
        encoder.vocabulary_ = {t: i for i, t in enumerate(state["terms"])}
        encoder.idf_ = np.asarray(state["idf"], dtype=np.float64)
        encoder.avg_length_ = float(state["avg_length"])
        return encoder

    def save(self, path: Path) -> None:
        """Write the state as JSON, atomically (floats round-trip exactly)."""
        write_text_atomic(Path(path), json.dumps(self.to_state(), ensure_ascii=False))

    @classmethod
    def load(cls, path: Path) -> LexicalEncoder:
        """Read a state written by `save`."""
        try:
            state = json.loads(Path(path).read_text(encoding="utf-8"))
            return cls.from_state(state)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise MatcherError(f"无法读取词法编码器文件 {path}：{exc}") from exc
