"""The typer application object shared by every command module."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="matcher",
    help="产业链对接、政金企对接与政策匹配推荐工具：导入数据、建立索引、推荐并说明理由。",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

WorkspaceOption = Annotated[
    Path, typer.Option("--workspace", "-w", help="工作区目录", envvar="MATCHER_WORKSPACE")
]
JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON（供脚本使用）")]
