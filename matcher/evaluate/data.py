"""Loaders for labelled evaluation data, with errors that name the file and line.

Retrieval folder: `queries.jsonl` and `corpus.jsonl` (`{"id", "text"}` per line) and
`qrels.tsv` (`query_id<TAB>doc_id<TAB>relevance`; a BEIR-style header line is skipped).
STS file: `sentence1<TAB>sentence2<TAB>score` per line, no header.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from matcher.errors import MatcherError


@dataclass
class RetrievalSet:
    """Queries and corpus as id → text, and graded qrels as query id → {doc id: grade}."""

    queries: dict[str, str]
    corpus: dict[str, str]
    qrels: dict[str, dict[str, float]]


@dataclass
class StsSet:
    """Sentence pairs with a gold similarity score each."""

    first: list[str]
    second: list[str]
    scores: list[float]


def _lines(path: Path) -> list[tuple[int, str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise MatcherError(f"找不到文件：{path}") from exc
    except UnicodeDecodeError as exc:
        raise MatcherError(f"{path}：不是 UTF-8 编码的文本（{exc.reason}）") from exc
    return [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]


def load_jsonl_texts(path: Path) -> dict[str, str]:
    """id → text from a JSONL file whose lines are objects with string "id" and "text"."""
    texts: dict[str, str] = {}
    for n, line in _lines(path):
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise MatcherError(f"{path} 第 {n} 行：不是合法的 JSON（{exc.msg}）") from exc
        if not isinstance(row, dict):
            raise MatcherError(f"{path} 第 {n} 行：应为 JSON 对象")
        doc_id, text = row.get("id"), row.get("text")
        if isinstance(doc_id, int) and not isinstance(doc_id, bool):
            doc_id = str(doc_id)
        if not isinstance(doc_id, str) or not doc_id:
            raise MatcherError(f"{path} 第 {n} 行：缺少字段 id（字符串）")
        if not isinstance(text, str):
            raise MatcherError(f"{path} 第 {n} 行：缺少字段 text（字符串）")
        if doc_id in texts:
            raise MatcherError(f"{path} 第 {n} 行：id “{doc_id}” 重复")
        texts[doc_id] = text
    return texts


def load_qrels(path: Path) -> dict[str, dict[str, float]]:
    """query id → {doc id: grade} from a three-column TSV (header line tolerated)."""
    qrels: dict[str, dict[str, float]] = {}
    for position, (n, line) in enumerate(_lines(path)):
        cells = line.rstrip("\r\n").split("\t")
        if len(cells) != 3:
            raise MatcherError(
                f"{path} 第 {n} 行：应有 3 列（query_id、doc_id、relevance），实际 {len(cells)} 列"
            )
        query_id, doc_id, grade_text = (cell.strip() for cell in cells)
        try:
            grade = float(grade_text)
        except ValueError:
            if position == 0:
                continue  # header such as "query-id corpus-id score"
            raise MatcherError(f"{path} 第 {n} 行：relevance “{grade_text}” 不是数字") from None
        if not query_id or not doc_id:
            raise MatcherError(f"{path} 第 {n} 行：query_id 或 doc_id 为空")
        qrels.setdefault(query_id, {})[doc_id] = grade
    return qrels


def load_retrieval_dir(folder: Path) -> RetrievalSet:
    """The three files of a retrieval folder; qrels must name known queries and documents."""
    folder = Path(folder)
    if not folder.is_dir():
        raise MatcherError(f"找不到检索评测目录：{folder}")
    queries = load_jsonl_texts(folder / "queries.jsonl")
    corpus = load_jsonl_texts(folder / "corpus.jsonl")
    qrels_path = folder / "qrels.tsv"
    qrels = load_qrels(qrels_path)
    for query_id, judged in qrels.items():
        if query_id not in queries:
            raise MatcherError(f"{qrels_path}：查询 “{query_id}” 不在 queries.jsonl 中")
        for doc_id in judged:
            if doc_id not in corpus:
                raise MatcherError(f"{qrels_path}：文档 “{doc_id}” 不在 corpus.jsonl 中")
    if not corpus:
        raise MatcherError(f"{folder / 'corpus.jsonl'}：没有文档")
    return RetrievalSet(queries, corpus, qrels)


def load_sts(path: Path) -> StsSet:
    """Pairs and gold scores from `sentence1<TAB>sentence2<TAB>score` lines."""
    path = Path(path)
    pairs = StsSet([], [], [])
    for n, line in _lines(path):
        cells = line.rstrip("\r\n").split("\t")
        if len(cells) != 3:
            raise MatcherError(
                f"{path} 第 {n} 行：应有 3 列（sentence1、sentence2、score），实际 {len(cells)} 列"
            )
        try:
            score = float(cells[2])
        except ValueError:
            raise MatcherError(f"{path} 第 {n} 行：score “{cells[2].strip()}” 不是数字") from None
        pairs.first.append(cells[0].strip())
        pairs.second.append(cells[1].strip())
        pairs.scores.append(score)
    if not pairs.scores:
        raise MatcherError(f"{path}：没有句对")
    return pairs
