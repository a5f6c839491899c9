"""`matcher index`: build, refresh or report the vector and lexical indexes of a workspace."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from matcher.cli.app import JsonOption, WorkspaceOption, app
from matcher.cli.errors import exit_on_user_error
from matcher.errors import NotFoundError
from matcher.index.builder import BuildSummary, build_indexes, index_status
from matcher.types import KIND_LABELS, RECORD_KINDS
from matcher.workspace import DEFAULT_WORKSPACE, open_workspace

console = Console()
MODE_LABELS = {"full": "全量重建", "incremental": "增量更新", "unchanged": "无变化"}
STATUS_LABELS = {"fresh": "[green]最新[/green]", "stale": "[red]已过期[/red]", "missing": "未建立"}
INDEX_TYPE_LABELS = {"flat": "精确 Flat", "hnsw": "近似 HNSW", "ivf": "近似 IVF"}

KindsOption = Annotated[
    list[str] | None,
    typer.Option("--kind", help=f"只处理这些类型（可重复）：{'|'.join(RECORD_KINDS)}"),
]
RebuildOption = Annotated[bool, typer.Option("--rebuild", help="忽略已有索引，全部重建")]
StatusOption = Annotated[bool, typer.Option("--status", help="只查看索引状态，不建立")]


@app.command("index", help="建立或更新各类记录的语义（FAISS）与词法索引。")
@exit_on_user_error
def index(
    kind: KindsOption = None,
    rebuild: RebuildOption = False,
    status: StatusOption = False,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
) -> None:
    """Build or refresh the indexes (only what changed, unless --rebuild); --status reports."""
    for name in kind or []:
        if name not in RECORD_KINDS:
            raise NotFoundError(f"未知的记录类型：{name}，可选：{'、'.join(RECORD_KINDS)}")
    ws = open_workspace(workspace)
    if status:
        rows = [r for r in index_status(ws) if not kind or r["kind"] in kind]
        if as_json:
            print(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            _print_status(rows)
        return
    summaries = build_indexes(ws, kinds=kind, rebuild=rebuild, progress=not as_json)
    if as_json:
        print(json.dumps([s.to_dict() for s in summaries.values()], ensure_ascii=False, indent=2))
    else:
        _print_summaries(list(summaries.values()))


def _print_summaries(summaries: list[BuildSummary]) -> None:
    table = Table(title="索引建立结果", title_justify="left")
    for column in ("类型", "记录数", "新嵌入", "缓存命中", "索引类型", "方式", "用时"):
        table.add_column(
            column, justify="left" if column in ("类型", "索引类型", "方式") else "right"
        )
    for s in summaries:
        table.add_row(
            KIND_LABELS[s.kind], str(s.count), str(s.embedded), str(s.cached),
            INDEX_TYPE_LABELS.get(s.index_type, s.index_type), MODE_LABELS[s.mode],
            f"{s.seconds:.1f} 秒",
        )  # fmt: skip
    console.print(table)


def _print_status(rows: list[dict]) -> None:
    table = Table(title="索引状态", title_justify="left")
    for column in ("类型", "记录数", "已索引", "索引类型", "编码器", "状态", "说明"):
        table.add_column(column, max_width=60 if column == "说明" else None)
    for r in rows:
        count = "-" if r["count"] is None else str(r["count"])
        index_type = INDEX_TYPE_LABELS.get(r["index_type"], r["index_type"] or "-")
        table.add_row(
            KIND_LABELS[r["kind"]], str(r["records"]), count, index_type, r["encoder"] or "-",
            STATUS_LABELS[r["status"]], r["detail"],
        )  # fmt: skip
    console.print(table)
