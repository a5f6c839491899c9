import json

import pytest

from matcher.errors import MatcherError
from matcher.evaluate.data import load_qrels, load_retrieval_dir, load_sts


def write_folder(root, queries, corpus, qrels):
    root.mkdir()
    (root / "queries.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in queries), encoding="utf-8"
    )
    (root / "corpus.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in corpus), encoding="utf-8"
    )
    (root / "qrels.tsv").write_text(qrels, encoding="utf-8")
    return root


QUERIES = [{"id": "q1", "text": "小微企业贷款"}, {"id": "q2", "text": "专利质押融资"}]
CORPUS = [{"id": "d1", "text": "面向小微企业的信用贷款"}, {"id": "d2", "text": "知识产权质押贷款"}]


def test_loads_a_retrieval_folder_with_graded_qrels(tmp_path):
    folder = write_folder(tmp_path / "set", QUERIES, CORPUS, "q1\td1\t1\nq2\td2\t2\nq2\td1\t0\n")
    data = load_retrieval_dir(folder)
    assert data.queries == {"q1": "小微企业贷款", "q2": "专利质押融资"}
    assert list(data.corpus) == ["d1", "d2"]
    assert data.qrels == {"q1": {"d1": 1.0}, "q2": {"d2": 2.0, "d1": 0.0}}


def test_a_beir_header_line_is_skipped(tmp_path):
    path = tmp_path / "qrels.tsv"
    path.write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\n", encoding="utf-8")
    assert load_qrels(path) == {"q1": {"d1": 1.0}}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("q1\td1\t1\nq1\td2\n", "第 2 行"),
        ("q1\td1\t1\nq2\td2\thigh\n", "第 2 行"),
        ("q1\td1\t1\n\tq2\t1\n", "第 2 行"),
    ],
)
def test_malformed_qrels_name_file_and_line(tmp_path, content, message):
    path = tmp_path / "qrels.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MatcherError) as error:
        load_qrels(path)
    assert "qrels.tsv" in str(error.value)
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("line", "word"),
    [
        ('{"id": "d3", "text": ', "JSON"),
        ('{"id": "d3"}', "text"),
        ('{"text": "无编号"}', "id"),
        ('["d3", "数组"]', "对象"),
        ('{"id": "d1", "text": "重复"}', "重复"),
    ],
)
def test_malformed_corpus_lines_name_file_and_line(tmp_path, line, word):
    folder = write_folder(tmp_path / "set", QUERIES, CORPUS, "q1\td1\t1\n")
    with (folder / "corpus.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    with pytest.raises(MatcherError) as error:
        load_retrieval_dir(folder)
    assert "corpus.jsonl 第 3 行" in str(error.value)
    assert word in str(error.value)


def test_qrels_must_name_known_documents_and_queries(tmp_path):
    folder = write_folder(tmp_path / "a", QUERIES, CORPUS, "q1\td9\t1\n")
    with pytest.raises(MatcherError, match="d9"):
        load_retrieval_dir(folder)
    folder = write_folder(tmp_path / "b", QUERIES, CORPUS, "q9\td1\t1\n")
    with pytest.raises(MatcherError, match="q9"):
        load_retrieval_dir(folder)


def test_missing_folder_or_file_is_reported(tmp_path):
    with pytest.raises(MatcherError, match="找不到"):
        load_retrieval_dir(tmp_path / "nowhere")
    folder = write_folder(tmp_path / "set", QUERIES, CORPUS, "q1\td1\t1\n")
    (folder / "qrels.tsv").unlink()
    with pytest.raises(MatcherError, match=r"qrels\.tsv"):
        load_retrieval_dir(folder)


def test_loads_sts_pairs_and_trims_cells(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text(
        "一个小孩在骑马。\t孩子在骑马。 \t4\n\n我想贷款\t天气很好\t0\n", encoding="utf-8"
    )
    pairs = load_sts(path)
    assert pairs.first == ["一个小孩在骑马。", "我想贷款"]
    assert pairs.second == ["孩子在骑马。", "天气很好"]
    assert pairs.scores == [4.0, 0.0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("句一\t句二\t1\n句三\t句四\n", "第 2 行"),
        ("句一\t句二\t相似\n", "第 1 行"),
        ("", "没有句对"),
    ],
)
def test_malformed_sts_files_are_reported(tmp_path, content, message):
    path = tmp_path / "pairs.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MatcherError) as error:
        load_sts(path)
    assert "pairs.tsv" in str(error.value)
    assert message in str(error.value)


def test_non_utf8_file_is_reported(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_bytes("句一\t句二\t1\n".encode("gbk"))
    with pytest.raises(MatcherError, match="UTF-8"):
        load_sts(path)
