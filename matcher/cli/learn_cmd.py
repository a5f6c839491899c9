"""`matcher simulate-outcomes` (demo data only) and `matcher train-ranker`."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from matcher.cli.app import JsonOption, WorkspaceOption, app
from matcher.cli.errors import exit_on_user_error
from matcher.learn.persist import DEFAULT_MIN_LABELS
from matcher.learn.ranker import MODELS
from matcher.learn.split import METRICS
from matcher.learn.train import Training, train_ranker
from matcher.outcomes.funnel import funnel
from matcher.outcomes.store import load_finance_outcomes, load_meeting_outcomes
from matcher.synth.outcomes import DEFAULT_SEED, simulate_outcomes
from matcher.workspace import DEFAULT_WORKSPACE, open_workspace

console = Console()
GROUPING_LABELS = {"event": "按活动", "participant": "按需求方"}
RANKER_LABELS = {"baseline": "基线（加权和）", "learned": "学习排序", "random": "随机顺序"}


@app.command(
    "simulate-outcomes",
    help="【仅供演示和测试】在示例数据上模拟半年的对接活动及其会谈结果（不代表真实效果）。",
)
@exit_on_user_error
def simulate_outcomes_command(
    seed: Annotated[int, typer.Option(help="随机种子：相同种子与数据得到相同结果")] = DEFAULT_SEED,
    small: Annotated[bool, typer.Option("--small", help="只模拟4场小型活动（测试用）")] = False,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
) -> None:
    ws = open_workspace(workspace)
    simulation = simulate_outcomes(ws, seed=seed, small=small, progress=not as_json)
    counts = funnel(load_meeting_outcomes(ws), load_finance_outcomes(ws), simulation.plans,
                    ws.store.load("enterprise"), label="模拟数据")  # type: ignore[arg-type]  # fmt: skip
    if as_json:
        typer.echo(json.dumps({"simulated": True, "events": [p.event.id for p in simulation.plans],
                               "funnel": counts.model_dump()}, ensure_ascii=False))  # fmt: skip
        return
    console.print("[bold yellow]以下为模拟数据，仅供演示和测试，不代表真实对接效果。[/bold yellow]")
    table = Table(title="模拟对接活动")
    for column in ("活动编号", "名称", "日期", "会谈数"):
        table.add_column(column)
    for plan in simulation.plans:
        table.add_row(plan.event.id, plan.event.name, plan.event.date.isoformat(),
                      str(len(plan.meetings)))  # fmt: skip
    console.print(table)
    console.print(counts.summary)


@app.command("train-ranker", help="用已记录的会谈结果训练排序模型，按时间切分评测并保存。")
@exit_on_user_error
def train_ranker_command(
    min_labels: Annotated[
        int, typer.Option("--min-labels", min=1, help="至少需要的已标注会谈数")
    ] = DEFAULT_MIN_LABELS,
    model: Annotated[
        str, typer.Option("--model", help="logreg（逻辑回归，默认）| hgb（梯度提升树）")
    ] = "logreg",
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
) -> None:
    if model not in MODELS:
        raise typer.BadParameter(f"可选：{'、'.join(MODELS)}", param_hint="--model")
    ws = open_workspace(workspace)
    training = train_ranker(ws, model=model, min_labels=min_labels)
    if as_json:
        typer.echo(json.dumps(training.to_dict(), ensure_ascii=False))
        return
    print_training(training)


def print_training(training: Training) -> None:
    """The comparison table (baseline / learned / random) and where the model was saved."""
    table = Table(
        title=f"排序效果对比（按时间滚动评测：{training.test} 条测试会谈，"
        f"各自只用更早活动的结果训练）"
    )
    for column in ("分组", "排序方式", "分组数", *METRICS):
        table.add_column(column, justify="right" if column in METRICS else "left")
    for row in training.rows:
        table.add_row(
            GROUPING_LABELS[str(row["grouping"])], RANKER_LABELS[str(row["ranker"])],
            str(row["n"]), *(f"{float(row[m]):.3f}" for m in METRICS),
        )  # fmt: skip
    console.print(table)
    manifest = training.manifest or {}
    console.print(
        f"模型已保存：models/{manifest.get('file')}（版本 {manifest.get('version')}，"
        f"{training.labels} 条标注，其中 {training.positives} 条达成意向）。"
        "在设置中把 ranker 设为 learned（或设置环境变量 MATCHER_RANKER=learned）即可启用。"
    )
