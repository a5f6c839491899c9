"""The typer application object shared by every command module."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from matcher.workspace import DEFAULT_WORKSPACE

app = typer.Typer(
    name="matcher",
    help="产业链对接、政金企对接与政策匹配的推荐工具（matchmaking recommendations）.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

WorkspaceOption = Annotated[
    Path, typer.Option("--workspace", "-w", help="workspace folder", envvar="MATCHER_WORKSPACE")
]
JsonOption = Annotated[bool, typer.Option("--json", help="print JSON for scripts")]
DEFAULT_WORKSPACE_PATH = DEFAULT_WORKSPACE
