"""FAISS vector indexes and the lexical index, with manifests, built per record kind."""

from matcher.index.builder import (
    BuildSummary,
    build_indexes,
    index_status,
    load_indexes,
    update_indexes,
)
from matcher.index.sparse_index import SparseIndex
from matcher.index.vector_index import VectorIndex

__all__ = [
    "BuildSummary",
    "SparseIndex",
    "VectorIndex",
    "build_indexes",
    "index_status",
    "load_indexes",
    "update_indexes",
]
