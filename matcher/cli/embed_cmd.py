"""`matcher embed`: stream record texts into the embedding cache, here or on a Ray cluster."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from matcher.batch import make_backend
from matcher.cli.app import JsonOption, WorkspaceOption, app
from matcher.cli.errors import exit_on_user_error
from matcher.embed.registry import make_encoder
from matcher.embed.stream import CHUNK, EmbedSummary, embed_stream
from matcher.errors import NotFoundError
from matcher.types import KIND_LABELS, RECORD_KINDS
from matcher.workspace import DEFAULT_WORKSPACE, open_workspace

console = Console()

KindsOption = Annotated[
    list[str] | None,
    typer.Option("--kind", help=f"只处理这些类型（可重复）：{'|'.join(RECORD_KINDS)}"),
]
RayOption = Annotated[
    str | None,
    typer.Option(
        "--ray",
        help="在 Ray 集群上编码：auto 连接本机所在集群，ray://主机:10001 或 主机:6379 "
        "连接指定集群，local 在本机临时启动一个；默认在本进程中编码",
    ),
]
ChunkOption = Annotated[int, typer.Option("--chunk", min=1, help="每个批任务的文本数")]


@app.command(
    "embed",
    help="按批计算记录文本的向量并写入工作区的向量缓存（可断点续传，已缓存的文本跳过；"
    "可在 Ray 集群上运行），之后 matcher index 直接使用缓存。",
)
@exit_on_user_error
def embed(
    kind: KindsOption = None,
    ray: RayOption = None,
    chunk: ChunkOption = CHUNK,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    as_json: JsonOption = False,
) -> None:
    """Embed every record text of the chosen kinds into the workspace's embedding cache."""
    for name in kind or []:
        if name not in RECORD_KINDS:
            raise NotFoundError(f"未知的记录类型：{name}，可选：{'、'.join(RECORD_KINDS)}")
    ws = open_workspace(workspace)
    encoder = make_encoder(ws.settings.encoder, batch_size=ws.settings.batch_size)
    backend = make_backend(ray)
    summaries: dict[str, EmbedSummary] = {}
    try:
        for name in kind or RECORD_KINDS:
            summaries[name] = embed_stream(
                ws.store.iter_texts(name), encoder, ws.cache_dir, chunk=chunk, backend=backend,
                total=ws.store.count(name), progress=not as_json,
            )  # fmt: skip
    finally:
        backend.close()
    if as_json:
        rows = [{"kind": name, **s.to_dict()} for name, s in summaries.items()]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"向量缓存（编码器 {encoder.name}，{backend.name}）", title_justify="left")
    for column in ("类型", "文本", "新编码", "已缓存", "用时（秒）", "每秒编码"):
        table.add_column(column, justify="left" if column == "类型" else "right")
    for name, s in summaries.items():
        rate = f"{s.embedded / s.seconds:,.0f}" if s.embedded and s.seconds else "—"
        table.add_row(
            KIND_LABELS[name], f"{s.texts:,}", f"{s.embedded:,}", f"{s.cached:,}",
            f"{s.seconds:,.1f}", rate,
        )  # fmt: skip
    console.print(table)
