import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from matcher.cli import app

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
BQ = SHARED / "data" / "eval" / "retrieval" / "bq-paraphrase"
METRICS = ("recall@1", "recall@10", "mrr@10", "ndcg@10")


def subset_of_bq(root: Path, n_queries: int = 80, n_distractors: int = 400) -> Path:
    """A small retrieval folder cut from the shared bq-paraphrase set (kept in tmp only)."""
    qrels = [line.split("\t") for line in (BQ / "qrels.tsv").read_text("utf-8").splitlines()]
    qrels = qrels[:n_queries]
    wanted_queries = {q for q, _, _ in qrels}
    wanted_docs = {d for _, d, _ in qrels}
    corpus = [json.loads(line) for line in (BQ / "corpus.jsonl").read_text("utf-8").splitlines()]
    kept = [r for r in corpus if r["id"] in wanted_docs]
    kept += [r for r in corpus if r["id"] not in wanted_docs][:n_distractors]
    queries = [json.loads(line) for line in (BQ / "queries.jsonl").read_text("utf-8").splitlines()]
    root.mkdir()
    for name, rows in (
        ("queries.jsonl", [r for r in queries if r["id"] in wanted_queries]),
        ("corpus.jsonl", kept),
    ):
        (root / name).write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
        )
    (root / "qrels.tsv").write_text("".join("\t".join(r) + "\n" for r in qrels), encoding="utf-8")
    return root


@pytest.mark.slow
@pytest.mark.skipif(not BQ.is_dir(), reason="shared evaluation data not present")
def test_evaluate_retrieval_json_on_bq_subset(tmp_path):
    folder = subset_of_bq(tmp_path / "bq")
    result = CliRunner().invoke(
        app, ["evaluate", "--retrieval", str(folder), "--json", "--cache", str(tmp_path / "c")]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["encoder"] for r in rows] == ["usem3", "lexical", "hybrid"]
    assert [r["default"] for r in rows] == [False, False, True]
    for row in rows:
        assert list(row) == ["encoder", "n", *METRICS, "default", "match_kept",
                             "no_match_flagged", "flagged_at_90"]  # fmt: skip
        assert row["n"] == 80
        assert all(0.0 <= row[m] <= 1.0 for m in METRICS)
    dense, lexical, hybrid = rows
    for metric in ("recall@10", "ndcg@10"):
        assert hybrid[metric] >= min(dense[metric], lexical[metric])


def test_evaluate_sts_prints_a_table(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text(
        "怎么申请信用贷款\t信用贷款如何申请\t1\n怎么申请信用贷款\t今天天气很好\t0\n"
        "专利质押融资\t用专利权质押贷款\t1\n专利质押融资\t周末去看电影\t0\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app, ["evaluate", "--sts", str(path), "-e", "lexical", "--cache", str(tmp_path / "c")]
    )
    assert result.exit_code == 0, result.output
    assert "lexical" in result.stdout
    assert "spearman" in result.stdout


def test_evaluate_reports_bad_input_in_chinese(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("只有一列\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", "--sts", str(path), "--json"])
    assert result.exit_code == 1
    assert "第 1 行" in result.output
    assert result.stdout == ""
    result = CliRunner().invoke(app, ["evaluate", "--json"])
    assert result.exit_code == 2
    assert "二选一" in result.output
