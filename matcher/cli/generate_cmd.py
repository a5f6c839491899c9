"""`matcher generate`: write a seeded sample data set (one JSONL per record kind)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from matcher.cli.app import JsonOption, app
from matcher.cli.errors import exit_on_user_error
from matcher.synth.generate import (
    DEFAULT_ENTERPRISES,
    DEFAULT_SEED,
    EVAL_MAX_ENTERPRISES,
    EVAL_SETS,
    generate,
    province_scale,
)
from matcher.types import KIND_LABELS

console = Console()


@app.command(
    "generate", help="生成可复现的示例数据（企业、需求、科技成果、金融产品、政策、供给）。"
)
@exit_on_user_error
def generate_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="输出目录")],
    enterprises: Annotated[
        int, typer.Option("--enterprises", "-n", min=1, help="企业数量，其他类型按比例生成")
    ] = DEFAULT_ENTERPRISES,
    scale: Annotated[
        float | None,
        typer.Option(
            "--scale",
            help="按全省规模的比例生成（代替 --enterprises）：1 即企业、需求、供给各 100 万，"
            "科技成果 10 万，金融产品与政策各 1 万；0.01 为其百分之一",
        ),
    ] = None,
    seed: Annotated[
        int, typer.Option("--seed", help="随机种子：相同种子与规模生成完全相同的文件")
    ] = DEFAULT_SEED,
    as_json: JsonOption = False,
) -> None:
    sizes = None if scale is None else province_scale(scale)
    counts = generate(out, enterprises, seed=seed, progress=not as_json, sizes=sizes)
    if as_json:
        typer.echo(json.dumps(counts, ensure_ascii=False))
        return
    table = Table(title=f"示例数据已写入 {out}（种子 {seed}）")
    table.add_column("类型")
    table.add_column("文件")
    table.add_column("数量", justify="right")
    for kind, count in counts.items():
        table.add_row(KIND_LABELS[kind], f"{kind}.jsonl", f"{count:,}")
    table.add_row("合计", "", f"{sum(counts.values()):,}", style="bold")
    console.print(table)
    if counts["enterprise"] <= EVAL_MAX_ENTERPRISES:
        folders = "、".join(f"eval/{name}" for name in EVAL_SETS)
        console.print(f"检索评测集：{folders}（可用 matcher evaluate --retrieval 评测）")
    else:
        console.print(f"企业数超过 {EVAL_MAX_ENTERPRISES:,}，未生成检索评测集。")
